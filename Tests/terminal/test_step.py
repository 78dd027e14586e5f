#!/usr/bin/env python3
"""`stepmark step` in a real terminal: tmux runs it, send-keys types single keys, capture-pane
reads the screen after each.

Checks: the keys (→ Space ← b n p g NUMBER Enter q) move as documented, with no Enter after a
letter and no `^[[C` echoed; a 40-column matrix is cut to the 80-column terminal with ⋯ and
its shape stated; prose emphasis shows without `**`; the solution region is hidden, and shown
with --teacher; and the terminal is restored (icanon and echo back on) after q, after Ctrl-C
(SIGINT) and after SIGTERM. Prints "N passed, M failed"; exits 1 on any failure.

Usage: test_step.py [STEPMARK]   (default: .build/debug/stepmark)
"""
import pathlib
import re
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
STEPMARK = str(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / ".build/debug/stepmark").resolve())
SOCKET = f"stepmark-test-{__import__('os').getpid()}"
WIDTH, HEIGHT = 80, 40

passed = 0
failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok    {name}")
    else:
        failed += 1
        print(f"FAIL  {name}" + (f": {detail}" if detail else ""))


def tmux(*args):
    return subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True, timeout=10)


def screen():
    return tmux("capture-pane", "-t", "t", "-p").stdout


def wait_screen(predicate, timeout=5.0):
    """The screen once predicate holds (or the last one after the timeout)."""
    deadline = time.time() + timeout
    text = screen()
    while time.time() < deadline:
        if predicate(text):
            return text
        time.sleep(0.05)
        text = screen()
    return text


def status(text):
    match = re.search(r"\[block (\d+)/(\d+) · (\d+)/(\d+)\]", text)
    return (int(match.group(1)), int(match.group(3))) if match else None


def key(name, expect_block, expect_frame, label):
    """Sends one key and checks the status line's block and frame after it."""
    before = screen()
    tmux("send-keys", "-t", "t", name)
    text = wait_screen(lambda t: t != before and status(t) == (expect_block, expect_frame), 5)
    check(f"{label}: block {expect_block}, frame {expect_frame}", status(text) == (expect_block, expect_frame),
          f"status {status(text)}\n{text}")
    return text


LESSON = """# Step test

Attention is **all** you *need*, with `softmax`.

```let
W = random(3, 40, seed=1)
```

<!-- solution -->
The secret answer is forty-two.
<!-- end solution -->

```softmax
[1, 2, 3]
```

```let
a = 1
b = 2
```

```let
c = a + b
```
"""
# Frames: block 1: header, W (2); block 2: header + input, shifted, exp, sum, output (6);
# block 3: header, a, b (3); block 4: header, c (2). 13 in all; block k starts at 1, 3, 9, 12.


def start(folder, args):
    tmux("kill-server")
    for _ in range(50):  # the old server's socket may linger for a moment
        if tmux("new-session", "-d", "-x", str(WIDTH), "-y", str(HEIGHT), "-s", "t", "bash --norc --noprofile").returncode == 0:
            break
        time.sleep(0.1)
    wait_screen(lambda t: "$" in t or "#" in t, 5)
    tmux("send-keys", "-t", "t", f"PS1='$ '; clear; {STEPMARK} step {folder}/lesson.md {args}; echo EXIT=$?", "Enter")
    text = wait_screen(lambda t: status(t) is not None, 15)
    check(f"step {args} starts in the terminal", status(text) is not None, text)
    return text


def terminal_restored(label):
    tmux("send-keys", "-t", "t", "clear; stty -a | tr ' ;' '\\n\\n' | grep -x -- '-\\?icanon\\|-\\?echo'", "Enter")
    text = wait_screen(lambda t: re.search(r"^-?echo$", t, re.M) is not None, 5)
    check(f"{label}: the terminal is restored (icanon, echo)",
          re.search(r"^icanon$", text, re.M) is not None and re.search(r"^echo$", text, re.M) is not None, text)


