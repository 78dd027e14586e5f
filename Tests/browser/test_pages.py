#!/usr/bin/env python3
"""Opens every rendered page in a real browser (headless Chromium through chromedriver).

For each page: no console errors, no request leaving the file (performance log and resource
timing), and, on lesson pages, a page opens fully expanded and the step-through mode works
(`#step` in the URL or the toolbar's button): sub-steps start hidden, ArrowRight reveals the
next one and ArrowLeft hides it again, "Show all" reveals the rest, "Show every step" leaves
the mode, and without JavaScript and in print every sub-step shows. Saves light and dark full-page screenshots of
some lessons under .build/screenshots/.

Accessibility: axe-core (the axe.min.js bundled in PyPI's axe-selenium-python; only the file is
used) runs on every page, in the light and in the dark scheme (CDP Emulation.setEmulatedMedia),
with every <details> open, and on lesson pages once more in step-through mode (the toolbar's key
hints and each directive's controls showing). Any violation of a WCAG 2.1 A/AA rule (tags wcag2a,
wcag2aa, wcag21a, wcag21aa) fails the page; each is printed with its rule, its element's selector
and HTML. Nothing is reported anywhere: axe runs inside the page and returns its results.

Prints "N passed, M failed"; exits 1 on any failure.

Usage: test_pages.py [OUTPUT_DIR ...]   (default: output; each folder's pages are tested)
"""
import base64
import importlib.util
import json
import os
import pathlib
import shutil
import sys
import traceback

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

ROOT = pathlib.Path(__file__).resolve().parents[2]
FOLDERS = [pathlib.Path(a).resolve() for a in sys.argv[1:]] or [pathlib.Path("output").resolve()]
OUT = FOLDERS[0]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_SEEN = []
SHOTS = ROOT / ".build" / "screenshots"

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


def rel_name(path):
    """A page's name for messages: relative to its folder (prefixed by the folder after the first)."""
    for i, folder in enumerate(FOLDERS):
        try:
            rel = path.relative_to(folder)
        except ValueError:
            continue
        return rel if i == 0 else pathlib.Path(folder.name) / rel
    return path


def axe_source():
    """axe.min.js from the installed axe-selenium-python, without importing its Python API."""
    spec = importlib.util.find_spec("axe_selenium_python")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        js = pathlib.Path(folder) / "node_modules" / "axe-core" / "axe.min.js"
        if js.is_file():
            return js.read_text(encoding="utf-8")
    return None


AXE_RUN = """
var done = arguments[arguments.length - 1];
// An older axe lacks some tags (3.1 has no wcag21a): run the ones it knows.
var known = {};
axe.getRules().forEach(function (r) { (r.tags || []).forEach(function (t) { known[t] = true; }); });
var tags = arguments[0].filter(function (t) { return known[t]; });
axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']},
  function (err, results) {
    if (err) { done({error: String(err)}); return; }
    done({version: axe.version, tags: tags, violations: results.violations.map(function (v) {
      return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(function (n) {
        return {target: n.target.join(' '), html: n.html, summary: n.failureSummary || ''};
      })};
    })});
  });
"""


def set_scheme(driver, scheme):
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                           {"media": "", "features": [{"name": "prefers-color-scheme", "value": scheme}]})


def axe_violations(driver, axe_js):
    """Injects axe (once per document) and returns its WCAG 2.1 A/AA violations."""
    if not driver.execute_script("return typeof window.axe !== 'undefined';"):
        driver.execute_script(axe_js)
    driver.set_script_timeout(120)
    result = driver.execute_async_script(AXE_RUN, AXE_TAGS)
    if result.get("error"):
        raise RuntimeError("axe: " + result["error"])
    if not AXE_SEEN:
        AXE_SEEN.append(result["version"])
        missing = [t for t in AXE_TAGS if t not in result["tags"]]
        print(f"axe-core {result['version']}: rules tagged {', '.join(result['tags'])}"
              + (f" (this version has no rule tagged {', '.join(missing)})" if missing else ""))
    return result["violations"]


def describe(violations, limit=8):
    """Each violation with its elements: rule, impact, selector, HTML (shortened), axe's summary."""
    lines = []
    count = 0
    for v in violations:
        lines.append(f"    [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} elements)")
        for n in v["nodes"][:limit]:
            html = n["html"] if len(n["html"]) <= 240 else n["html"][:240] + "…"
            summary = " ".join(n["summary"].split())
            lines.append(f"      {n['target']}\n        {html}\n        {summary[:300]}")
            count += 1
        if len(v["nodes"]) > limit:
            lines.append(f"      … and {len(v['nodes']) - limit} more")
    return "\n".join(lines)


