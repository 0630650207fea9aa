#!/usr/bin/env bash
# Benchmarks of sclab against their anchors, measured in the same run; writes bench/RESULTS.md.
#   convert: 1M events from ECS to each format and back, events/s and MB/s, next to `cat` of the same bytes.
# Usage: bench/run.sh path/to/sclab   (make bench builds Release first)
set -euo pipefail
sclab=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
make_events=$(dirname "$(dirname "$sclab")")/bench/bench_make_events
events=${BENCH_EVENTS:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
results="$here/RESULTS.md"
tmp_results="$results.partial"

# Best of three wall-clock seconds of a command.
best_of_3() {
    local best=""
    for _ in 1 2 3; do
        local t0 t1
        t0=$(date +%s.%N)
        "$@" >/dev/null
        t1=$(date +%s.%N)
        local t
        t=$(echo "$t1 - $t0" | bc -l)
        if [[ -z $best ]] || (($(echo "$t < $best" | bc -l))); then best=$t; fi
    done
    printf '%.3f' "$best"
}
rate() { echo "$1 / $2" | bc -l | xargs printf '%.0f'; }
mb() { stat -c %s "$1" | xargs -I{} echo "{} / 1048576" | bc -l | xargs printf '%.1f'; }
mbps() { echo "$(stat -c %s "$1") / 1048576 / $2" | bc -l | xargs printf '%.0f'; }

{
    echo "# Benchmark results"
    echo
    echo "Made by \`make bench\` (bench/run.sh) on $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m),"
    echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs). Wall-clock seconds, best of 3."
    build_dir=$(dirname "$(dirname "$sclab")")
    echo "Build: $(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build_dir/CMakeCache.txt" 2>/dev/null) ($build_dir)."
    echo "Load average when the run started: $(cut -d' ' -f1-3 /proc/loadavg)${BENCH_NOTE:+. $BENCH_NOTE}"
    echo
    echo "## sclab convert: $events events, ECS to each format and back"
    echo
    echo "Input per format: \`bench_make_events FORMAT $events 1 in.jsonl\` (random events of the kinds the format"
    echo "carries). Commands: \`sclab convert -f ecs-json -t FORMAT -o out in.jsonl\`, then"
    echo "\`sclab convert -f FORMAT -t ecs-json -o back.jsonl out\`. Anchor: \`cat\` of the same input bytes to"
    echo "/dev/null (the I/O limit), and of the format's bytes, measured in the same run."
    echo
    echo "| format | ECS in (MB) | cat ECS (s) | ECS→format (s) | events/s | MB/s | format (MB) | cat format (s) | format→ECS (s) | events/s | MB/s |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
} >"$tmp_results"

for fmt in $("$sclab" convert --list | awk 'NR>1 && substr($0,1,1) != " " {print $1}'); do
    [[ $fmt == ecs-json ]] && continue
    echo "bench: convert $fmt" >&2
    "$make_events" "$fmt" "$events" 1 "$work/in.jsonl"
    cat_in=$(best_of_3 cat "$work/in.jsonl")
    to=$(best_of_3 "$sclab" convert -f ecs-json -t "$fmt" -o "$work/out" "$work/in.jsonl")
    cat_out=$(best_of_3 cat "$work/out")
    back=$(best_of_3 "$sclab" convert -f "$fmt" -t ecs-json -o "$work/back.jsonl" "$work/out")
    echo "| $fmt | $(mb "$work/in.jsonl") | $cat_in | $to | $(rate "$events" "$to") | $(mbps "$work/in.jsonl" "$to") | $(mb "$work/out") | $cat_out | $back | $(rate "$events" "$back") | $(mbps "$work/out" "$back") |" >>"$tmp_results"
done

# Other benchmarks append their own sections here.
for extra in "$here"/run_*.sh; do
    [[ -x $extra ]] && "$extra" "$sclab" >>"$tmp_results"
done
mv "$tmp_results" "$results"
echo "bench: wrote $results" >&2
cat "$results"
