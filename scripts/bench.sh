#!/usr/bin/env bash
# Reproduces the figures of docs/performance.md on this machine.
#
#   scripts/bench.sh            # 1,000,000 records: main table, then the rule-count, input-length and record-size series
#   RECORDS=200000 scripts/bench.sh
#   STATIC=0 scripts/bench.sh   # without the statically linked build's start-up (saves its 1.5-minute build)
#
# Needs python3 (the workload generator) and, for the baseline, orjson (pip install orjson).
# The workload generator and the Python baseline are ../shared/bench (BENCH_DIR to override).
# Writes the workloads to $WORK (default /tmp/sanctions-bench); prints markdown tables.
set -euo pipefail

cd "$(dirname "$0")/.."
RECORDS="${RECORDS:-1000000}"
SERIES_RECORDS="${SERIES_RECORDS:-200000}"
REPEAT="${REPEAT:-3}"
BENCH_DIR="${BENCH_DIR:-../shared/bench}"
WORK="${WORK:-/tmp/sanctions-bench}"
mkdir -p "$WORK"

swift build -c release --product sanctions >&2
SANCTIONS=.build/release/sanctions

DATA="$WORK/data_$RECORDS.jsonl"
if [ ! -s "$DATA" ]; then
  python3 "$BENCH_DIR/gen.py" -n "$RECORDS" -o "$DATA" --designated "$WORK/designated.txt" >&2
fi

BASELINE=()
if python3 -c "import orjson" 2>/dev/null; then
  BASELINE=(--baseline "python3 $BENCH_DIR/run_python.py $DATA --designated $WORK/designated.txt")
else
  echo "orjson is not installed: no baseline (pip install orjson)" >&2
fi

echo "## Machine"
echo
echo "- $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "- $(free -g | awk '/Mem:/ {print $2}') GiB memory; $(swift --version 2>/dev/null | head -1)"
echo "- commit $(git rev-parse --short HEAD) ($(date -u +%Y-%m-%d))"
echo
echo "## Full rulebook, $RECORDS records"
echo
"$SANCTIONS" bench "$DATA" --threads 1,2 --brief --repeat "$REPEAT" --format markdown "${BASELINE[@]}"

# Start-up of the same build linked with the Swift runtime and Foundation statically (as a
# release is shipped): the dynamic loader's share of start-up goes.
if [ "${STATIC:-1}" != 0 ]; then
  swift build -c release --product sanctions --static-swift-stdlib --build-path .build-static >&2
  EMPTY="$WORK/empty.jsonl"
  : > "$EMPTY"
  echo
  echo "## Start-up, statically linked build (\`--static-swift-stdlib\`)"
  echo
  .build-static/release/sanctions bench "$EMPTY" --threads 2 --repeat 1 --format markdown | grep -i 'start-up'
fi

# Memory over the input's length: the workload 1, 2 and 3 times over (the same days, so
# the caps' per-day totals do not grow; the supplies do).
echo
echo "## Input length (2 threads, one run each)"
echo
for times in 1 2 3; do
  LONG="$WORK/data_${RECORDS}_x$times.jsonl"
  if [ "$times" = 1 ]; then LONG="$DATA"; elif [ ! -s "$LONG" ]; then
    for _ in $(seq "$times"); do cat "$DATA"; done > "$LONG"
  fi
  echo "### $times × $RECORDS records"
  echo
  "$SANCTIONS" bench "$LONG" --threads 2 --repeat 1 --format markdown
  echo
done

# The series run on the first SERIES_RECORDS records, once each.
SAMPLE="$WORK/sample_$SERIES_RECORDS.jsonl"
head -n "$SERIES_RECORDS" "$DATA" > "$SAMPLE"

echo
echo "## Parsing alone ($SERIES_RECORDS records, 1 thread): the engine's reader and Foundation's"
echo
"$SANCTIONS" bench "$SAMPLE" --threads 2 --repeat "$REPEAT" --parsers --format markdown | sed -n '/^| parser/,$p'

echo
echo "## Rule count ($SERIES_RECORDS records, 2 threads)"
echo
echo "The first N rule files in path order, with the HS scopes and lists (superseded_by links dropped)."
echo
all_rules=$(cd Rules && find -L . -name '*.yaml' ! -path './lists/*' ! -name 'hs-scopes.yaml' | sort)
total=$(echo "$all_rules" | wc -l)
for count in 10 50 "$total"; do
  dir="$WORK/rules-$count"
  rm -rf "$dir" && mkdir -p "$dir"
  cp -L Rules/hs-scopes.yaml "$dir/" && cp -rL Rules/lists "$dir/lists"
  echo "$all_rules" | head -n "$count" | while read -r file; do
    mkdir -p "$dir/$(dirname "$file")"
    sed '/^  *superseded_by:/d; /^superseded_by:/d' "Rules/$file" > "$dir/$file"
  done
  echo "### $count rules"
  echo
  "$SANCTIONS" bench "$SAMPLE" --rules "$dir" --threads 2 --repeat 1 --format markdown
  echo
done

echo "## By elimination ($SERIES_RECORDS records, 2 threads)"
echo
echo "The rulebook without parts of it: what each part costs."
echo
elimination() {  # name, then rule files to remove (relative to Rules/)
  local name=$1; shift
  local dir="$WORK/rules-$name"
  rm -rf "$dir" && cp -rL Rules "$dir"
  for file in "$@"; do rm -f "$dir/$file"; done
  # A rule superseded by a removed one stays, without the link.
  find "$dir" -name '*.yaml' ! -path '*/lists/*' -exec sed -i '/^  *superseded_by:/d; /^superseded_by:/d' {} +
  echo "### $name"
  echo
  "$SANCTIONS" bench "$SAMPLE" --rules "$dir" --threads 2 --repeat 1 --format markdown
  echo
}
SCREENING=(designations/asset-freeze-parties-1718.yaml designations/designated-vessels-asset-freeze.yaml)
CAPS=($(cd Rules && grep -l '^cap:' -r --include='*.yaml' . | sed 's|^\./||'))
ALL_RULES=($(echo "$all_rules" | sed 's|^\./||'))
elimination "no-rules" "${ALL_RULES[@]}"
elimination "without-screening-and-caps" "${SCREENING[@]}" "${CAPS[@]}"
elimination "without-caps" "${CAPS[@]}"
elimination "full" 

echo "## Record size ($SERIES_RECORDS records, 2 threads)"
echo
echo "The same records with their \`source\` text lengthened (a field no rule reads)."
echo
for pad in 0 500 2000; do
  padded="$WORK/padded_$pad.jsonl"
  python3 - "$SAMPLE" "$padded" "$pad" <<'EOF'
import json, sys
source, target, pad = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(source) as inp, open(target, "w") as out:
    for line in inp:
        record = json.loads(line)
        if pad:
            record["source"] = record.get("source", "") + " " + "x" * pad
        out.write(json.dumps(record, separators=(",", ":")) + "\n")
EOF
  echo "### +$pad bytes of source text"
  echo
  "$SANCTIONS" bench "$padded" --threads 2 --repeat 1 --format markdown
  echo
done