HEAT_CONTRAST = """
function lin(v){v/=255;return v<=0.03928?v/12.92:Math.pow((v+0.055)/1.055,2.4);}
function lum(c){var m=c.match(/[0-9.]+/g).map(Number);return 0.2126*lin(m[0])+0.7152*lin(m[1])+0.0722*lin(m[2]);}
var worst=null;
document.querySelectorAll('td.s,td.p,td.n').forEach(function(td){
  var st=getComputedStyle(td),a=lum(st.color),b=lum(st.backgroundColor);
  var c=(Math.max(a,b)+0.05)/(Math.min(a,b)+0.05);
  if(worst===null||c<worst.c){worst={c:c,html:td.outerHTML,fg:st.color,bg:st.backgroundColor};}
});
return worst;
"""


def test_accessibility(driver, path, axe_js, stats):
    """axe in light and dark, details open; on a lesson page also in step-through mode."""
    rel = rel_name(path)
    states = ["expanded"]
    for scheme in ("light", "dark"):
        set_scheme(driver, scheme)
        open_page(driver, path)
        driver.execute_script("document.querySelectorAll('details').forEach(function(d){d.open=true;});")
        found = axe_violations(driver, axe_js)
        # Beside axe: every heat-map cell's text against its computed background, worked out here.
        worst = driver.execute_script(HEAT_CONTRAST)
        if worst is not None:
            check(f"{rel}: heat-map text contrast, {scheme}: lowest {worst['c']:.2f}:1", worst["c"] >= 4.5,
                  f"{worst['fg']} on {worst['bg']}: {worst['html'][:200]}")
        if driver.find_elements(By.CSS_SELECTOR, "button[data-act=step-everything]"):
            driver.find_element(By.CSS_SELECTOR, "button[data-act=step-everything]").click()
            for v in axe_violations(driver, axe_js):
                known = next((k for k in found if k["id"] == v["id"]), None)
                if known is None:
                    found.append(v)
                else:
                    targets = {n["target"] for n in known["nodes"]}
                    known["nodes"].extend(n for n in v["nodes"] if n["target"] not in targets)
            states = ["expanded", "stepping"]
        elements = sum(len(v["nodes"]) for v in found)
        stats.append((str(rel), scheme, elements))
        check(f"{rel}: axe WCAG 2.1 AA, {scheme} ({' and '.join(states)}): {elements} violating elements",
              not found, "\n" + describe(found))
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})


def make_driver():
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,900", "--hide-scrollbars", "--force-device-scale-factor=1",
                "--disable-background-networking", "--disable-component-update",
                "--disable-default-apps", "--disable-sync", "--no-first-run",
                "--allow-file-access-from-files"):
        options.add_argument(arg)
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser:
        options.binary_location = browser
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    return webdriver.Chrome(service=Service(executable_path=driver_path), options=options)


