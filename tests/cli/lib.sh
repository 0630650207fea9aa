# Shared helpers for CLI tests: `source lib.sh "$@"` with the sclab binary and the source dir as arguments.
set -euo pipefail
SCLAB=$1
SRC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
# expect_rc CODE CMD...: runs CMD, stdout to $WORK/out, stderr to $WORK/err; checks the exit code.
expect_rc() {
    local want=$1; shift
    local rc=0
    "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
    [[ $rc == "$want" ]] || fail "$* exited $rc, wanted $want; stderr: $(head -c 400 "$WORK/err")"
}
expect_grep() { grep -q -- "$1" "$2" || fail "'$1' not in $2: $(head -c 400 "$2")"; }
finish() {
    if ((failures)); then echo "$failures check(s) failed" >&2; exit 1; fi
    echo "all checks passed"
}
