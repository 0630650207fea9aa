#!/usr/bin/env bash
# The emulator against nginx on loopback, measured with wrk in the same run: keep-alive requests/s and new
# TLS connections/s (Connection: close). Both serve the same response over TLS 1.3 with an EC P-256 certificate:
# nginx answers with the headers and the 64-byte body the emulator's Worker answered first (captured with curl),
# so the client parses and decrypts the same bytes from both; only Date and Server differ.
# BENCH_ROUNDS rounds (5) of BENCH_SECONDS (5) per measurement, nginx and the emulator measured back to back in
# each round; the medians are reported, and each round's ratio.
# Beside each rate, the server's own CPU time per request (user + system, from /proc): wrk shares the two cores
# with the server, so the rate also depends on how much CPU the server leaves wrk; CPU per request does not.
# Prints a Markdown section on stdout (bench/run.sh appends it to RESULTS.md).
# Usage: bench/run_emulator.sh path/to/sclab
set -euo pipefail
sclab=$(realpath "$1")
seconds=${BENCH_SECONDS:-5}
rounds=${BENCH_ROUNDS:-5}
connections=${BENCH_CONNECTIONS:-50}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
host=df00tech-sentinel-test.argustest.workers.dev

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])' 2>/dev/null ||
    node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

start_emulator() {  # start_emulator TAG THREADS [OPTIONS...] -> sets emu_port and emu_pid
    local tag=$1 threads=$2
    shift 2
    "$sclab" emulate --port 0 --threads "$threads" "$@" --state "$work/state" --logs "$work/logs-$tag" \
        >"$work/emu-$tag.out" 2>"$work/emu-$tag.err" &
    emu_pid=$!
    pids+=($emu_pid)
    for _ in $(seq 100); do grep -q "listening on" "$work/emu-$tag.out" && break; sleep 0.1; done
    emu_port=$(sed -n 's/.*listening on .*:\([0-9]*\)$/\1/p' "$work/emu-$tag.out")
    [[ -n $emu_port ]] || { cat "$work/emu-$tag.err" >&2; exit 2; }
}

