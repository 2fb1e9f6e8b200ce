#!/bin/sh
# Renders the analyst's report of a sample run in a real browser and keeps a screenshot
# for the README (docs/report-screenshot.png). Not part of every CI run: it installs
# Chromium from the distribution when it is missing (Debian/Ubuntu, as root or with sudo).
#
#   scripts/screenshot-report.sh            # from the repository root
set -eu
cd "$(dirname "$0")/.."

browser=""
for candidate in chromium chromium-browser google-chrome; do
    if command -v "$candidate" >/dev/null 2>&1; then browser=$candidate; break; fi
done
if [ -z "$browser" ]; then
    as_root=""
    [ "$(id -u)" -ne 0 ] && as_root=sudo
    $as_root apt-get update
    $as_root apt-get install -y chromium
    browser=chromium
fi

report=${TMPDIR:-/tmp}/sanctions-report.html
swift run sanctions report Fixtures/records/sample.jsonl Fixtures/records/petroleum-2018.jsonl -o "$report"
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --screenshot="$PWD/docs/report-screenshot.png" --window-size=1200,2000 "file://$report"
echo "docs/report-screenshot.png written from $report"
