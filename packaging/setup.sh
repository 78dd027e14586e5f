#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image. stepmark is one
# self-contained binary (no Swift, no OpenBLAS, no cmark-gfm, no libcurl needed: it links only
# glibc, libstdc++ and libgcc_s), so there is nothing to install. It makes sure the binary runs
# on Gradescope's image, so that a problem shows when the teacher uploads the autograder instead
# of when the first student submits.
set -euo pipefail
SOURCE=${AUTOGRADER_ROOT:-/autograder}/source
chmod +x "$SOURCE/stepmark" "$SOURCE/run_autograder"
"$SOURCE/stepmark" --version
