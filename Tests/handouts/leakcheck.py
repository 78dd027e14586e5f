#!/usr/bin/env python3
"""Nothing given away: a course-wide check that what students see never shows an answer.

For every lesson (a teacher's key) this runs the key to learn each exercise's expected value,
then writes the assignment with `stepmark assign` and runs it as a student would, and looks for
the expected numbers in everything the student sees: every recorded value of the student run
and the assignment's prose. An answer of tokens is searched for whole, in order, in every
token list the student sees. The expected values come from the key's JSON; the search is done
here, independently of stepmark's own StudentView. Prose is searched at 2, 3 and 4 places
("pays 0.43 of its attention" gives a 0.4319 away).

A number is searched for when it is *distinctive*: |x| >= 0.02, not an integer, not a short
decimal (two places or fewer) and not a small fraction k/n (n <= 12) — 0.5 or 2/3 turn up in
any lesson by coincidence. A whole expected row (two or more entries, one of them
distinctive) found as a row of a shown value is a leak too. In a value of more than 64 entries
(a real encoder's matrices) a few 4-place numbers turn up by chance, so there all of the
answer's distinctive numbers must be found. Known coincidences are listed in
KNOWN_COINCIDENCES with the reason; every other hit fails the check.

usage: leakcheck.py STEPMARK [LESSON...]   (default: lessons/*/*.md)
"""
import glob, json, os, re, subprocess, sys, tempfile

# (lesson file name, exercise, value as printed to 4 places): why it is not a leak
KNOWN_COINCIDENCES = {
    ("06-multimodal.md", "l6-by-hand", "0.7071"):
        "1/sqrt(2), the length-normalised (1, 1) of the exercise; a later, unrelated caption "
        "vector with two equal entries normalises to the same number",
    ("04-encoder-and-decoder.md", "l4-cos", "0.7535"):
        "the prose's 0.75 is a bigram probability (3/4) of the question-and-answer corpus",
}
SMALL = 64
DEFAULT_RESULT = {"softmax": "output", "attend": "output", "embed": "sentence", "train": "w",
                  "align": "logits", "encode": "context", "similarity": None}

def numbers(value):
    def flat(d):
        if isinstance(d, bool): return
        if isinstance(d, (int, float)): yield float(d)
        elif isinstance(d, list):
            for x in d: yield from flat(x)
    if value.get("kind") == "number": return list(flat(value["data"]))
    if value.get("kind") == "table": return list(flat(value.get("rows", [])))
    return []

def rows(value):
    if value.get("kind") == "number":
        d = value["data"]
        if isinstance(d, list) and d and isinstance(d[0], list): return [list(map(float, r)) for r in d]
        if isinstance(d, list): return [list(map(float, d))]
        return []
    if value.get("kind") == "table":
        return [[float(x) for x in r if isinstance(x, (int, float)) and not isinstance(x, bool)] for r in value.get("rows", [])]
    return []

def distinctive(x):
    if abs(x) < 0.02 or abs(x - round(x)) < 1e-9: return False
    if abs(x * 100 - round(x * 100)) < 1e-6: return False
    return all(abs(x * n - round(x * n)) > 1e-4 for n in range(2, 13))

def main():
    stepmark = os.path.abspath(sys.argv[1])
    lessons = sys.argv[2:] or sorted(glob.glob("lessons/*/*.md"))
    failures, searched = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for lesson in lessons:
            run = subprocess.run([stepmark, "run", lesson, "--format", "json"], capture_output=True, text=True)
            key = json.loads(run.stdout)
            secrets = []
            for step in key["steps"]:
                exercise = step["args"].get("exercise")
                if not exercise: continue
                check = step["args"].get("check") or DEFAULT_RESULT.get(step["directive"])
                values = [v for v in step["values"] if v["name"] == check] if check else step["values"][-1:]
                for v in values: secrets.append((exercise, v))
            if not secrets: continue
            out = os.path.join(tmp, lesson.replace("/", "_"))
            subprocess.run([stepmark, "assign", lesson, "--out", out], capture_output=True, check=True)
            [assignment] = glob.glob(out + "/**/*.md", recursive=True)
            student = json.loads(subprocess.run([stepmark, "run", assignment, "--format", "json"],
                                                capture_output=True, text=True).stdout)
            prose = re.sub(r"```.*?```", "", open(assignment, encoding="utf-8").read(), flags=re.S)
            shown = [(s, v) for s in student["steps"] for v in s["values"]]
            name = os.path.basename(lesson)
            for exercise, secret in secrets:
                wanted = [x for x in numbers(secret) if distinctive(x)]
                searched += len(wanted)
                for s, v in shown:
                    entries = numbers(v)
                    found = sorted({f"{x:.4f}" for x in wanted if any(abs(x - y) < 5e-5 for y in entries)}
                                   - {p for (n, e, p) in KNOWN_COINCIDENCES if n == name and e == exercise})
                    # In a value of more than SMALL entries (a real encoder's thousands) a few
                    # 4-place numbers turn up by chance; all of the answer's numbers do not.
                    if found and (len(entries) <= SMALL or len(found) == len({f"{x:.4f}" for x in wanted})):
                        failures.append(f"{lesson}: exercise {exercise}: {', '.join(found)} shown in step "
                                        f"{s['index']} ({s['directive']}, line {s['line']}), value '{v['name']}'")
                for x in wanted:
                    if (name, exercise, f"{x:.4f}") in KNOWN_COINCIDENCES: continue
                    for places in (2, 3, 4):
                        if re.search(r"(?<![\d.])" + re.escape(f"{x:.{places}f}") + r"(?!\d)", prose):
                            failures.append(f"{lesson}: exercise {exercise}: {x:.{places}f} is written in the prose")
                # A token answer (two or more tokens) shown whole, in order, inside any token
                # list the student sees: BPE of a corpus line is the same list for the same
                # sentence (lesson 02's exercise sentence was a line of its own corpus).
                answer = secret.get("tokens") if secret.get("kind") == "tokens" else None
                if answer and len(answer) >= 2:
                    searched += 1
                    for s, v in shown:
                        seen = v.get("tokens") if v.get("kind") == "tokens" else None
                        if seen and any(seen[i:i + len(answer)] == answer for i in range(len(seen) - len(answer) + 1)):
                            failures.append(f"{lesson}: exercise {exercise}: the expected tokens {answer} are shown "
                                            f"in step {s['index']} ({s['directive']}, line {s['line']}), value '{v['name']}'")
                for r in rows(secret):
                    if len(r) < 2 or not any(distinctive(x) for x in r): continue
                    for s, v in shown:
                        for shown_row in rows(v):
                            if len(shown_row) == len(r) and all(abs(a - b) < 5e-5 for a, b in zip(r, shown_row)):
                                failures.append(f"{lesson}: exercise {exercise}: the expected row {r} is shown "
                                                f"in step {s['index']} ({s['directive']}, line {s['line']}), value '{v['name']}'")
    for f in sorted(set(failures)): print("leak:", f)
    print(f"leakcheck: {len(lessons)} lessons, {searched} distinctive expected numbers searched, "
          f"{len(set(failures))} leaks")
    return 1 if failures else 0

if __name__ == "__main__":
    sys.exit(main())
