#!/usr/bin/env bash
# Runs every fuzz target for a bounded time with its seed corpus; stops at the first crash.
set -euo pipefail
dir=$1
seconds=${2:-60}
here=$(cd "$(dirname "$0")" && pwd)
corpus_root=$(mktemp -d)
trap 'rm -rf "$corpus_root"' EXIT
status=0
for fuzzer in "$dir"/fuzz_*; do
    [[ -x $fuzzer ]] || continue
    name=$(basename "$fuzzer")
    corpus="$corpus_root/$name"
    mkdir -p "$corpus"
    # Seeds: the golden samples of the telemetry tests and any seeds kept for this target.
    cp "$here"/../telemetry/data/* "$corpus"/ 2>/dev/null || true
    [[ -d "$here/seeds/$name" ]] && cp "$here/seeds/$name"/* "$corpus"/
    echo "fuzz: $name for ${seconds}s"
    if ! "$fuzzer" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$corpus_root/$name-" "$corpus" >"$corpus_root/$name.log" 2>&1; then
        echo "fuzz: $name FOUND A PROBLEM:"; tail -40 "$corpus_root/$name.log"
        mkdir -p fuzz-artifacts && cp "$corpus_root/$name-"* fuzz-artifacts/ 2>/dev/null || true
        status=1
    else
        grep -E "^#[0-9]+.*DONE" "$corpus_root/$name.log" | tail -1 || tail -2 "$corpus_root/$name.log"
    fi
done
exit $status
