#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image. stepmark is one
# self-contained binary (no Swift, no OpenBLAS, no cmark-gfm needed), so there is nothing to
# install but, on an image without it, libcurl (the preview's HTTP library links it; Debian
# and Ubuntu have it as libcurl4). Then it makes sure the binary runs on Gradescope's image, so
# that a problem shows when the teacher uploads the autograder instead of when the first
# student submits.
set -euo pipefail
SOURCE=${AUTOGRADER_ROOT:-/autograder}/source
chmod +x "$SOURCE/stepmark" "$SOURCE/run_autograder"
if ldd "$SOURCE/stepmark" 2>/dev/null | grep 'libcurl.so.4 => not found' >/dev/null && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libcurl4
fi
"$SOURCE/stepmark" --version
