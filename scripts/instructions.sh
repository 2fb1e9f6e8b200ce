#!/usr/bin/env bash
# Counts the instructions `sanctions assess` executes per record (valgrind's callgrind),
# for comparing two builds where timings on a shared machine vary by 10-20 %: the counts
# repeat to within a fraction of a per cent. See docs/performance.md, "Instructions per record".
#
#   scripts/instructions.sh                  # the release build of this checkout
#   scripts/instructions.sh BINARY [BINARY…] # builds to compare, one line each
#   RECORDS=2000 BRIEF=0 scripts/instructions.sh
#
# Takes the first $RECORDS (default 5,000) records of the benchmark workload (generated
# as by scripts/bench.sh if missing) and runs them once, then twice over in one input: the
# first pass meets every name for the first time ("cold": the screening cache misses), the
# second finds them cached ("warm", as most records of a long run do). One thread,
# `--brief` unless BRIEF=0. Needs valgrind. The binary is copied without its debug
# information (valgrind 3.19 cannot read this toolchain's DWARF 5; the symbols stay).
set -euo pipefail

cd "$(dirname "$0")/.."
RECORDS="${RECORDS:-5000}"
BRIEF="${BRIEF:-1}"
BENCH_DIR="${BENCH_DIR:-../shared/bench}"
WORK="${WORK:-/tmp/sanctions-bench}"
mkdir -p "$WORK"
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }

if [ $# -eq 0 ]; then
  swift build -c release --product sanctions >&2
  set -- .build/release/sanctions
fi

SAMPLE="$WORK/sample_$RECORDS.jsonl"
if [ ! -s "$SAMPLE" ]; then
  python3 "$BENCH_DIR/gen.py" -n "$RECORDS" -o "$SAMPLE" --designated "$WORK/designated.txt" >&2
fi
TWICE="$WORK/sample_${RECORDS}_twice.jsonl"
cat "$SAMPLE" "$SAMPLE" > "$TWICE"
EMPTY="$WORK/empty.jsonl"
: > "$EMPTY"

MODE=()
[ "$BRIEF" = 1 ] && MODE=(--brief)
SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT

# Instructions of one run of $1 on $2.
count() {
  SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind --callgrind-out-file="$SCRATCH/out" \
    "$1" assess "$2" --threads 1 "${MODE[@]}" > /dev/null 2> "$SCRATCH/log"
  awk '/Collected/ {print $4}' "$SCRATCH/log"
}

echo "| build | start-up | per record, cold | per record, warm |"
echo "|---|---|---|---|"
for binary in "$@"; do
  cp "$binary" "$SCRATCH/sanctions"
  strip --strip-debug "$SCRATCH/sanctions"
  empty=$(count "$SCRATCH/sanctions" "$EMPTY")
  once=$(count "$SCRATCH/sanctions" "$SAMPLE")
  twice=$(count "$SCRATCH/sanctions" "$TWICE")
  echo "| $binary | $empty | $(( (once - empty) / RECORDS )) | $(( (twice - once) / RECORDS )) |"
done