# One response of the emulator (on port $1) as nginx directives: its headers but those nginx writes itself, and its body.
capture_response() {
    local raw
    raw=$(curl -sk -i --max-time 5 -H "Host: $host" "https://127.0.0.1:$1/") || { echo "cannot reach the emulator" >&2; exit 2; }
    response_headers=$(tr -d '\r' <<<"$raw" | sed -n '2,/^$/p' | grep -viE '^(date|content-type|content-length|connection|server):|^$' |
        sed -e 's/\\/\\\\/g' -e "s/^\([^:]*\): \(.*\)$/add_header \1 '\2' always;/")
    response_body=$(tr -d '\r' <<<"$raw" | sed '1,/^$/d')
    [[ ${#response_body} -gt 0 && -n $response_headers ]] || { echo "unexpected emulator response: $raw" >&2; exit 2; }
}

start_nginx() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=$host" \
        -addext "subjectAltName=DNS:$host" -keyout "$work/nginx.key" -out "$work/nginx.pem" 2>/dev/null
    nginx_port=$(free_port)
    mkdir -p "$work/nginx"
    cat >"$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
error_log $work/nginx/error.log;
pid $work/nginx/nginx.pid;
events { worker_connections 4096; }
http {
    access_log $work/nginx/access.log;
    client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
    uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$nginx_port ssl;
        # nginx 1.22 defaults to TLS 1.0-1.2; the emulator, like the platforms it imitates, negotiates TLS 1.3.
        # Without this line wrk resumes TLS 1.2 sessions on nginx (no key exchange, no signature) and the
        # handshake figures compare unlike things.
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_certificate $work/nginx.pem;
        ssl_certificate_key $work/nginx.key;
        server_tokens off;
        location / {
            default_type "text/plain;charset=UTF-8";
            $response_headers
            return 200 "$response_body";
        }
    }
}
CONF
    /usr/sbin/nginx -c "$work/nginx.conf" -p "$work/nginx" &
    pids+=($!)
    sleep 0.5
    nginx_pid=$(cat "$work/nginx/nginx.pid")
    nginx_worker=$(pgrep -P "$nginx_pid" | head -1)
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system clock ticks of a process (all threads)
# The same for the threads of process $1 named $2 (the emulator names its log writer sclab-logs); 0 if none.
thread_ticks() {
    local task sum=0
    for task in /proc/"$1"/task/*; do
        [[ $(cat "$task/comm" 2>/dev/null) == "$2" ]] && sum=$((sum + $(awk '{print $14 + $15}' "$task/stat")))
    done
    echo "$sum"
}
per_request() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v n="$2" 'BEGIN { if (n > 0) printf "%.1f", t / hz * 1e6 / n; else print "nan" }'; }

# "IDLE TOTAL": the whole machine's idle and total CPU time so far (all cores, clock ticks, from /proc/stat).
machine_ticks() { awk '/^cpu / { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
idle_percent() {
    awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " "); t = y[2] - x[2]
                                     if (t > 0) printf "%.0f", (y[1] - x[1]) * 100 / t; else print "nan" }'
}

# wrk_rate SERVER_PID URL [headers...] -> "REQUESTS/S CPU_US LOG_WRITER_US IDLE_% WRK_US": the server's CPU time per
# request (user + system, all threads), of it its log writer thread's, the share of the machine's two cores that
# nobody used during the run, and wrk's own CPU time per request (it shares the two cores: the rate is what the
# cores' time divided by server + wrk per request allows, less the idle share). wrk's complaints (socket errors,
# non-2xx answers) go to $work/wrk.log, reported under the table.
wrk_rate() {
    local pid=$1 url=$2
    shift 2
    local out before after log_before log_after machine_before machine_after
    before=$(cpu_ticks "$pid") log_before=$(thread_ticks "$pid" sclab-logs) machine_before=$(machine_ticks)
    # The subshell's waited-for children's CPU time (fields 16-17 of its /proc stat) is wrk's. ($BASHPID is read
    # first: inside the nested $(...) it would name that inner subshell.)
    out=$(self=$BASHPID
          wrk -t 2 -c "$connections" -d "${seconds}s" -H "Host: $host" "$@" "$url" 2>&1
          echo "wrk ticks: $(awk '{print $16 + $17}' "/proc/$self/stat")")
    after=$(cpu_ticks "$pid") log_after=$(thread_ticks "$pid" sclab-logs) machine_after=$(machine_ticks)
    echo "$out" >>"$work/wrk.log"
    local requests wrk_ticks
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    wrk_ticks=$(awk '/^wrk ticks:/ {print $3}' <<<"$out")
    echo "$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out") $(per_request $((after - before)) "${requests:-0}")" \
        "$(per_request $((log_after - log_before)) "${requests:-0}") $(idle_percent "$machine_before" "$machine_after")" \
        "$(per_request "${wrk_ticks:-0}" "${requests:-0}")"
}

# The servers run side by side; each round measures nginx, the emulator, and the emulator sending each response
# with its own send() (--plain-sends: what the io_uring batches buy) back to back, each round starting with the
# next one, so a change in the machine's speed (a shared VM's neighbours) falls on all. The table gives the
# median round.
declare -A server_pid server_port
start_emulator emu 1
server_pid[emu]=$emu_pid server_port[emu]=$emu_port
capture_response "$emu_port"
start_emulator plain 1 --plain-sends
server_pid[plain]=$emu_pid server_port[plain]=$emu_port
start_nginx
server_pid[nginx]=$nginx_worker server_port[nginx]=$nginx_port
servers=(nginx emu plain)
declare -A rates
for round in $(seq "$rounds"); do
    for mode in keep close; do
        close_header=(); [[ $mode == close ]] && close_header=(-H "Connection: close")
        for k in 0 1 2; do
            server=${servers[$(((round - 1 + k) % 3))]}
            rates[$server,$mode,$round]=$(wrk_rate "${server_pid[$server]}" "https://127.0.0.1:${server_port[$server]}/" "${close_header[@]}")
        done
        echo "round $round $mode (req/s, CPU us, log writer us, idle %, wrk us): nginx ${rates[nginx,$mode,$round]}," \
             "emulator ${rates[emu,$mode,$round]}, --plain-sends ${rates[plain,$mode,$round]}" >&2
    done
done
start_emulator threads2 2
emu2_keep=$(wrk_rate "$emu_pid" "https://127.0.0.1:$emu_port/")
emu2_close=$(wrk_rate "$emu_pid" "https://127.0.0.1:$emu_port/" -H "Connection: close")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
median() { sort -g | awk 'NF { v[++n] = $1 } END { printf "%s", n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }'; }
field() { cut -d' ' -f"$1" <<<"$2"; }  # field N of a wrk_rate result
# One wrk_rate result as a table cell; with the log writer's share for the emulator.
cell() {
    local text
    text=$(printf '%.0f (%s us' "$(field 1 "$2")" "$(field 2 "$2")")
    [[ $1 != nginx ]] && text+=", log writer $(field 3 "$2") us"
    echo "$text; wrk $(field 5 "$2") us; $(field 4 "$2")% idle)"
}
# column SERVER MODE -> the median of each of the rounds' figures, as a cell
column() {
    local r i medians=()
    for i in 1 2 3 4 5; do
        medians+=("$(for r in $(seq "$rounds"); do field "$i" "${rates[$1,$2,$r]}"; done | median)")
    done
    cell "$1" "${medians[*]}"
}
# ratios MODE rate|cpu|io [EMULATOR] -> "median (each round's)" of EMULATOR (emu) against nginx. "io" compares
# nginx's CPU per request with the emulator's less its log writer's: what decides the rate once wrk runs on cores
# of its own and the log writer on another.
ratios() {
    local r list=() values=""
    for r in $(seq "$rounds"); do
        local emu=${rates[${3:-emu},$1,$r]} nginx=${rates[nginx,$1,$r]} v
        if [[ $2 == rate ]]; then v=$(ratio "$(field 1 "$emu")" "$(field 1 "$nginx")")
        elif [[ $2 == io ]]; then
            v=$(ratio "$(field 2 "$nginx")" "$(awk -v a="$(field 2 "$emu")" -v b="$(field 3 "$emu")" 'BEGIN { print a - b }')")
        else v=$(ratio "$(field 2 "$nginx")" "$(field 2 "$emu")"); fi
        list+=("$v"); values+="$v"$'\n'
    done
    printf '%.2f (%s)' "$(median <<<"$values")" "$(IFS=/; echo "${list[*]}")"
}
batching=""
grep -q "responses sent in io_uring batches" "$work/emu-emu.err" ||
    batching="The emulator could not use io_uring on this machine ($(grep -h "one system call each" "$work/emu-emu.err" | head -1)): both emulator rows sent one response per system call."
errors=$(grep -hE "Non-2xx|Socket errors" "$work/wrk.log" | sort | uniq -c | tr -s ' ' || true)
cat <<MD

## Emulator against nginx: HTTPS requests/s on loopback

\`bench/run_emulator.sh\`: wrk 4.1 (\`wrk -t 2 -c $connections -d ${seconds}s -H "Host: $host"\`), nginx $(/usr/sbin/nginx -v 2>&1 | cut -d/ -f2)
with one worker process, TLS 1.2-1.3 and \`return 200\` of the emulator's own response (its Cloudflare headers
and 64-byte body, captured at the start of the run), against \`sclab emulate\` answering the Worker's check-in
(a 64-byte task and Cloudflare's headers, drawn per response, and five log records per request and connection).
Both negotiate TLS 1.3 with an EC P-256 certificate. "new TLS" adds \`Connection: close\`, so every request is a new TCP
connection and a TLS handshake (wrk resumes sessions with the tickets both servers issue). In brackets: the
server's CPU time per request (user + system, all its threads) and, for the emulator, how much of it its log
writer thread spent (formatting and writing the ECS, Squid and LEEF access records, and the PAN-OS and Zeek
connection records; nginx writes one access log line in its worker), wrk's own CPU time per request, and how
much of the machine's two cores nobody used during the run ("idle": CPU that neither the server nor wrk got, see
the scheduling notes above in RESULTS.md). wrk shares the 2 cores with the server, so absolute rates are low, and
a rate is what the cores' time divided by (server + wrk) per request allows, less the idle share.
The emulator sends the responses of its connections in io_uring batches (up to 8 per system call);
\`--plain-sends\` is the same emulator sending each response with its own send(), as it does where io_uring is
unavailable. $rounds rounds, each measuring the three back to back (each round starting with the next); the table
gives medians, and the ratio rows each round's ratio in brackets. The last CPU ratio leaves out the emulator's log
writer (a thread of its own, on another core): what would set the ratio of rates on a machine where wrk had
cores of its own.

| server | keep-alive req/s (CPU/request) | new TLS conn/s (CPU/connection) |
|---|---|---|
| nginx, 1 worker | $(column nginx keep) | $(column nginx close) |
| sclab emulate --threads 1 | $(column emu keep) | $(column emu close) |
| sclab emulate --threads 1 --plain-sends | $(column plain keep) | $(column plain close) |
| sclab emulate --threads 2 (one run) | $(cell emu "$emu2_keep") | $(cell emu "$emu2_close") |
| rate ratio emulator(1 thread)/nginx | $(ratios keep rate) | $(ratios close rate) |
| CPU ratio nginx/emulator(1 thread) | $(ratios keep cpu) | $(ratios close cpu) |
| CPU ratio nginx/emulator's I/O thread (without its log writer) | $(ratios keep io) | $(ratios close io) |
| rate ratio emulator --plain-sends/nginx | $(ratios keep rate plain) | $(ratios close rate plain) |
${batching:+
$batching}${errors:+
wrk reported: $errors}
MD
