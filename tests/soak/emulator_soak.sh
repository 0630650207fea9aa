#!/usr/bin/env bash
# The soak of issue #3: `sclab emulate` under wrk keep-alive load until at least REQUESTS responses were received,
# then the reconciliation: zero errors, and the access logs hold exactly one record per response served.
#
# Starts its own emulator (--port 0, own --state/--logs in a temporary directory, loopback only), drives it with
# wrk and soak.lua over the requests of request_mix.tsv (a Worker check-in and result, Lambda URLs, the Apps Script
# /exec 302, a Cloud Function, Cloud Run, a generic host and an unknown worker's 404), stops it with SIGTERM and
# checks:
#   - wrk: no connect/read/write/timeout error; every status received is one the mix expects (wrk's own count of
#     statuses >= 400 equals the 404s the mix asks for); the statuses soak.lua counted add up to wrk's total;
#   - the emulator exited 0, with nothing on stderr about errors or dropped records, and none refused at the cap;
#   - its shutdown line "served N responses on M connections": wrk's total <= N <= wrk's total + requests that
#     can have been in flight when a wrk run stopped (runs x connections);
#   - access.ecs.jsonl, access.squid.log and access.leef.log hold exactly N records; traffic.panos.csv and conn.log
#     (lines not starting with '#') exactly M; every file ends with a newline; conn.log has one #open, one #close;
#   - check_access_ecs.js: every ECS line is one JSON object, each a request of the mix with the status the mix
#     expects for it, each of its connections in traffic.panos.csv; per status, the log holds >= wrk's count;
#   - each log read back by `sclab convert --from FMT --to ecs-json` in strict mode: exit 0, with as many events
#     out as records counted.
# Prints a summary; exit 0 on PASS, 1 when a check failed, 2 on a usage or setup error.
#
# Usage: tests/soak/emulator_soak.sh SCLAB_BINARY [REQUESTS]     (REQUESTS: default 1000000)
# Environment:
#   SOAK_CONNECTIONS (50), SOAK_WRK_THREADS (2), SOAK_SERVER_THREADS (1): the load and the emulator's --threads
#   SOAK_MAX_SECONDS (600): the load's time budget; not reaching REQUESTS within it fails the soak
#   SOAK_TIMEOUT (5): wrk's --timeout in seconds (a response slower than this counts as a timeout error)
#   SOAK_KEEP=1: keep the temporary directory (logs, wrk and emulator output) and print where it is
#   SOAK_SELFTEST: tamper with a log after the emulator stopped, to prove the checks fail (the soak must FAIL):
#     drop-line:FILE  deletes FILE's last record line (e.g. drop-line:access.squid.log)
#     cut-line:FILE   cuts the last 20 bytes of FILE, so its last line is cut (e.g. cut-line:access.ecs.jsonl)
set -uo pipefail

