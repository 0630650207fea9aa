# Shared by the control-plane client tests (aws_cli_test.sh, wrangler_test.sh): starts `sclab emulate --port 0`
# on a lab file the test writes, checks, and stops it (SIGTERM, so every audit log is closed whole).
# `source control_plane_lib.sh SCLAB_BINARY SOURCE_DIR` after `set -euo pipefail`.
SCLAB=$1
SRC=$2
WORK=$(mktemp -d)
EMULATOR_PID=
PORT=
cleanup() {
    stop_emulator
    rm -rf "$WORK"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
finish() {
    if ((failures)); then echo "$failures check(s) failed" >&2; exit 1; fi
    echo "all checks passed"
}

# start_emulator LAB_FILE: runs the emulator with state and logs under $WORK; sets PORT and CA.
# The output files are created before the emulator starts: the background job opens its redirections only once
# it runs, and a sed of a file that does not exist yet fails, which under `set -e` ended the test at once.
start_emulator() {
    : >"$WORK/emulate.out"
    : >"$WORK/emulate.err"
    "$SCLAB" emulate --port 0 --state "$WORK/state" --logs "$WORK/logs" --seed 11 --lab "$1" \
        --profiles "$SRC/emulators/profiles/platforms.json" >"$WORK/emulate.out" 2>"$WORK/emulate.err" &
    EMULATOR_PID=$!
    # Up to 30 s: the first start makes the lab CA, slow under the sanitizers on a loaded machine.
    for _ in $(seq 1 300); do
        PORT=$(sed -n 's/^sclab emulate: listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$WORK/emulate.out")
        [[ -n $PORT ]] && break
        kill -0 "$EMULATOR_PID" 2>/dev/null || break
        sleep 0.1
    done
    [[ -n $PORT ]] || { echo "FAIL: sclab emulate did not start: $(cat "$WORK/emulate.err")" >&2; exit 1; }
    CA="$WORK/state/lab-ca.pem"
}

# Stops the emulator and waits, so the logs are complete before the test reads them.
stop_emulator() {
    if [[ -n $EMULATOR_PID ]]; then
        kill "$EMULATOR_PID" 2>/dev/null || true
        wait "$EMULATOR_PID" 2>/dev/null || true
        EMULATOR_PID=
    fi
}

# expect_rc CODE CMD...: runs CMD with stdout in $WORK/out and stderr in $WORK/err; checks the exit code.
expect_rc() {
    local want=$1; shift
    local rc=0
    "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
    [[ $rc == "$want" ]] || fail "$* exited $rc, wanted $want; stderr: $(head -c 600 "$WORK/err")"
}
expect_grep() { grep -q -- "$1" "$2" || fail "'$1' not in $2: $(head -c 400 "$2")"; }

# expect_json FILE PYTHON_EXPRESSION DESCRIPTION: the expression over `records` (the JSON lines of FILE, each
# parsed; a CloudTrail {"Records":[...]} file is flattened) is true.
expect_json() {
    python3 - "$1" "$2" <<'PY' || fail "$3"
import json, sys
records = []
text = open(sys.argv[1]).read()
try:
    whole = json.loads(text)
    records = whole["Records"] if isinstance(whole, dict) and "Records" in whole else (whole if isinstance(whole, list) else [whole])
except ValueError:
    for line in text.splitlines():
        line = line.strip().rstrip(",")
        if line and line not in ("{\"Records\":[", "]}"):
            records.append(json.loads(line))
ok = eval(sys.argv[2], {"records": records})
if not ok:
    print("  records: " + json.dumps(records)[:1500], file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}

# No log of the lab may hold a secret in clear.
expect_no_secret_in_logs() {
    local secret
    for secret in "$@"; do
        if grep -rqF -- "$secret" "$WORK/logs"; then fail "a secret is in the logs: $(grep -rlF -- "$secret" "$WORK/logs")"; fi
    done
}
