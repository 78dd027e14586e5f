#!/usr/bin/env python3
"""Writes seed corpora for the fuzz targets into OUT/<target>/ (one file per seed).

Seeds come from the lessons (lessons/*/), the malformed corpus
(Tests/StepmarkTests/Fixtures/malformed/), the grading fixtures, and Fuzz/regressions/:
whole files for FuzzLesson and FuzzAnswer, every fence's info string for FuzzInfoString, and
every directive body for FuzzExpression and FuzzAnswer.
"""
import hashlib
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent
out = pathlib.Path(sys.argv[1])
sources = sorted(
    [p for p in (root / "lessons").rglob("*.md")]
    + [p for p in (root / "Tests/StepmarkTests/Fixtures/malformed").glob("*") if p.suffix != ".expected"]
    + [p for p in (root / "Tests/StepmarkTests/Fixtures/grading").glob("*.md")]
)
fence = re.compile(rb"^ {0,3}(`{3,}|~{3,})(.*)$")


def write(target, data):
    folder = out / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


for path in sources:
    if not path.is_file():
        continue
    data = path.read_bytes()
    write("FuzzLesson", data)
    write("FuzzAnswer", data)
    lines = data.split(b"\n")
    i = 0
    while i < len(lines):
        m = fence.match(lines[i])
        if not m:
            i += 1
            continue
        info = m.group(2).strip()
        if info:
            write("FuzzInfoString", info)
        body = []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(m.group(1)):
            body.append(lines[i])
            i += 1
        i += 1
        text = b"\n".join(body)
        if info.startswith(b"answer"):
            write("FuzzAnswer", text)
        if info.startswith(b"let") or info.startswith(b"show"):
            for line in body:
                if b"=" in line:
                    write("FuzzExpression", line.split(b"=", 1)[1].strip())
for target in ["FuzzLesson", "FuzzInfoString", "FuzzExpression", "FuzzAnswer"]:
    regressions = root / "Fuzz/regressions" / target
    for p in regressions.glob("*") if regressions.is_dir() else []:
        write(target, p.read_bytes())
    print(target, len(list((out / target).glob("*"))), "seeds")
