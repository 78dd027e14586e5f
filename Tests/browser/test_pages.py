#!/usr/bin/env python3
"""Opens every rendered page in a real browser (headless Chromium through chromedriver).

For each page: no console errors, no request leaving the file (performance log and resource
timing), and, on lesson pages, a page opens fully expanded and the step-through mode works
(`#step` in the URL or the toolbar's button): sub-steps start hidden, ArrowRight reveals the
next one and ArrowLeft hides it again, "Show all" reveals the rest, "Show every step" leaves
the mode, and without JavaScript and in print every sub-step shows. Saves light and dark full-page screenshots of
some lessons under .build/screenshots/. Prints "N passed, M failed"; exits 1 on any failure.

Usage: test_pages.py [OUTPUT_DIR]   (default: output)
"""
import base64
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
OUT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "output").resolve()
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
    rel = path.relative_to(OUT)
    url = open_page(driver, path)
    errors = console_errors(driver)
    check(f"{rel}: no console errors", not errors, "; ".join(e.get("message", "") for e in errors))
    requests = outside_requests(driver, url)
    check(f"{rel}: no request leaves the file", not requests, ", ".join(requests[:5]))
    title = driver.title
    check(f"{rel}: has a title", bool(title.strip()), repr(title))


def test_stepping(driver, path):
    rel = path.relative_to(OUT)
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
    return True


def screenshot(driver, path, scheme):
    open_page(driver, path)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                           {"media": "", "features": [{"name": "prefers-color-scheme", "value": scheme}]})
    button = driver.find_elements(By.CSS_SELECTOR, "button[data-act=show-everything]")
    if button:
        button[0].click()
    dark = driver.execute_script("return matchMedia('(prefers-color-scheme: dark)').matches;")
    check(f"{path.relative_to(OUT)}: {scheme} scheme applies", dark == (scheme == "dark"))
    height = driver.execute_script("return Math.ceil(document.documentElement.scrollHeight);")
    height = max(600, min(int(height), 16000))
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 1280, "height": height, "deviceScaleFactor": 1, "mobile": False})
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})
    name = str(path.relative_to(OUT).with_suffix("")).replace(os.sep, "-")
    target = SHOTS / f"{name}-{scheme}.png"
    target.write_bytes(base64.b64decode(shot["data"]))
    check(f"screenshot {target.relative_to(ROOT)}", target.stat().st_size > 1000)


def main():
    pages = sorted(OUT.rglob("*.html"))
    if not pages:
        print(f"no pages in {OUT}; run 'make handouts' first")
        print("0 passed, 1 failed")
        return 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver = make_driver()
    try:
        for page in pages:
            try:
                test_page(driver, page)
            except Exception as e:  # a crash in one page is a failure, not the end
                check(f"{page.relative_to(OUT)}: opens", False, repr(e))
        lessons = [p for p in pages if p.name != "index.html"]
        stepped = False
        for page in lessons:
            try:
                if test_stepping(driver, page):
                    stepped = True
                    break
            except Exception:
                check(f"{page.relative_to(OUT)}: step-through", False, traceback.format_exc(limit=2))
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
                    check(f"screenshot {page.relative_to(OUT)} {scheme}", False, repr(e))
    finally:
        driver.quit()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