def main():
    folder = pathlib.Path(tempfile.mkdtemp(prefix="stepmark-step-"))
    (folder / "lesson.md").write_text(LESSON, encoding="utf-8")

    text = start(folder, "")
    check("starts at block 1, frame 1", status(text) == (1, 1), text)
    check("prose emphasis is styled, not shown as ** or *",
          "Attention is all you need, with softmax." in text and "**" not in text, text)
    check("the solution region is hidden", "secret" not in text)
    text = key("Right", 1, 2, "→")
    check("a 40-column matrix is cut to the terminal with ⋯", "⋯" in text and all(len(l) <= WIDTH for l in text.splitlines()))
    check("the cut table states its shape", "(3 × 40; " in text and " of 40 columns shown)" in text, text)
    check("no escape sequence is echoed", "^[" not in text)
    key("Space", 2, 3, "Space")
    key("Right", 2, 4, "→ again")
    key("Left", 2, 3, "←")
    text = key("b", 1, 2, "b (no Enter needed)")
    key("n", 2, 3, "n")
    key("n", 3, 9, "n again")
    key("p", 2, 3, "p")
    tmux("send-keys", "-t", "t", "g")
    text = wait_screen(lambda t: "go to block:" in t, 5)
    check("g asks for a block number", "go to block:" in text, text)
    tmux("send-keys", "-t", "t", "4")
    key("Enter", 4, 12, "g 4 Enter")
    tmux("send-keys", "-t", "t", "g", "9", "Enter")
    text = wait_screen(lambda t: "no block 9" in t, 5)
    check("g to a block that does not exist says so and stays", "no block 9" in text and status(text) == (4, 12), text)
    tmux("send-keys", "-t", "t", "q")
    text = wait_screen(lambda t: "EXIT=" in t, 5)
    check("q quits with status 0", "EXIT=0" in text, text)
    check("q leaves the alternate screen", "[block" not in text, text)
    terminal_restored("after q")

    text = start(folder, "--teacher")
    check("--teacher shows the solution region", "secret answer" not in text)  # not before its block
    key("n", 2, 3, "--teacher: n")
    text = screen()
    check("--teacher shows the solution region before the next block", "The secret answer is forty-two." in text, text)
    tmux("send-keys", "-t", "t", "C-c")
    # Bash drops the rest of a command line whose program died of SIGINT: ask for $? anew.
    wait_screen(lambda t: "[block" not in t and t.rstrip().endswith("$"), 5)
    # Under load the shell may still be printing its prompt: ask again (status is kept in $s).
    tmux("send-keys", "-t", "t", "s=$?; echo EXIT=$s", "Enter")
    text = wait_screen(lambda t: "EXIT=" in t, 10)
    if "EXIT=" not in text:
        tmux("send-keys", "-t", "t", "echo EXIT=$s", "Enter")
        text = wait_screen(lambda t: "EXIT=" in t, 10)
    check("Ctrl-C (SIGINT) ends it with status 130", "EXIT=130" in text, text)
    terminal_restored("after Ctrl-C")

    start(folder, "")
    # The lesson's temporary folder makes the command line unique to this test.
    child = []
    for _ in range(40):
        child = subprocess.run(["pgrep", "-f", f"step {folder}/lesson.md"], capture_output=True, text=True).stdout.split()
        if child:
            break
        time.sleep(0.05)
    check("found the step process", len(child) == 1, str(child))
    if child:
        subprocess.run(["kill", "-TERM", child[0]])
        text = wait_screen(lambda t: "EXIT=" in t, 5)
        check("SIGTERM ends it with status 143", "EXIT=143" in text, text)
        terminal_restored("after SIGTERM")
    tmux("kill-server")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:
        import traceback
        traceback.print_exc()
        check("the step test ran to the end", False, repr(e))
        tmux("kill-server")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