def console_errors(driver):
    return [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def outside_requests(driver, page_url):
    """Requests for anything but the page itself (data: URLs are not requests)."""
    bad = []
    for entry in driver.get_log("performance"):
        try:
            message = json.loads(entry["message"])["message"]
        except (KeyError, ValueError):
            continue
        if message.get("method") != "Network.requestWillBeSent":
            continue
        url = message.get("params", {}).get("request", {}).get("url", "")
        if url.split("#")[0] == page_url or url.startswith("data:") or url == "about:blank":
            continue
        bad.append(url)
    resources = driver.execute_script(
        "return performance.getEntriesByType('resource').map(function(e){return e.name;});")
    bad.extend(r for r in resources if not r.startswith("data:"))
    return bad


def visible_substeps(driver, section):
    return driver.execute_script(
        "return Array.prototype.filter.call(arguments[0].querySelectorAll('.substep'),"
        "function(e){return e.getClientRects().length>0;}).length;", section)


def open_page(driver, path):
    url = path.as_uri()
    driver.get_log("browser")
    driver.get_log("performance")
    driver.get(url)
    driver.execute_script("return document.readyState")
    return url


def test_page(driver, path):
    rel = rel_name(path)
    url = open_page(driver, path)
    errors = console_errors(driver)
    check(f"{rel}: no console errors", not errors, "; ".join(e.get("message", "") for e in errors))
    requests = outside_requests(driver, url)
    check(f"{rel}: no request leaves the file", not requests, ", ".join(requests[:5]))
    title = driver.title
    check(f"{rel}: has a title", bool(title.strip()), repr(title))


def test_stepping(driver, path):
    rel = rel_name(path)
    open_page(driver, path)
    sections = driver.find_elements(By.CSS_SELECTOR, "section.step[data-substeps]")
    if not sections:
        return False
    section = sections[0]
    total = int(section.get_attribute("data-substeps"))
    check(f"{rel}: a handout opens with every sub-step shown", visible_substeps(driver, section) == total,
          f"{visible_substeps(driver, section)} of {total} shown")
    ActionChains(driver).send_keys(Keys.ARROW_LEFT).perform()
    check(f"{rel}: the arrow keys do nothing outside step-through", visible_substeps(driver, section) == total)
    driver.get(path.as_uri() + "#step")
    sections = driver.find_elements(By.CSS_SELECTOR, "section.step[data-substeps]")
    section = sections[0]
    driver.execute_script("arguments[0].scrollIntoView({block:'start'}); window.scrollBy(0,-60);", section)
    check(f"{rel}: with #step a directive starts with one sub-step shown", visible_substeps(driver, section) == 1,
          f"{visible_substeps(driver, section)} of {total} shown")
    ActionChains(driver).send_keys(Keys.ARROW_RIGHT).perform()
    check(f"{rel}: ArrowRight reveals the next sub-step", visible_substeps(driver, section) == 2,
          f"{visible_substeps(driver, section)} of {total} shown")
    counter = section.find_element(By.CSS_SELECTOR, ".stepper .count").text
    check(f"{rel}: the counter follows", counter.replace(" ", "") == f"2/{total}", repr(counter))
    ActionChains(driver).send_keys(Keys.ARROW_LEFT).perform()
    check(f"{rel}: ArrowLeft hides it again", visible_substeps(driver, section) == 1)
    section.find_element(By.CSS_SELECTOR, "button[data-act=next]").click()
    check(f"{rel}: the Next button reveals a sub-step", visible_substeps(driver, section) == 2)
    announced = section.find_element(By.CSS_SELECTOR, ".announce").get_attribute("textContent")
    name = section.find_elements(By.CSS_SELECTOR, ".substep")[1].get_attribute("data-name")
    check(f"{rel}: the live region announces the sub-step shown", announced == f"{announced.split(' ')[0]} 2 / {total}: {name}"
          and announced.split(" ")[0] != "", repr(announced))
    # The keyboard alone, on a directive of three sub-steps or more (still at its first): Tab from
    # Back to Next (so :focus-visible applies, as for a keyboard user), Enter until the end; the
    # focus then stays on an enabled button, which shows it.
    longer = [s for s in driver.find_elements(By.CSS_SELECTOR, "section.step[data-substeps]")
              if int(s.get_attribute("data-substeps")) >= 3 and s != section]
    if longer:
        other = longer[0]
        n_other = int(other.get_attribute("data-substeps"))
        next_button = other.find_element(By.CSS_SELECTOR, "button[data-act=next]")
        driver.execute_script("arguments[0].scrollIntoView({block:'center'}); arguments[0].click();", next_button)
        driver.execute_script("arguments[0].focus();", other.find_element(By.CSS_SELECTOR, "button[data-act=prev]"))
        ActionChains(driver).send_keys(Keys.TAB).perform()
        check(f"{rel}: Tab moves from Back to Next",
              driver.execute_script("return document.activeElement===arguments[0];", next_button))
        for _ in range(n_other - 2):
            ActionChains(driver).send_keys(Keys.ENTER).perform()
        focused = driver.execute_script(
            "var a=document.activeElement;return a&&a.tagName==='BUTTON'&&!a.disabled?a.getAttribute('data-act'):String(a&&a.tagName);")
        check(f"{rel}: Enter on Next reaches the last sub-step and the focus stays on an enabled button",
              visible_substeps(driver, other) == n_other and focused == "prev",
              f"{visible_substeps(driver, other)} of {n_other}, focus on {focused}")
        outline = driver.execute_script("return getComputedStyle(document.activeElement).outlineStyle;")
        check(f"{rel}: the focused button shows its focus", outline not in ("none", ""), outline)
        ActionChains(driver).send_keys(Keys.ENTER).perform()
        check(f"{rel}: Enter on Back hides one again", visible_substeps(driver, other) == n_other - 1)
        # prefers-reduced-motion: the reveal does not animate.
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                               {"media": "", "features": [{"name": "prefers-reduced-motion", "value": "reduce"}]})
        driver.execute_script("arguments[0].click();", next_button)
        still = driver.execute_script(
            "var r=arguments[0].querySelector('.substep.revealed');return r?getComputedStyle(r).animationName:'no reveal';", other)
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})
        check(f"{rel}: with prefers-reduced-motion the reveal does not move", still == "none", still)
    else:
        check(f"{rel}: a directive of three sub-steps or more for the keyboard test", False)
    driver.execute_script("arguments[0].scrollIntoView({block:'start'}); window.scrollBy(0,-60);", section)
    section.find_element(By.CSS_SELECTOR, "button[data-act=all]").click()
    check(f"{rel}: Show all reveals every sub-step", visible_substeps(driver, section) == total,
          f"{visible_substeps(driver, section)} of {total}")
    driver.find_element(By.CSS_SELECTOR, "button[data-act=show-everything]").click()
    check(f"{rel}: Show every step leaves step-through", visible_substeps(driver, section) == total)
    driver.find_element(By.CSS_SELECTOR, "button[data-act=step-everything]").click()
    check(f"{rel}: Step through hides them again", visible_substeps(driver, section) == 1)
    hidden = driver.execute_script(
        "return document.querySelectorAll('.substep').length - Array.prototype.filter.call("
        "document.querySelectorAll('.substep'),function(e){return e.getClientRects().length>0;}).length;")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    shown_in_print = driver.execute_script(
        "return Array.prototype.every.call(document.querySelectorAll('.substep'),"
        "function(e){return e.getClientRects().length>0;});")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    check(f"{rel}: in print every sub-step shows", hidden > 0 and shown_in_print)
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    open_page(driver, path)
    shown_without_js = driver.execute_script(
        "return Array.prototype.every.call(document.querySelectorAll('.substep'),"
        "function(e){return e.getClientRects().length>0;});")
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    check(f"{rel}: without JavaScript every sub-step shows", shown_without_js)
    # The skip link: the first Tab shows it, Enter moves to <main>.
    open_page(driver, path)
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    skip = driver.execute_script(
        "var a=document.activeElement;return a&&a.classList.contains('skip')?a.getBoundingClientRect().top:null;")
    check(f"{rel}: the first Tab shows the skip link", skip is not None and skip >= 0, repr(skip))
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    at_main = driver.execute_script("return document.activeElement&&document.activeElement.id;")
    check(f"{rel}: the skip link moves the focus to the lesson", at_main == "main", repr(at_main))
    return True


