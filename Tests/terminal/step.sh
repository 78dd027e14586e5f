#!/usr/bin/env bash
# `stepmark step` driven through tmux (called by `make test`): installs tmux from Debian when
# missing, builds stepmark when needed, then runs test_step.py ("N passed, M failed").
#
#   bash Tests/terminal/step.sh [STEPMARK]
set -u
cd "$(dirname "$0")/../.."
if ! command -v tmux >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "installing tmux"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq tmux >/dev/null 2>&1 || {
        $sudo apt-get update -qq >/dev/null 2>&1
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq tmux >/dev/null
    } || { echo "could not install tmux"; echo "0 passed, 1 failed"; exit 1; }
fi
stepmark="${1:-.build/debug/stepmark}"
if [ ! -x "$stepmark" ]; then
    swift build --product stepmark || { echo "0 passed, 1 failed"; exit 1; }
fi
exec python3 Tests/terminal/test_step.py "$stepmark"