usage() {
    echo "usage: $0 SCLAB_BINARY [REQUESTS]   (see the comment at the top of this script)" >&2
    exit 2
}
setup_error() {
    echo "emulator_soak: $*" >&2
    exit 2
}
[[ $# -ge 1 && $# -le 2 ]] || usage
SCLAB=$1
REQUESTS=${2:-1000000}
CONNECTIONS=${SOAK_CONNECTIONS:-50}
WRK_THREADS=${SOAK_WRK_THREADS:-2}
SERVER_THREADS=${SOAK_SERVER_THREADS:-1}
MAX_SECONDS=${SOAK_MAX_SECONDS:-600}
TIMEOUT=${SOAK_TIMEOUT:-5}
SELFTEST=${SOAK_SELFTEST:-}
for pair in "REQUESTS=$REQUESTS" "SOAK_CONNECTIONS=$CONNECTIONS" "SOAK_WRK_THREADS=$WRK_THREADS" \
            "SOAK_SERVER_THREADS=$SERVER_THREADS" "SOAK_MAX_SECONDS=$MAX_SECONDS" "SOAK_TIMEOUT=$TIMEOUT"; do
    [[ ${pair#*=} =~ ^[1-9][0-9]*$ ]] || setup_error "${pair%%=*} must be a positive integer, not '${pair#*=}'"
done
((CONNECTIONS >= WRK_THREADS)) || setup_error "SOAK_CONNECTIONS ($CONNECTIONS) must be >= SOAK_WRK_THREADS ($WRK_THREADS) (wrk's rule)"
[[ -z $SELFTEST || $SELFTEST =~ ^(drop-line|cut-line):[a-z.]+$ ]] ||
    setup_error "SOAK_SELFTEST: '$SELFTEST' is not drop-line:FILE or cut-line:FILE"
[[ -x $SCLAB ]] || setup_error "$SCLAB is not an executable (build the sclab target first)"
SCLAB=$(realpath "$SCLAB")
command -v wrk >/dev/null || setup_error "wrk is not installed (apt-get install wrk)"
command -v node >/dev/null || setup_error "node is not installed (apt-get install nodejs)"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
MIX=$HERE/request_mix.tsv

WORK=$(mktemp -d)
LOGS=$WORK/logs
EMULATOR_PID=
cleanup() {
    if [[ -n $EMULATOR_PID ]]; then kill "$EMULATOR_PID" 2>/dev/null; wait "$EMULATOR_PID" 2>/dev/null; fi
    if [[ ${SOAK_KEEP:-} == 1 ]]; then echo "emulator_soak: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# --- start the emulator and read its port from the ready line
"$SCLAB" emulate --port 0 --threads "$SERVER_THREADS" --state "$WORK/state" --logs "$LOGS" \
    --lab "$SRC/emulators/labs/default.json" --profiles "$SRC/emulators/profiles/platforms.json" \
    >"$WORK/emulate.out" 2>"$WORK/emulate.err" &
EMULATOR_PID=$!
PORT=
for _ in $(seq 1 100); do
    PORT=$(sed -n 's/^sclab emulate: listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$WORK/emulate.out")
    [[ -n $PORT ]] && break
    kill -0 "$EMULATOR_PID" 2>/dev/null || break
    sleep 0.1
done
[[ -n $PORT ]] || setup_error "sclab emulate did not start: $(cat "$WORK/emulate.err")"

# --- the load: wrk runs until REQUESTS responses. The first, short run measures the rate; the next is sized from
# it (+5%); more follow if that fell short, each within what is left of MAX_SECONDS.
total=0 runs=0 duration_us=0 socket_errors=0 wrk_status_errors=0
declare -A wrk_statuses=()
started=$SECONDS
while ((total < REQUESTS)); do
    left=$((MAX_SECONDS - (SECONDS - started)))
    ((left > 0)) || break
    if ((total == 0)); then seconds=3; else seconds=$(((REQUESTS - total) * duration_us * 105 / 100 / total / 1000000 + 1)); fi
    ((seconds > left)) && seconds=$left
    runs=$((runs + 1))
    out=$WORK/wrk-$runs.out
    wrk -t "$WRK_THREADS" -c "$CONNECTIONS" -d "${seconds}s" --timeout "${TIMEOUT}s" -s "$HERE/soak.lua" \
        "https://127.0.0.1:$PORT/" -- "$MIX" >"$out" 2>&1
    rc=$?
    line=$(grep '^SOAK_WRK ' "$out")
    if ((rc != 0)) || [[ -z $line ]]; then
        fail "wrk run $runs exited $rc without its summary: $(head -c 2000 "$out")"
        break
    fi
    declare -A run=()
    for field in ${line#SOAK_WRK }; do run[${field%%=*}]=${field#*=}; done
    total=$((total + run[requests]))
    duration_us=$((duration_us + run[duration_us]))
    socket_errors=$((socket_errors + run[connect] + run[read] + run[write] + run[timeout]))
    wrk_status_errors=$((wrk_status_errors + run[status]))
    ((run[connect] + run[read] + run[write] + run[timeout] == 0)) ||
        fail "wrk run $runs: socket errors connect ${run[connect]}, read ${run[read]}, write ${run[write]}, timeout ${run[timeout]}"
    run_sum=0
    while read -r _ code n; do
        wrk_statuses[$code]=$((${wrk_statuses[$code]:-0} + n))
        run_sum=$((run_sum + n))
    done < <(grep '^SOAK_STATUS ' "$out")
    ((run_sum == run[requests])) || fail "wrk run $runs: soak.lua counted $run_sum statuses, wrk ${run[requests]} responses"
    unset run
done
load_seconds=$(awk -v us="$duration_us" 'BEGIN { printf "%.1f", us / 1e6 }')
rate=$(awk -v n="$total" -v us="$duration_us" 'BEGIN { if (us > 0) printf "%.0f", n * 1e6 / us; else print 0 }')
((total >= REQUESTS)) || fail "wrk received $total responses, not the $REQUESTS asked, within SOAK_MAX_SECONDS=$MAX_SECONDS s"

# Statuses: only those of the mix; wrk counts every status >= 400 as an error, and those must be the expected 404s.
expected_statuses=" $(awk -F'\t' '!/^#/ && NF { print $5 }' "$MIX" | sort -u | tr '\n' ' ')"
expected_error_statuses=0
for code in "${!wrk_statuses[@]}"; do
    if [[ $expected_statuses != *" $code "* ]]; then
        fail "wrk received ${wrk_statuses[$code]} responses with status $code, which no request of the mix expects"
    elif ((code >= 400)); then
        expected_error_statuses=$((expected_error_statuses + wrk_statuses[$code]))
    fi
done
((wrk_status_errors == expected_error_statuses)) ||
    fail "wrk counted $wrk_status_errors status errors (>= 400), the mix's expected ones are $expected_error_statuses"

# --- stop the emulator: SIGTERM, then it finishes requests in flight and closes every log whole.
kill -TERM "$EMULATOR_PID"
for _ in $(seq 1 1200); do kill -0 "$EMULATOR_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$EMULATOR_PID" 2>/dev/null; then
    fail "the emulator did not exit within 120 s of SIGTERM"
    kill -KILL "$EMULATOR_PID"
fi
wait "$EMULATOR_PID"
emulator_rc=$?
EMULATOR_PID=
((emulator_rc == 0)) || fail "the emulator exited $emulator_rc: $(tail -5 "$WORK/emulate.err")"
if grep -Eiq 'cannot|error|drop|fail|warning' "$WORK/emulate.err"; then
    fail "the emulator reported problems: $(grep -Ei 'cannot|error|drop|fail|warning' "$WORK/emulate.err" | head -5)"
fi
served_line=$(grep -E '^sclab emulate: served [0-9]+ responses on [0-9]+ connections \([0-9]+ refused' "$WORK/emulate.err")
read -r served connections refused < <(sed -E 's/.*served ([0-9]+) responses on ([0-9]+) connections \(([0-9]+) refused.*/\1 \2 \3/' <<<"$served_line")
if [[ -z $served_line ]]; then
    fail "no 'served N responses on M connections' line on the emulator's stderr"
    served=-1 connections=-1 refused=0
fi
((refused == 0)) || fail "the emulator refused $refused connections at its connection cap"
# wrk opens one more connection per run than -c, before the load, that carries no request (seen as M = runs x
# (connections + 1) with requests on runs x connections of them): only the -c ones can have a request in flight.
in_flight=$((runs * CONNECTIONS))
((served >= total)) || fail "the emulator served $served responses, fewer than the $total wrk received"
((served <= total + in_flight)) ||
    fail "the emulator served $served responses, more than wrk's $total + $in_flight that can have been in flight"

# --- SOAK_SELFTEST: spoil a log the way a lost or cut record would, after the emulator is gone.
if [[ -n $SELFTEST ]]; then
    target=$LOGS/${SELFTEST#*:}
    [[ -f $target ]] || setup_error "SOAK_SELFTEST: no log ${SELFTEST#*:} in $LOGS"
    case $SELFTEST in
    drop-line:*) sed -i "$(grep -vn '^#' "$target" | tail -1 | cut -d: -f1)d" "$target" ;;
    cut-line:*) truncate -s -20 "$target" ;;
    esac
    echo "emulator_soak: SOAK_SELFTEST=$SELFTEST: spoiled $target on purpose; the soak must FAIL" >&2
fi

# --- reconciliation of the logs
declare -A records=()
count_records() {  # count_records FILE WANTED: records of FILE (zeek: lines not starting with '#') against WANTED
    local file=$1 wanted=$2 n
    if [[ ! -f $LOGS/$file ]]; then
        fail "$file was not written"
        records[$file]=missing
        return
    fi
    if [[ $file == conn.log ]]; then n=$(grep -vc '^#' "$LOGS/$file"); else n=$(wc -l <"$LOGS/$file"); fi
    records[$file]=$n
    ((n == wanted)) || fail "$file holds $n records, the emulator served $wanted"
    [[ ! -s $LOGS/$file || $(tail -c 1 "$LOGS/$file" | od -An -c | tr -d ' ') == '\n' ]] ||
        fail "$file: its last line is cut (no newline at the end)"
}
count_records access.ecs.jsonl "$served"
count_records access.squid.log "$served"
count_records access.leef.log "$served"
count_records traffic.panos.csv "$connections"
count_records conn.log "$connections"
if [[ -f $LOGS/conn.log ]]; then
    [[ $(grep -c '^#open' "$LOGS/conn.log") == 1 && $(grep -c '^#close' "$LOGS/conn.log") == 1 &&
        $(tail -n 1 "$LOGS/conn.log") == '#close'* ]] || fail "conn.log: not one #open header and one #close footer at its end"
fi

# Every ECS record parsed and checked against the mix; per status, at least what wrk received.
if [[ -f $LOGS/access.ecs.jsonl && -f $LOGS/traffic.panos.csv ]]; then
    node "$HERE/check_access_ecs.js" "$MIX" "$LOGS/access.ecs.jsonl" "$LOGS/traffic.panos.csv" >"$WORK/ecs-check.out" 2>"$WORK/ecs-check.err"
    rc=$?
    ((rc == 0)) || fail "check_access_ecs.js (exit $rc): $(head -c 3000 "$WORK/ecs-check.err")"
    parsed=$(sed -n 's/^records //p' "$WORK/ecs-check.out")
    [[ $parsed == "${records[access.ecs.jsonl]}" ]] ||
        fail "access.ecs.jsonl: ${parsed:-no} JSON records parsed of ${records[access.ecs.jsonl]} lines"
    declare -A log_statuses=()
    while read -r _ code n; do log_statuses[$code]=$n; done < <(grep '^status ' "$WORK/ecs-check.out")
    for code in "${!wrk_statuses[@]}"; do
        ((${log_statuses[$code]:-0} >= wrk_statuses[$code])) ||
            fail "access.ecs.jsonl holds ${log_statuses[$code]:-0} responses with status $code, wrk received ${wrk_statuses[$code]}"
    done
fi

# Each log read back in strict mode: a malformed or cut record stops the reader with exit 2.
for pair in access.ecs.jsonl=ecs-json access.squid.log=squid access.leef.log=leef traffic.panos.csv=panos-traffic conn.log=zeek-conn; do
    file=${pair%%=*} format=${pair#*=}
    [[ -f $LOGS/$file ]] || continue
    converted=$("$SCLAB" convert --from "$format" --to ecs-json "$LOGS/$file" 2>"$WORK/convert-$format.err" | wc -l)
    rc=${PIPESTATUS[0]}
    ((rc == 0)) || fail "sclab convert --from $format $file exited $rc: $(head -c 1000 "$WORK/convert-$format.err")"
    ((rc != 0 || converted == records[$file])) || fail "sclab convert --from $format read $converted events of $file's ${records[$file]} records"
done

# --- summary
statuses_text=
for code in $(printf '%s\n' "${!wrk_statuses[@]}" | sort -n); do statuses_text+="${statuses_text:+, }$code: ${wrk_statuses[$code]}"; done
cat <<SUMMARY
emulator_soak: $total responses received by wrk (asked $REQUESTS) in $load_seconds s of load, $rate req/s
  wrk: $runs run(s), -t $WRK_THREADS -c $CONNECTIONS keep-alive; socket errors $socket_errors; statuses $statuses_text
  emulator (--threads $SERVER_THREADS): served $served responses on $connections connections, exit $emulator_rc
  records: access.ecs.jsonl ${records[access.ecs.jsonl]}, access.squid.log ${records[access.squid.log]}, access.leef.log ${records[access.leef.log]}, traffic.panos.csv ${records[traffic.panos.csv]}, conn.log ${records[conn.log]}
  wall time $((SECONDS - started)) s (load, shutdown and reconciliation)
SUMMARY
if ((failures)); then
    echo "emulator_soak: FAIL ($failures check(s) failed)"
    exit 1
fi
echo "emulator_soak: PASS"
