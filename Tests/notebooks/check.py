#!/usr/bin/env python3
"""Exports lessons as Jupyter notebooks, executes them, and compares every sub-step the
notebook printed with stepmark's own JSON report (SPEC §6) to 1e-9.

    python3 Tests/notebooks/check.py [--stepmark PATH] [LESSON.md | FOLDER ...]

For each lesson: `stepmark export` writes the notebook, `jupyter nbconvert --execute` runs it
with STEPMARK_NOTEBOOK_TRACE set (the prelude then appends every recorded value, exactly, as a
JSON line), and `stepmark run --format json` gives the expected values. Every value of every
step that stepmark records must appear in the trace with the same kind, shape and tokens, and
numbers within 1e-9 (absolute, or relative for magnitudes above 1). A value the notebook does
not produce is a failure. A directive the generator cannot translate yet makes the notebook
call known_gap(); those steps are printed as KNOWN GAP lines and also fail the run, unless
--allow-gaps is given. Exit status 0 only when everything matched.
"""
import argparse
import json
import math
import os
import pathlib
import re
import subprocess
import sys
import tempfile

TOLERANCE = 1e-9


def lessons(paths):
    for p in paths:
        path = pathlib.Path(p)
        if path.is_dir():
            yield from sorted(q for q in path.rglob("*.md") if q.name != "README.md")
        else:
            yield path


def number(x):
    if isinstance(x, str):
        return {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}[x]
    return float(x)


def close(a, b):
    a, b = number(a), number(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= TOLERANCE * max(1.0, abs(b))


def flatten(data):
    if isinstance(data, list):
        out = []
        for x in data:
            out.extend(flatten(x))
        return out
    return [data]


def compare(expected, got):
    """None when equal, else a short reason."""
    kind = expected["kind"]
    if got.get("kind") != kind:
        return f"kind {got.get('kind')} instead of {kind}"
    if kind == "number":
        if list(got["shape"]) != list(expected["shape"]):
            return f"shape {got['shape']} instead of {expected['shape']}"
        e, g = flatten(expected["data"]), flatten(got["data"])
        bad = [i for i, (x, y) in enumerate(zip(g, e)) if not close(x, y)]
        if bad:
            i = bad[0]
            return f"{len(bad)} of {len(e)} entries differ; entry {i}: {g[i]!r} instead of {e[i]!r}"
        # Labels are compared where the notebook keeps them (tables, rankings, projections).
        for key in ("rows", "cols"):
            if key in got and got[key] != expected.get(key):
                return f"{key} labelled {got[key]} instead of {expected.get(key)}"
        return None
    if kind == "tokens":
        if got["tokens"] != expected["tokens"]:
            return f"tokens {got['tokens']} instead of {expected['tokens']}"
        if expected.get("ids") is not None and got.get("ids") != expected["ids"]:
            return f"ids {got.get('ids')} instead of {expected['ids']}"
        return None
    if kind == "text":
        return None if got["text"] == expected["text"] else f"text {got['text']!r} instead of {expected['text']!r}"
    if kind == "table":
        if got["columns"] != expected["columns"]:
            return f"columns {got['columns']} instead of {expected['columns']}"
        if len(got["rows"]) != len(expected["rows"]):
            return f"{len(got['rows'])} rows instead of {len(expected['rows'])}"
        for r, (gr, er) in enumerate(zip(got["rows"], expected["rows"])):
            for c, (gv, ev) in enumerate(zip(gr, er)):
                same = close(gv, ev) if not isinstance(ev, str) or ev in ("inf", "-inf", "nan") and not isinstance(gv, str) else gv == ev
                if not same:
                    return f"row {r + 1}, column {expected['columns'][c]}: {gv!r} instead of {ev!r}"
        return None
    return f"unknown kind {kind}"


def check_lesson(stepmark, lesson, work):
    """Returns (values checked, failures, gaps)."""
    out = work / lesson.stem
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([stepmark, "export", str(lesson), "--format", "ipynb", "--out", str(out)],
                   check=False, capture_output=True, text=True)
    notebook = out / (lesson.stem + ".ipynb")
    if not notebook.exists():
        return 0, [f"{lesson}: stepmark export wrote no notebook"], []
    failures, gaps = [], []
    try:
        import nbformat  # installed with nbconvert
        nbformat.validate(nbformat.read(str(notebook), as_version=4))
    except Exception as error:  # noqa: BLE001 - any invalidity is a failure to report
        failures.append(f"{lesson}: the notebook is not valid nbformat 4: {error}")
    report = json.loads(subprocess.run([stepmark, "run", str(lesson), "--format", "json"],
                                       capture_output=True, text=True).stdout)
    trace = out / "trace.jsonl"
    if trace.exists():
        trace.unlink()
    env = dict(os.environ, STEPMARK_NOTEBOOK_TRACE=str(trace))
    run = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                          "--ExecutePreprocessor.timeout=600", "--output", lesson.stem + ".executed",
                          str(notebook)], env=env, capture_output=True, text=True)
    if run.returncode != 0:
        # The cell's traceback, without the terminal colours, ends with the exception.
        plain = re.sub(r"\x1b\[[0-9;]*m", "", run.stderr)
        failures.append(f"{lesson}: the notebook did not run to the end:\n" + "\n".join(plain.strip().splitlines()[-12:]))
    recorded, gap_steps = {}, {}
    if trace.exists():
        for line in trace.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            if "gap" in entry:
                gap_steps.setdefault(entry["step"], []).append(entry["gap"])
            else:
                # A name may be recorded twice in one step (attend with heads=1 and wo= records
                # the head's output, then the projected output): matched in order.
                recorded.setdefault((entry["step"], entry["name"]), []).append(entry)
    checked = 0
    for step in report["steps"]:
        if step["directive"] == "answer" or not step["ok"]:
            continue
        where = f"{lesson}:{step['line']} step {step['index']} ({step['directive']})"
        if step["index"] in gap_steps:
            gaps.append(f"{where}: {'; '.join(gap_steps[step['index']])}")
            continue
        for value in step["values"]:
            checked += 1
            queue = recorded.get((step["index"], value["name"])) or []
            got = queue.pop(0) if queue else None
            if got is None:
                failures.append(f"{where}: the notebook did not produce '{value['name']}'")
                continue
            reason = compare(value, got)
            if reason:
                failures.append(f"{where}: '{value['name']}': {reason}")
    return checked, failures, gaps


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=["lessons"])
    parser.add_argument("--stepmark", default=".build/debug/stepmark")
    parser.add_argument("--allow-gaps", action="store_true", help="known gaps are printed but do not fail")
    args = parser.parse_args()
    total, all_failures, all_gaps = 0, [], []
    with tempfile.TemporaryDirectory(prefix="stepmark-notebooks-") as tmp:
        for lesson in lessons(args.paths):
            checked, failures, gaps = check_lesson(os.path.abspath(args.stepmark), lesson, pathlib.Path(tmp))
            total += checked
            status = "ok" if not failures and not gaps else f"{len(failures)} failure(s), {len(gaps)} known gap(s)"
            print(f"{lesson}: {checked} values compared, {status}")
            all_failures += failures
            all_gaps += gaps
    for gap in all_gaps:
        print("KNOWN GAP:", gap)
    for failure in all_failures:
        print("FAIL:", failure)
    print(f"{total} values compared; {len(all_failures)} failures; {len(all_gaps)} known gaps")
    return 1 if all_failures or (all_gaps and not args.allow_gaps) else 0


if __name__ == "__main__":
    sys.exit(main())