def screenshot(driver, path, scheme):
    open_page(driver, path)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                           {"media": "", "features": [{"name": "prefers-color-scheme", "value": scheme}]})
    button = driver.find_elements(By.CSS_SELECTOR, "button[data-act=show-everything]")
    if button:
        button[0].click()
    dark = driver.execute_script("return matchMedia('(prefers-color-scheme: dark)').matches;")
    check(f"{rel_name(path)}: {scheme} scheme applies", dark == (scheme == "dark"))
    height = driver.execute_script("return Math.ceil(document.documentElement.scrollHeight);")
    height = max(600, min(int(height), 16000))
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 1280, "height": height, "deviceScaleFactor": 1, "mobile": False})
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})
    name = str(rel_name(path).with_suffix("")).replace(os.sep, "-")
    target = SHOTS / f"{name}-{scheme}.png"
    target.write_bytes(base64.b64decode(shot["data"]))
    check(f"screenshot {target.relative_to(ROOT)}", target.stat().st_size > 1000)


def main():
    pages = sorted(OUT.rglob("*.html"))
    extra = [p for folder in FOLDERS[1:] for p in sorted(folder.rglob("*.html"))]
    if not pages:
        print(f"no pages in {OUT}; run 'make handouts' first")
        print("0 passed, 1 failed")
        return 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver = make_driver()
    try:
        for page in pages + extra:
            try:
                test_page(driver, page)
            except Exception as e:  # a crash in one page is a failure, not the end
                check(f"{rel_name(page)}: opens", False, repr(e))
        axe_js = axe_source()
        check("axe-core found (PyPI axe-selenium-python)", axe_js is not None)
        stats = []
        if axe_js:
            for page in pages + extra:
                try:
                    test_accessibility(driver, page, axe_js, stats)
                except Exception:
                    check(f"{rel_name(page)}: axe", False, traceback.format_exc(limit=3))
            bad = [s for s in stats if s[2]]
            print(f"axe: {len(stats)} page runs (light and dark), {sum(s[2] for s in stats)} violating elements "
                  f"on {len({s[0] for s in bad})} of {len({s[0] for s in stats})} pages")
        lessons = [p for p in pages if p.name != "index.html"]
        stepped = False
        for page in lessons:
            try:
                if test_stepping(driver, page):
                    stepped = True
                    break
            except Exception:
                check(f"{rel_name(page)}: step-through", False, traceback.format_exc(limit=2))
                break
        check("some lesson has a directive with several sub-steps to step through", stepped)
        # Two lessons or more, light and dark: prefer the attention, neural-network and
        # multi-modal lessons (English), then whatever comes first.
        wanted = []
        for key in ("attention", "neural", "modal"):
            wanted += [p for p in lessons if key in p.name and "/en/" in p.as_posix() and p not in wanted][:1]
        for p in lessons:
            if len(wanted) >= 2:
                break
            if p not in wanted:
                wanted.append(p)
        for page in wanted:
            for scheme in ("light", "dark"):
                try:
                    screenshot(driver, page, scheme)
                except Exception as e:
                    check(f"screenshot {rel_name(page)} {scheme}", False, repr(e))
    finally:
        driver.quit()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
