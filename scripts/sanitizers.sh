#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer and ThreadSanitizer, each in its own
# scratch path (.build-asan, .build-tsan) so the normal build is untouched. Slow (a full
# build per sanitizer): not part of every CI run. Results: docs/security.md.
#   scripts/sanitizers.sh [address|thread ...]   (default: both)
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export SWIFT_BACKTRACE=enable=no
export LSAN_OPTIONS="suppressions=$root/scripts/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
status=0
for sanitizer in "${@:-address thread}"; do
    for name in $sanitizer; do
        scratch=".build-asan"; [ "$name" = thread ] && scratch=".build-tsan"
        mkdir -p "$scratch"
        echo "== swift test --sanitize=$name"
        swift test --sanitize="$name" --scratch-path "$scratch" > "$scratch/sanitizer.log" 2>&1
        result=$?
        grep -E "Test run with|ERROR: (Address|Thread)Sanitizer|WARNING: ThreadSanitizer|SUMMARY:" "$scratch/sanitizer.log"
        if [ "$result" != 0 ] || grep -qE "ERROR: AddressSanitizer|WARNING: ThreadSanitizer" "$scratch/sanitizer.log"; then
            echo "!! $name: findings or failures, see $scratch/sanitizer.log"
            status=1
        fi
    done
done
exit $status
