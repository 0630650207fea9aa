-- wrk script of the soak: rotates the requests of request_mix.tsv (its path is the script's argument, after
-- wrk's "--") and counts every status received. done() prints machine-readable lines for emulator_soak.sh:
--   SOAK_WRK requests=N duration_us=N connect=N read=N write=N timeout=N status=N
--   SOAK_STATUS CODE COUNT       (one line per status received)
local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

local rotation = {}
local next_index = 0
statuses = {}  -- global: done() reads it from each thread with thread:get()

function init(args)
   local mix = assert(args[1], "soak.lua: give the request mix file after --")
   local file = assert(io.open(mix, "r"))
   for line in file:lines() do
      if line ~= "" and line:sub(1, 1) ~= "#" then
         local f = {}
         for field in line:gmatch("[^\t]+") do table.insert(f, field) end
         assert(#f == 6, "soak.lua: " .. mix .. ": want 6 tab-separated columns in: " .. line)
         local body = f[6] ~= "-" and f[6] or nil
         local headers = { Host = f[3] }
         if body then headers["Content-Type"] = "application/octet-stream" end
         -- Formatted once here: request() only hands out prebuilt strings, so Lua costs little per request.
         local request = wrk.format(f[2], f[4], headers, body)
         for _ = 1, tonumber(f[1]) do table.insert(rotation, request) end
      end
   end
   file:close()
   assert(#rotation > 0, "soak.lua: " .. mix .. " holds no request")
end

function request()
   next_index = next_index % #rotation + 1
   return rotation[next_index]
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format("SOAK_WRK requests=%d duration_us=%d connect=%d read=%d write=%d timeout=%d status=%d\n",
                          summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status))
   local total = {}
   for _, thread in ipairs(threads) do
      for code, n in pairs(thread:get("statuses")) do total[code] = (total[code] or 0) + n end
   end
   for code, n in pairs(total) do io.write(string.format("SOAK_STATUS %d %d\n", code, n)) end
end
