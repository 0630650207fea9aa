#!/usr/bin/env bash
# An installed sclab finds its data: `cmake --install` of this build into a temporary prefix, then the installed
# `sclab emulate` started from a directory outside the source tree starts (ready line) and stops on SIGTERM,
# with the lab file and profiles from <prefix>/share/sclab; $SCLAB_DATA_DIR comes first; a binary with no data
# directory anywhere exits 2 and lists where it looked. The build tree's binary still finds the source tree.
# Needs SCLAB_BUILD_DIR (and SCLAB_CMAKE, else cmake from PATH), set by tests/cli/CMakeLists.txt.
source "$(dirname "$0")/lib.sh" "$@"
BUILD=${SCLAB_BUILD_DIR:-$(dirname "$(dirname "$SCLAB")")}
CMAKE=${SCLAB_CMAKE:-cmake}
unset SCLAB_DATA_DIR
PID=
stop() { if [[ -n $PID ]]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=; fi; }
trap 'stop; rm -rf "$WORK"' EXIT

PREFIX="$WORK/prefix"
expect_rc 0 "$CMAKE" --install "$BUILD" --prefix "$PREFIX"
for f in bin/sclab share/sclab/labs/default.json share/sclab/profiles/platforms.json \
         share/sclab/profiles/pages/cloudflare_error.html; do
    [[ -f $PREFIX/$f ]] || fail "cmake --install did not install $f"
done
INSTALLED="$PREFIX/bin/sclab"
[[ -x $INSTALLED ]] || { finish; exit 1; }

# The installed binary, run from outside the source tree: it is not in its build tree, so the source tree is
# out of reach and the data must come from <prefix>/share/sclab.
mkdir -p "$WORK/elsewhere"
cd "$WORK/elsewhere"
: >"$WORK/emulate.out"  # before the background job opens them, so the polling below never reads a missing file
: >"$WORK/emulate.err"
"$INSTALLED" emulate --port 0 --state state --logs logs >"$WORK/emulate.out" 2>"$WORK/emulate.err" &
PID=$!
for _ in $(seq 1 300); do
    grep -q '^sclab emulate: listening on 127\.0\.0\.1:[0-9]*$' "$WORK/emulate.out" && break
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
done
if grep -q 'listening on' "$WORK/emulate.out"; then
    expect_grep "from $PREFIX/share/sclab/labs/default.json" "$WORK/emulate.err"
    kill -TERM "$PID"
    rc=0
    wait "$PID" || rc=$?
    PID=
    [[ $rc == 0 ]] || fail "the installed sclab emulate exited $rc on SIGTERM, wanted 0: $(head -c 400 "$WORK/emulate.err")"
    expect_grep "stopping on SIGTERM" "$WORK/emulate.err"
else
    fail "the installed sclab emulate did not start: $(head -c 600 "$WORK/emulate.err")"
    stop
fi

# $SCLAB_DATA_DIR comes before ../share/sclab: a lab file of another name there is the one used.
mkdir -p "$WORK/data/labs"
python3 -c 'import json, sys; lab = json.load(open(sys.argv[1])); lab["name"] = "from-data-dir"; json.dump(lab, open(sys.argv[2], "w"))' \
    "$PREFIX/share/sclab/labs/default.json" "$WORK/data/labs/default.json"
SCLAB_DATA_DIR="$WORK/data" expect_rc 0 "$INSTALLED" emulate --hosts
expect_grep "sclab lab 'from-data-dir'" "$WORK/out"

# A binary with no data directory anywhere: exit 2, and the error lists every place it looked.
mkdir -p "$WORK/lonely/bin"
cp "$INSTALLED" "$WORK/lonely/bin/sclab"
SCLAB_DATA_DIR="$WORK/missing" expect_rc 2 "$WORK/lonely/bin/sclab" emulate --hosts
expect_grep "cannot find the default labs/default.json; looked in:" "$WORK/err"
expect_grep "  $WORK/missing/labs/default.json (\$SCLAB_DATA_DIR)" "$WORK/err"
expect_grep "  $WORK/lonely/share/sclab/labs/default.json (the binary's ../share/sclab)" "$WORK/err"
expect_grep "not the source tree" "$WORK/err"
expect_grep "give --lab FILE, or set SCLAB_DATA_DIR" "$WORK/err"
# --lab alone is not enough: the profiles are looked for the same way.
expect_rc 2 "$WORK/lonely/bin/sclab" emulate --lab "$PREFIX/share/sclab/labs/default.json" --state "$WORK/lonely/state" --port 0
expect_grep "cannot find the default profiles/platforms.json" "$WORK/err"

# The binary in the build tree finds the source tree's files.
expect_rc 0 "$SCLAB" emulate --hosts
expect_grep "^# sclab lab " "$WORK/out"
expect_rc 0 "$SCLAB" emulate --help
expect_grep "SCLAB_DATA_DIR" "$WORK/out"
finish
