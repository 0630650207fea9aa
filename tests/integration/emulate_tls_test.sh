#!/usr/bin/env bash
# `sclab emulate` with real clients: certificates that curl and `openssl s_client -verify_hostname` accept for
# the lab's names (and for the listen address without SNI), routing (platforms by name, control planes on any
# host, 421 for unknown hosts), and a SIGTERM that leaves exactly one ECS access record per request, with the
# run id only there and no credential anywhere.
set -euo pipefail
sclab=${1:?usage: emulate_tls_test.sh SCLAB_BINARY [SOURCE_DIR]}
command -v curl >/dev/null && command -v openssl >/dev/null || { echo "SKIP: needs curl and openssl"; exit 0; }

work=$(mktemp -d)
server_pid=
cleanup() {
    [[ -n $server_pid ]] && kill -KILL "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; echo "--- server stderr:" >&2; cat "$work/server.err" >&2 || true; exit 1; }

# start_server LOG_DIR [OPTIONS...]: sets server_pid and port. The command runs under ${launcher[@]}, if set.
launcher=()
start_server() {
    local logs=$1
    shift
    : >"$work/server.out"
    "${launcher[@]}" "$sclab" emulate --port 0 --state "$work/state" --logs "$logs" "$@" >"$work/server.out" 2>"$work/server.err" &
    server_pid=$!
    for _ in $(seq 1 200); do
        grep -q 'listening on' "$work/server.out" 2>/dev/null && break
        kill -0 "$server_pid" 2>/dev/null || fail "sclab emulate exited before it was ready"
        sleep 0.05
    done
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/server.out")
    [[ -n $port ]] || fail "no 'listening on 127.0.0.1:PORT' line: $(cat "$work/server.out")"
}
# stop_server: SIGTERM, and a clean exit.
stop_server() {
    kill -TERM "$server_pid"
    local status=0
    wait "$server_pid" || status=$?
    server_pid=
    [[ $status == 0 ]] || fail "exit status $status after SIGTERM"
}

start_server "$work/logs"
# How responses leave the I/O thread: in io_uring batches, or (io_uring refused here) one send each, said aloud.
grep -q 'responses sent in io_uring batches' "$work/server.err" ||
    grep -q 'responses are sent one system call each: ' "$work/server.err" ||
    fail "the server did not say how it sends responses"

# The CA: created on first start with a private key only its owner can read; --print-ca prints the same one.
"$sclab" emulate --print-ca --state "$work/state" >"$work/ca.pem"
cmp -s "$work/ca.pem" "$work/state/lab-ca.pem" || fail "--print-ca differs from the CA the server uses"
[[ $(stat -c %a "$work/state/lab-ca-key.pem") == 600 ]] || fail "CA key mode is $(stat -c %a "$work/state/lab-ca-key.pem")"

# Hosts-file lines name the lab's endpoints.
"$sclab" emulate --hosts >"$work/hosts"
worker=$(awk '$2 ~ /\.workers\.dev$/ {print $2; exit}' "$work/hosts")
[[ -n $worker ]] || fail "no workers.dev host in --hosts: $(cat "$work/hosts")"
grep -q "^127\.0\.0\.1 lambda\.us-east-1\.amazonaws\.com$" "$work/hosts" || fail "--hosts lacks the Lambda control plane"

# openssl s_client checks the chain and the name for real.
s_client() { openssl s_client -connect "127.0.0.1:$port" -CAfile "$work/ca.pem" -verify_return_error "$@" </dev/null 2>&1; }
s_client -servername "$worker" -verify_hostname "$worker" | grep -q 'Verify return code: 0 (ok)' ||
    fail "s_client did not verify $worker"
if s_client -servername "$worker" -verify_hostname "other.example.com" | grep -q 'Verify return code: 0 (ok)'; then
    fail "a certificate for $worker verified as other.example.com"
fi
s_client -noservername -verify_ip 127.0.0.1 | grep -q 'Verify return code: 0 (ok)' ||
    fail "without SNI the certificate does not verify for 127.0.0.1"
s_client -servername "$worker" -alpn h2,http/1.1 | grep -q 'ALPN protocol: http/1.1' || fail "ALPN did not pick http/1.1"

# curl: a platform by name, an unknown name, a control plane by IP address.
curl_lab() { curl -sS --cacert "$work/ca.pem" "$@"; }
requests=0
for i in $(seq 1 20); do
    code=$(curl_lab --resolve "$worker:$port:127.0.0.1" -o /dev/null -w '%{http_code}' \
        -H "X-Sclab-Run: integration-run-$i" -H 'Authorization: Bearer integration-secret-bearer-0001' \
        "https://$worker:$port/?api_token=integration-secret-query-0002")
    [[ $code == 200 ]] || fail "request $i to $worker answered $code"
    requests=$((requests + 1))
done
body=$(curl_lab --resolve "nobody.example.com:$port:127.0.0.1" -w ' %{http_code}' "https://nobody.example.com:$port/x")
requests=$((requests + 1))
[[ $body == *'"nobody.example.com"'*' 421' ]] || fail "unknown host: $body"
code=$(curl_lab -o /dev/null -w '%{http_code}' "https://127.0.0.1:$port/2015-03-31/functions/")
requests=$((requests + 1))
[[ $code != 421 && $code != 000 ]] || fail "the Lambda API did not answer by IP address (got $code)"

# SIGTERM: a clean stop, and the logs whole.
stop_server
grep -q "421 Misdirected Request for host 'nobody.example.com'" "$work/server.err" || fail "no log line for the 421"

access="$work/logs/access.ecs.jsonl"
[[ $(wc -l <"$access") == "$requests" ]] || fail "$(wc -l <"$access") ECS access records for $requests requests"
[[ $(grep -c '"run_id":"integration-run-' "$access") == 20 ]] || fail "run ids missing from the ECS access log"
for f in "$work"/logs/*; do
    [[ $f == *.ecs.jsonl ]] && continue
    ! grep -q 'integration-run-' "$f" || fail "$f carries the X-Sclab-Run id"
done
! grep -rq 'integration-secret' "$work/logs" || fail "a credential reached the logs: $(grep -rl integration-secret "$work/logs")"
for f in "$work"/logs/*; do
    [[ -s $f ]] || continue
    [[ $(tail -c 1 "$f" | od -An -c | tr -d ' ') == '\n' ]] || fail "$f ends in the middle of a record"
done

# serve_plainly WHAT LOG_DIR: the server started on LOG_DIR said it sends one send() per response; it answers
# keep-alive and Connection: close requests, and stops with one ECS access record per request. Adds to $plain.
plain=0
serve_plainly() {
    local what=$1 logs=$2 sent=0 code i
    grep -q 'one send() per response' "$work/server.err" || fail "$what: the server did not say it sends plainly"
    for i in $(seq 1 5); do
        code=$(curl_lab --resolve "$worker:$port:127.0.0.1" -o /dev/null -o /dev/null -w '%{http_code}' \
            "https://$worker:$port/" "https://$worker:$port/?second")  # one connection, kept alive
        code+=$(curl_lab --resolve "$worker:$port:127.0.0.1" -o /dev/null -w '%{http_code}' -H 'Connection: close' \
            "https://$worker:$port/?close")
        [[ $code == 200200200 ]] || fail "$what: requests $i answered $code"
        sent=$((sent + 3))
    done
    stop_server
    [[ $(wc -l <"$logs/access.ecs.jsonl") == "$sent" ]] ||
        fail "$what: $(wc -l <"$logs/access.ecs.jsonl") ECS access records for $sent requests"
    plain=$((plain + sent))
}

# --plain-sends: the same answers, each response with its own send().
start_server "$work/logs-plain" --plain-sends
grep -q 'one system call each' "$work/server.err" && fail "--plain-sends: a warning for what was asked for"
serve_plainly --plain-sends "$work/logs-plain"

# Where io_uring cannot be set up (Docker's default seccomp profile refuses io_uring_setup; without_io_uring does
# the same), the server says why, once, and serves every request with plain sends.
if [[ -x ${SCLAB_WITHOUT_IO_URING:-} ]]; then
    launcher=("$SCLAB_WITHOUT_IO_URING")
    start_server "$work/logs-no-uring" --threads 2
    launcher=()
    [[ $(grep -c 'responses are sent one system call each: io_uring cannot be set up: Operation not permitted' \
        "$work/server.err") == 1 ]] || fail "without io_uring: not one warning naming the reason"
    serve_plainly "without io_uring" "$work/logs-no-uring"
else
    echo "note: SCLAB_WITHOUT_IO_URING not set (run through ctest to check the server without io_uring)"
fi

echo "PASS: $requests requests, $(wc -l <"$access") access records (and $plain sent plainly)"
