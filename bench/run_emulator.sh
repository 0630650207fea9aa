#!/usr/bin/env bash
# The emulator against nginx on loopback, measured with wrk in the same run: keep-alive requests/s and new
# TLS connections/s (Connection: close). Both serve a 64-byte body over TLS with an EC P-256 certificate.
# Prints a Markdown section on stdout (bench/run.sh appends it to RESULTS.md).
# Usage: bench/run_emulator.sh path/to/sclab
set -euo pipefail
sclab=$(realpath "$1")
seconds=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-50}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
host=df00tech-sentinel-test.argustest.workers.dev

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])' 2>/dev/null ||
    node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

start_emulator() {  # start_emulator THREADS -> sets emu_port
    "$sclab" emulate --port 0 --threads "$1" --state "$work/state" --logs "$work/logs-$1" >"$work/emu-$1.out" 2>"$work/emu-$1.err" &
    pids+=($!)
    for _ in $(seq 100); do grep -q "listening on" "$work/emu-$1.out" && break; sleep 0.1; done
    emu_port=$(sed -n 's/.*listening on .*:\([0-9]*\)$/\1/p' "$work/emu-$1.out")
    [[ -n $emu_port ]] || { cat "$work/emu-$1.err" >&2; exit 2; }
}

start_nginx() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=$host" \
        -addext "subjectAltName=DNS:$host" -keyout "$work/nginx.key" -out "$work/nginx.pem" 2>/dev/null
    nginx_port=$(free_port)
    body=$(head -c 64 /dev/zero | tr '\0' 'x')
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
        ssl_certificate $work/nginx.pem;
        ssl_certificate_key $work/nginx.key;
        location / { default_type "text/plain;charset=UTF-8"; return 200 "$body"; }
    }
}
CONF
    /usr/sbin/nginx -c "$work/nginx.conf" -p "$work/nginx" &
    pids+=($!)
    sleep 0.5
}

# wrk_rate URL [headers...] -> requests/s, or "error" when wrk reports socket errors or non-2xx answers.
wrk_rate() {
    local url=$1
    shift
    local out
    out=$(wrk -t 2 -c "$connections" -d "${seconds}s" -H "Host: $host" "$@" "$url" 2>&1)
    echo "$out" >>"$work/wrk.log"
    local rate
    rate=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
    if grep -qE "Non-2xx|Socket errors" <<<"$out"; then echo "${rate} ($(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr -s ' ' | xargs))"; else echo "$rate"; fi
}

start_nginx
start_emulator 1
nginx_keep=$(wrk_rate "https://127.0.0.1:$nginx_port/")
emu_keep=$(wrk_rate "https://127.0.0.1:$emu_port/")
nginx_close=$(wrk_rate "https://127.0.0.1:$nginx_port/" -H "Connection: close")
emu_close=$(wrk_rate "https://127.0.0.1:$emu_port/" -H "Connection: close")
start_emulator 2
emu2_keep=$(wrk_rate "https://127.0.0.1:$emu_port/")
emu2_close=$(wrk_rate "https://127.0.0.1:$emu_port/" -H "Connection: close")

ratio() { awk -v a="${1%% *}" -v b="${2%% *}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
cat <<MD

## Emulator against nginx: HTTPS requests/s on loopback

\`bench/run_emulator.sh\`: wrk 4.1 (\`wrk -t 2 -c $connections -d ${seconds}s -H "Host: $host"\`), nginx $(/usr/sbin/nginx -v 2>&1 | cut -d/ -f2)
with one worker process and \`return 200\` of a 64-byte body, against \`sclab emulate\` answering the Worker's
check-in (a 64-byte task plus Cloudflare's headers). Both use an EC P-256 certificate. "new TLS" adds
\`Connection: close\`, so every request is a new TCP connection and a full TLS handshake. wrk shares the 2 cores
with the server, so absolute figures are low; the ratio is what this run measured.

| server | keep-alive req/s | new TLS conn/s |
|---|---|---|
| nginx, 1 worker | $nginx_keep | $nginx_close |
| sclab emulate --threads 1 | $emu_keep | $emu_close |
| sclab emulate --threads 2 | $emu2_keep | $emu2_close |
| ratio emulator(1 thread)/nginx | $(ratio "$emu_keep" "$nginx_keep") | $(ratio "$emu_close" "$nginx_close") |
MD
