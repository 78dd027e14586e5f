#!/usr/bin/env python3
"""Prose math, images and HTML in a real browser (headless Chromium through chromedriver).

Renders a small lesson (formulas, a matrix, a PNG figure, <details>, escaped HTML) with the
stepmark binary, opens the page and checks that the browser lays the MathML out as math:
every <math> has a size, a fraction's numerator sits above its denominator, a superscript
above its base's baseline, a matrix's rows one below the other, a root's radical wider than
its content; the figure is drawn from its data URI; nothing is requested from the network and
the console stays clean. Saves .build/screenshots/prose-math.png.

Usage: SE_OFFLINE=true python3 Tests/browser/test_math.py [STEPMARK_BINARY]
(after `bash Tests/browser/run.sh --install-only`; default binary: .build/debug/stepmark)
Prints "N passed, M failed"; exits 1 on any failure.
"""
import base64
import json
import pathlib
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / ".build" / "debug" / "stepmark")
SHOTS = ROOT / ".build" / "screenshots"

LESSON = r"""# Prose math

Inline $\frac{QK^\top}{\sqrt{d_k}}$ and $x^2 + y_1$, a price of $5 and $6.

$$\mathrm{softmax}(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}}$$

$$A = \begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix} \quad \sqrt[3]{\hat{y}}$$

![a gradient](fig.png)

<details open>
<summary>More</summary>

Hidden $\alpha$ and <kbd>Ctrl</kbd>; <img src=x onerror=alert(1)> stays text.

</details>

```let
x = 1
```
"""


def png(width, height):
    raw = b"".join(b"\x00" + b"".join(bytes([x * 10 % 256, y * 15 % 256, 160]) for x in range(width))
                   for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok    {name}")
    else:
        failed += 1
        print(f"FAIL  {name}" + (f": {detail}" if detail else ""))


def main():
    folder = pathlib.Path(tempfile.mkdtemp(prefix="stepmark-math-"))
    (folder / "lesson.md").write_text(LESSON, encoding="utf-8")
    (folder / "fig.png").write_bytes(png(24, 16))
    run = subprocess.run([str(BINARY), "run", "--format", "html", str(folder / "lesson.md")],
                         capture_output=True, text=True)
    page = folder / "lesson.html"
    page.write_text(run.stdout, encoding="utf-8")
    problems = run.stderr.strip().splitlines()
    # HTML outside the allow-list is escaped and warned about (SPEC §8): the lesson still runs.
    check("the only problem is a warning for the <img> in prose, and the lesson runs",
          run.returncode == 0 and len(problems) == 1 and "14:38: warning: the HTML element <img> is not allowed" in problems[0],
          f"exit {run.returncode}: {run.stderr.strip()}")

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1000,900", "--hide-scrollbars", "--force-device-scale-factor=1",
                "--disable-background-networking", "--no-first-run"):
        options.add_argument(arg)
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser:
        options.binary_location = browser
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver"),
                              options=options)
    try:
        driver.get(page.as_uri())
        layout = driver.execute_script("""
            const r = e => e.getBoundingClientRect();
            const maths = [...document.querySelectorAll('.prose math')];
            const fracs = [...document.querySelectorAll('.prose mfrac')].map(f => {
                const [n, d] = f.children; return {num: r(n).bottom, den: r(d).top}; });
            const sups = [...document.querySelectorAll('.prose msup')].map(s => {
                const [b, p] = s.children; return {base: r(b).bottom, sup: r(p).bottom}; });
            const rows = [...document.querySelectorAll('.prose mtr')].map(t => r(t).top);
            const roots = [...document.querySelectorAll('.prose mroot, .prose msqrt')].map(q =>
                ({outer: r(q).width, inner: r(q.children[0]).width}));
            const img = document.querySelector('.prose img');
            return {maths: maths.map(m => [r(m).width, r(m).height]), fracs, sups, rows, roots,
                    img: img ? [img.naturalWidth, img.naturalHeight, img.complete] : null,
                    scripts: document.querySelectorAll('script').length,
                    escaped: document.body.textContent.includes('<img src=x onerror=alert(1)>')};
        """)
        check("every <math> has a size", len(layout["maths"]) == 5 and all(w > 5 and h > 5 for w, h in layout["maths"]),
              json.dumps(layout["maths"]))
        check("fractions: numerator above denominator",
              len(layout["fracs"]) == 2 and all(f["num"] <= f["den"] + 1 for f in layout["fracs"]), json.dumps(layout["fracs"]))
        check("superscripts are raised", layout["sups"] and all(s["sup"] < s["base"] - 1 for s in layout["sups"]),
              json.dumps(layout["sups"]))
        check("matrix rows stack", len(layout["rows"]) == 2 and layout["rows"][1] > layout["rows"][0] + 5,
              json.dumps(layout["rows"]))
        check("roots are wider than what they hold", layout["roots"] and all(q["outer"] > q["inner"] for q in layout["roots"]),
              json.dumps(layout["roots"]))
        check("the figure is drawn from its data URI", layout["img"] == [24, 16, True], json.dumps(layout["img"]))
        check("prose HTML outside the allow-list is text, no script added", layout["escaped"] and layout["scripts"] == 2,
              json.dumps([layout["escaped"], layout["scripts"]]))
        requests = [json.loads(e["message"])["message"] for e in driver.get_log("performance")]
        urls = [m["params"]["request"]["url"] for m in requests if m["method"] == "Network.requestWillBeSent"]
        external = [u for u in urls if not (u.startswith("file:") or u.startswith("data:"))]
        check("nothing is requested from the network", not external, ", ".join(external))
        console = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
        check("the console stays clean", not console, json.dumps(console)[:500])
        SHOTS.mkdir(parents=True, exist_ok=True)
        shot = SHOTS / "prose-math.png"
        shot.write_bytes(base64.b64decode(driver.get_screenshot_as_base64()))
        print(f"screenshot: {shot}")
    finally:
        driver.quit()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
