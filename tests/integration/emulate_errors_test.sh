#!/usr/bin/env bash
# `sclab emulate` errors a user can cause end in one clear message on stderr and exit code 2.
set -euo pipefail
sclab=${1:?usage: emulate_errors_test.sh SCLAB_BINARY [SOURCE_DIR]}
work=$(mktemp -d)
holder_pid=
cleanup() {
    if [[ -n $holder_pid ]]; then
        kill -TERM "$holder_pid" 2>/dev/null || true
        wait "$holder_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

expect_exit_2() {  # expect_exit_2 "what the message must contain" ARGS...
    local want=$1 status=0
    shift
    "$sclab" emulate "$@" >"$work/out" 2>"$work/err" </dev/null || status=$?
    [[ $status == 2 ]] || fail "sclab emulate $* exited $status, expected 2 (stderr: $(cat "$work/err"))"
    [[ $(wc -l <"$work/err") -le 2 ]] || fail "more than a short message for: $* ($(cat "$work/err"))"
    grep -qF -- "$want" "$work/err" || fail "sclab emulate $*: stderr lacks '$want': $(cat "$work/err")"
}

echo '{"name": "broken", "aws": [ {"id": 12} ]' >"$work/bad.json"
expect_exit_2 "$work/bad.json" --lab "$work/bad.json" --state "$work/state" --logs "$work/logs" --port 0
expect_exit_2 "$work/missing.json" --lab "$work/missing.json" --port 0
expect_exit_2 "--listen" --listen not-an-address --port 0
expect_exit_2 "unrecognised option" --no-such-flag

# Port in use: a first server holds it.
"$sclab" emulate --port 0 --state "$work/state" --logs "$work/logs" >"$work/holder.out" 2>/dev/null &
holder_pid=$!
for _ in $(seq 1 200); do grep -q 'listening on' "$work/holder.out" 2>/dev/null && break; sleep 0.05; done
port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/holder.out")
[[ -n $port ]] || fail "the first server did not start"
expect_exit_2 "127.0.0.1:$port" --port "$port" --state "$work/state" --logs "$work/logs2"
grep -qi "in use" "$work/err" || fail "port in use: $(cat "$work/err")"
echo "PASS"
