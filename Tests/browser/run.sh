#!/usr/bin/env bash
# Real-browser test of the rendered course (called by `make test` when present).
# Installs what is missing: Debian's chromium and chromium-driver (apt-get update only when the
# install fails without it), a Korean font for the screenshots (best effort), and selenium from
# PyPI. Then opens every page of the output folder (default: output/) in headless Chromium,
# and prints lessons to PDF (test_print.sh: pages counted with poppler-utils' pdfinfo).
#
#   bash Tests/browser/run.sh [OUTPUT_DIR]
set -u
cd "$(dirname "$0")/../.."
out="${1:-output}"

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
apt_install() {
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null 2>&1 && return 0
    echo "apt-get update, then installing $*"
    $sudo apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing ${missing[*]}"
    if ! apt_install "${missing[@]}"; then
        echo "could not install ${missing[*]}"
        echo "0 passed, 1 failed"
        exit 1
    fi
fi
# Korean lessons need a Hangul font to be readable in the screenshots; not a failure without.
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=ko 2>/dev/null)" ]; then
    echo "installing fonts-nanum (Hangul for the screenshots)"
    apt_install fonts-nanum || echo "note: no Hangul font; Korean screenshots will show boxes"
fi

python=python3
if ! "$python" -c 'import selenium' >/dev/null 2>&1; then
    echo "installing selenium"
    "$python" -m pip install -q selenium || { echo "could not install selenium"; echo "0 passed, 1 failed"; exit 1; }
fi

# `run.sh --install-only`: the installs above, nothing else (Tests/browser/preview.sh uses it).
[ "$out" = "--install-only" ] && exit 0

# Keep selenium from looking for drivers online: chromedriver is given explicitly.
export SE_OFFLINE=true
export SE_AVOID_STATS=true
# Prose math, images and HTML laid out by the browser (renders its own small lesson).
math=0
if [ -x .build/debug/stepmark ]; then "$python" Tests/browser/test_math.py .build/debug/stepmark || math=1; fi
# Printing: render --format pdf, pages counted (Tests/browser/test_print.sh).
printing=0
if [ -x .build/debug/stepmark ]; then bash Tests/browser/test_print.sh .build/debug/stepmark || printing=1; fi
"$python" Tests/browser/test_pages.py "$out" || exit 1
[ "$printing" = 0 ] || exit 1
exit "$math"
