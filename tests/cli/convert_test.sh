#!/usr/bin/env bash
# `sclab convert` as a user runs it: conversion both ways, errors with file:line and exit 2, atomic output.
source "$(dirname "$0")/lib.sh" "$@"

cat >"$WORK/in.jsonl" <<'JSON'
{"@timestamp":"2024-05-01T12:00:00.5Z","event":{"dataset":"sclab.network_connection"},"host":{"name":"WS01"},"process":{"pid":42,"executable":"C:\\Windows\\System32\\curl.exe"},"destination":{"ip":"104.16.1.1","port":443},"tls":{"client":{"server_name":"a.b.workers.dev"}}}
{"@timestamp":"2024-05-01T12:00:30.5Z","event":{"dataset":"sclab.dns_query"},"host":{"name":"WS01"},"dns":{"question":{"name":"a.b.workers.dev"}}}
JSON

# Identity conversion keeps every field.
expect_rc 0 "$SCLAB" convert --from ecs-json --to ecs-json -o "$WORK/same.jsonl" "$WORK/in.jsonl"
[[ $(wc -l <"$WORK/same.jsonl") == 2 ]] || fail "identity conversion lost lines"
expect_rc 0 "$SCLAB" convert --from ecs-json --to ecs-json -o "$WORK/again.jsonl" "$WORK/same.jsonl"
cmp -s "$WORK/same.jsonl" "$WORK/again.jsonl" || fail "ECS -> ECS is not a fixed point"
expect_grep '"server_name":"a.b.workers.dev"' "$WORK/same.jsonl"

# Standard input and output.
"$SCLAB" convert -f ecs-json -t ecs-json <"$WORK/in.jsonl" >"$WORK/stdout.jsonl" || fail "stdin/stdout conversion failed"
cmp -s "$WORK/same.jsonl" "$WORK/stdout.jsonl" || fail "stdin/stdout output differs from file output"

# A malformed line: exit 2, the message names file and line, and nothing is left at the output path.
printf '%s\n' '{"@timestamp":"2024-05-01T12:00:00Z","event":{"dataset":"sclab.dns_query"}}' '{broken' >"$WORK/bad.jsonl"
expect_rc 2 "$SCLAB" convert --from ecs-json --to ecs-json -o "$WORK/bad-out.jsonl" "$WORK/bad.jsonl"
expect_grep "bad.jsonl:2: not valid JSON" "$WORK/err"
[[ ! -e "$WORK/bad-out.jsonl" ]] || fail "a failed conversion left an output file"
[[ -z $(ls "$WORK" | grep partial || true) ]] || fail "a failed conversion left a partial file"

# --lenient skips and reports instead.
expect_rc 0 "$SCLAB" convert --from ecs-json --to ecs-json --lenient -o "$WORK/lenient.jsonl" "$WORK/bad.jsonl"
[[ $(wc -l <"$WORK/lenient.jsonl") == 1 ]] || fail "--lenient did not keep the good line"
expect_grep "skipped 1 malformed" "$WORK/err"

# A truncated last line is reported, never silently taken.
printf '%s' '{"@timestamp":"2024-05-01T12:00:00Z","event":{"dataset":"sclab.dns_query"}}' >"$WORK/cut.jsonl"
expect_rc 2 "$SCLAB" convert --from ecs-json --to ecs-json -o "$WORK/cut-out.jsonl" "$WORK/cut.jsonl"
expect_grep "cut.jsonl:1: truncated last line" "$WORK/err"

# Usage errors.
expect_rc 2 "$SCLAB" convert --from nope --to ecs-json "$WORK/in.jsonl"
expect_grep "unknown format 'nope'" "$WORK/err"
expect_rc 2 "$SCLAB" convert --to ecs-json "$WORK/in.jsonl"
expect_rc 2 "$SCLAB" convert --from ecs-json --to ecs-json --bogus
expect_rc 2 "$SCLAB" convert --from ecs-json --to ecs-json "$WORK/missing.jsonl"
expect_grep "missing.jsonl: cannot open" "$WORK/err"
expect_rc 0 "$SCLAB" convert --list
expect_grep "ecs-json" "$WORK/out"
expect_rc 0 "$SCLAB" convert --help
expect_grep "usage: sclab convert" "$WORK/out"

# Every format in the list converts from ECS and back (kinds it cannot carry are reported, not fatal).
for fmt in $("$SCLAB" convert --list | awk 'NR>1 && substr($0,1,1) != " " {print $1}'); do
    rc=0
    "$SCLAB" convert -f ecs-json -t "$fmt" -o "$WORK/x.$fmt" "$WORK/in.jsonl" 2>"$WORK/err" || rc=$?
    if [[ $rc == 0 ]]; then
        "$SCLAB" convert -f "$fmt" -t ecs-json -o "$WORK/back.$fmt.jsonl" "$WORK/x.$fmt" 2>"$WORK/err" ||
            fail "$fmt output does not read back: $(cat "$WORK/err")"
    else
        expect_grep "can carry none" "$WORK/err"
    fi
done
finish
