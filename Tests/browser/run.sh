#!/usr/bin/env bash
# Real-browser test of the rendered course (called by `make test` when present).
# Installs what is missing: Debian's chromium and chromium-driver (apt-get update only when the
# install fails without it), a Korean font for the screenshots (best effort), and selenium and
# axe-selenium-python (for the axe.min.js it bundles) from PyPI. Then renders the hostile lesson
# of Tests/browser/lessons/ and opens every page of the output folder (default: output/) and of
# that lesson in headless Chromium, axe-core checking each in the light and the dark scheme,
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

# axe-core: only its axe.min.js is used, read from the package's folder and run inside the page.
if ! "$python" -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("axe_selenium_python") is None)' >/dev/null 2>&1; then
    echo "installing axe-selenium-python (axe-core)"
    "$python" -m pip install -q axe-selenium-python || { echo "could not install axe-selenium-python"; echo "0 passed, 1 failed"; exit 1; }
fi

# `run.sh --install-only`: the installs above, nothing else (Tests/browser/preview.sh uses it).
[ "$out" = "--install-only" ] && exit 0

# Keep selenium from looking for drivers online: chromedriver is given explicitly.
export SE_OFFLINE=true
export SE_AVOID_STATS=true

# The hostile lesson (errors on purpose, so render exits 1): only its page matters.
stepmark="${STEPMARK:-.build/debug/stepmark}"
if [ ! -x "$stepmark" ]; then
    swift build --product stepmark || { echo "0 passed, 1 failed"; exit 1; }
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$stepmark" render Tests/browser/lessons --out "$scratch/hostile" --format html >/dev/null 2>&1
if [ ! -f "$scratch/hostile/hostile.html" ]; then
    echo "FAIL  could not render Tests/browser/lessons/hostile.md"
    echo "0 passed, 1 failed"
    exit 1
fi
# Prose math, images and HTML laid out by the browser (renders its own small lesson).
math=0
"$python" Tests/browser/test_math.py "$stepmark" || math=1
# Printing: render --format pdf, pages counted (Tests/browser/test_print.sh).
printing=0
bash Tests/browser/test_print.sh "$stepmark" || printing=1
"$python" Tests/browser/test_pages.py "$out" "$scratch/hostile" || exit 1
[ "$printing" = 0 ] || exit 1
exit "$math"
