#!/usr/bin/env bash
# End-to-end test of `stepmark preview` in headless Chromium (called by `make test`).
# Installs what is missing as Tests/browser/run.sh does, builds stepmark when needed, then runs
# test_preview.py, which prints "N passed, M failed" and the measured save -> repaint latency.
#
#   bash Tests/browser/preview.sh [STEPMARK]
set -u
cd "$(dirname "$0")/../.."
bash Tests/browser/run.sh --install-only || exit 1
stepmark="${1:-.build/debug/stepmark}"
if [ ! -x "$stepmark" ]; then
    swift build --product stepmark || { echo "0 passed, 1 failed"; exit 1; }
fi
export SE_OFFLINE=true
export SE_AVOID_STATS=true
exec python3 Tests/browser/test_preview.py "$stepmark"
