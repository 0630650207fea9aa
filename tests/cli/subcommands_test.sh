#!/usr/bin/env bash
# The top-level command: help, version, unknown commands, and honest "not built yet" answers.
source "$(dirname "$0")/lib.sh" "$@"
expect_rc 0 "$SCLAB" --help
for c in emulate run generate verify lab convert; do expect_grep "^  $c " "$WORK/out"; done
expect_rc 0 "$SCLAB" --version
expect_rc 2 "$SCLAB"
expect_rc 2 "$SCLAB" frobnicate
expect_grep "unknown command 'frobnicate'" "$WORK/err"
for c in run generate verify lab; do
    expect_rc 2 "$SCLAB" "$c"
    expect_grep "not built yet" "$WORK/err"
done
finish
