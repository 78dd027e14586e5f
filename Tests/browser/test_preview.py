#!/usr/bin/env python3
"""End-to-end test of `stepmark preview` in a real browser (headless Chromium via selenium).

Starts `stepmark preview DIR --port 0` on a lesson copied into a temporary folder, reads the
URL it prints, opens the lesson, then:
- edits the lesson and sees the new value on the page within 1 s (five times; the save →
  repaint latency is printed: median and worst);
- edits the .csv file the lesson loads with load() and sees that value too;
- adds a new lesson and sees it on the index; breaks the lesson and sees the error overlay
  with file:line:column;
- presenter mode (#present): one sub-step at a time, → and n move;
- a second preview on the same port exits 2 with a clear message; SIGINT stops the first
  cleanly (exit 0).
Prints "N passed, M failed"; exits 1 on any failure.

Usage: test_preview.py [STEPMARK]   (default: .build/debug/stepmark)
"""
import os
import pathlib
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from test_pages import make_driver, console_errors  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
STEPMARK = str(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / ".build/debug/stepmark").resolve())

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


LESSON = """# Preview test

```let
x = {x}
```

```let
M = load("data/m.csv")
y = M * 2
```
"""


def write(path, text):
    """Writes as an editor's plain save does (truncate and write; inotify: IN_CLOSE_WRITE)."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def page_text(driver):
    return driver.execute_script("return document.body ? document.body.textContent : '';") or ""


def wait_for(driver, predicate, timeout):
    """Polls the page every 5 ms; returns the seconds it took, or None on timeout."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            if predicate(driver):
                return time.perf_counter() - start
        except Exception:
            pass  # the page is reloading
        time.sleep(0.005)
    return None


def connected(driver):
    return driver.execute_script("return document.documentElement.getAttribute('data-preview');") == "connected"


