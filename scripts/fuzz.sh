#!/usr/bin/env bash
# Coverage-guided fuzzing of the record readers and the rule loader with libFuzzer.
#   scripts/fuzz.sh [SECONDS per target, default 120]
# Builds Tests/Fuzz (a separate package, so normal builds are unaffected) with
# -sanitize=fuzzer,address, seeds each target from Fixtures/ and runs it for the time
# given. Crashes and hangs land in .build-fuzz/artifacts/; turn each into a regression
# test under Tests/SanctionsEngineTests/Load (docs/security.md).
set -euo pipefail
seconds="${1:-120}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$root/.build-fuzz"
mkdir -p "$work/corpus/readers" "$work/corpus/rules" "$work/artifacts"

# SwiftPM links an executable with --defsym main=<Target>_main and libFuzzer brings its
# own main: allow both (each target's <Target>_main calls LLVMFuzzerRunDriver).
swift build --package-path "$root/Tests/Fuzz" --scratch-path "$work/build" -c release \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -enable-testing \
    -Xlinker --allow-multiple-definition
bin="$(swift build --package-path "$root/Tests/Fuzz" --scratch-path "$work/build" -c release --show-bin-path)"

# Seeds: every record fixture once per format selector (first byte), every rule file.
index=0
for file in "$root"/Fixtures/records/*.jsonl "$root"/Fixtures/records/*/*; do
    for selector in 0 1 2 3; do
        { printf "\\x$(printf %02x $selector)"; cat "$file"; } > "$work/corpus/readers/seed-$index-$selector"
    done
    index=$((index + 1))
done
find "$root/Sources/SanctionsEngine/Rulebook" "$root/Fixtures/engine/rules" -name '*.yaml' -exec cp {} "$work/corpus/rules/" \;

export SWIFT_BACKTRACE=enable=no   # let libFuzzer catch the crash and save the input
# The bundled rulebook is loaded once and kept for the whole run: not a leak.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
status=0
for target in FuzzReaders FuzzRules; do
    corpus="$work/corpus/readers"; [ "$target" = FuzzRules ] && corpus="$work/corpus/rules"
    echo "== $target for ${seconds}s"
    (cd "$root" && "$bin/$target" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
        -max_len=65536 -artifact_prefix="$work/artifacts/$target-" -print_final_stats=1) 2>&1 \
        | grep -E "^(#[0-9]+ +(INITED|DONE)|stat::|==|SUMMARY|Fatal|.*ERROR)" || true
    [ "${PIPESTATUS[0]}" = 0 ] || status=1
done
ls "$work/artifacts"
exit $status