def start_preview(folder, port="0"):
    proc = subprocess.Popen([STEPMARK, "preview", str(folder), "--port", port],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    return proc, (match.group(0) if match else None), line


def main():
    folder = pathlib.Path(tempfile.mkdtemp(prefix="stepmark-preview-"))
    (folder / "data").mkdir()
    lesson = folder / "lesson.md"
    write(lesson, LESSON.format(x=41))
    write(folder / "data" / "m.csv", "1.5,2.5\n3.5,4.5\n")
    proc, url, first = start_preview(folder)
    check("preview --port 0 prints the URL it listens on", url is not None, repr(first))
    if url is None:
        proc.kill()
        return
    driver = make_driver()
    try:
        driver.get(url + "lesson.html")
        check("the lesson page opens", "Preview test" in driver.title, driver.title)
        check("the page connects to the event stream (CSP allows connect-src 'self')",
              wait_for(driver, connected, 5) is not None)
        check("the first value is shown", "41" in page_text(driver))

        latencies = []
        for i, value in enumerate([4242, 5353, 6464, 7575, 8686]):
            wait_for(driver, connected, 5)
            start = time.perf_counter()
            write(lesson, LESSON.format(x=value))
            seen = wait_for(driver, lambda d: str(value) in page_text(d), 5)
            elapsed = None if seen is None else time.perf_counter() - start
            latencies.append(elapsed if elapsed is not None else float("inf"))
            check(f"edit {i + 1}: the new value {value} shows within 1 s",
                  elapsed is not None and elapsed < 1.0,
                  "not seen" if elapsed is None else f"{elapsed * 1000:.0f} ms")
        finite = [t for t in latencies if t != float("inf")]
        if finite:
            print(f"save -> repaint: median {statistics.median(finite) * 1000:.0f} ms, "
                  f"worst {max(finite) * 1000:.0f} ms over {len(finite)} edits")

        # y = M * 2: the loaded CSV's 3.5 becomes 7; after the edit 3.5 → 31.25 it becomes 62.5.
        check("the loaded CSV's values show (y = 2·M)", "7" in page_text(driver) and "9" in page_text(driver))
        wait_for(driver, connected, 5)
        start = time.perf_counter()
        write(folder / "data" / "m.csv", "1.5,2.5\n31.25,4.5\n")
        seen = wait_for(driver, lambda d: "62.5" in page_text(d), 5)
        check("editing the loaded .csv re-renders the lesson within 1 s",
              seen is not None and seen < 1.0, "not seen" if seen is None else f"{seen * 1000:.0f} ms")
        if seen is not None:
            print(f"csv save -> repaint: {seen * 1000:.0f} ms")

        # A lesson that fails: the overlay names the file, line and column.
        wait_for(driver, connected, 5)
        write(lesson, LESSON.format(x="undefined_name + 1"))
        overlay = wait_for(driver, lambda d: d.execute_script(
            "var o=document.getElementById('stepmark-overlay');return !!o&&o.getClientRects().length>0;"), 5)
        text = driver.execute_script(
            "var o=document.getElementById('stepmark-overlay');return o?o.textContent:'';") or ""
        check("an error shows as an overlay", overlay is not None, text)
        check("the overlay gives file:line:column", re.search(r"lesson\.md:4:5: ", text) is not None, text)
        ActionChains(driver).send_keys(Keys.ESCAPE).perform()
        check("Esc dismisses the overlay", driver.execute_script(
            "return document.getElementById('stepmark-overlay').getClientRects().length===0;"))
        write(lesson, LESSON.format(x=41))
        check("fixing the lesson removes the overlay", wait_for(driver, lambda d: d.execute_script(
            "return !document.getElementById('stepmark-overlay');") and "41" in page_text(d), 5) is not None)

        # A new lesson appears on the index.
        driver.get(url)
        wait_for(driver, connected, 5)
        write(folder / "second.md", "# Second lesson\n\n```let\nz = 3\n```\n")
        check("a new lesson file appears on the index",
              wait_for(driver, lambda d: "Second lesson" in page_text(d), 5) is not None)

        # Presenter mode: one sub-step at a time, large type.
        driver.get(url + "lesson.html#present")
        wait_for(driver, connected, 5)
        visible = ("return Array.prototype.filter.call(document.querySelectorAll('.substep'),"
                   "function(e){return e.getClientRects().length>0;}).map(function(e){return e.getAttribute('data-name');});")
        check("presenter mode shows one sub-step", driver.execute_script(visible) == ["x"], str(driver.execute_script(visible)))
        ActionChains(driver).send_keys(Keys.ARROW_RIGHT).perform()
        check("→ shows the next sub-step (the next block's first)", driver.execute_script(visible) == ["M"],
              str(driver.execute_script(visible)))
        ActionChains(driver).send_keys(" ").perform()
        check("Space shows the next sub-step", driver.execute_script(visible) == ["y"], str(driver.execute_script(visible)))
        ActionChains(driver).send_keys("p").perform()
        check("p goes to the previous block", driver.execute_script(visible) == ["x"], str(driver.execute_script(visible)))
        ActionChains(driver).send_keys("n").perform()
        check("n goes to the next block", driver.execute_script(visible) == ["M"], str(driver.execute_script(visible)))
        size = driver.execute_script("return parseFloat(getComputedStyle(document.body).fontSize);")
        check("presenter mode uses large type", size >= 24, f"{size}px")
        check("no console errors", not console_errors(driver), str(console_errors(driver)))
    finally:
        driver.quit()

    import http.client
    port = url.rsplit(":", 1)[1].strip("/")
    conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=5)
    conn.request("GET", "/lesson.html", headers={"Host": f"rebound.example:{port}"})
    check("a request under another host name is refused (DNS rebinding)", conn.getresponse().status == 403)
    conn.close()
    conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=5)
    conn.request("POST", "/lesson.html", body=b"x")
    check("only GET and HEAD are answered", conn.getresponse().status == 405)
    conn.close()

    second = subprocess.run([STEPMARK, "preview", str(folder), "--port", port], capture_output=True, text=True, timeout=30)
    check("a port in use exits 2 with a clear message",
          second.returncode == 2 and f"port {port}" in second.stderr and "in use" in second.stderr,
          f"exit {second.returncode}: {second.stderr.strip()}")

    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=5)
        check("Ctrl-C (SIGINT) stops the server cleanly", proc.returncode == 0 and "stopped" in out,
              f"exit {proc.returncode}; {err.strip()[-300:]}")
        renders = [float(m) for m in re.findall(r"re-rendered lesson in (\d+) ms", out)]
        if renders:
            print(f"of which the server's re-render of the lesson: median {statistics.median(renders):.0f} ms, "
                  f"worst {max(renders):.0f} ms over {len(renders)} renders (the rest: inotify settle, SSE, reload, paint)")
    except subprocess.TimeoutExpired:
        proc.kill()
        check("Ctrl-C (SIGINT) stops the server cleanly", False, "still running after 5 s")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a crash is a failure, reported like the others
        import traceback
        traceback.print_exc()
        check("the preview test ran to the end", False, repr(e))
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
