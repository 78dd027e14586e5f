#!/bin/sh
# Benchmark (not a test): grade 1,000 generated submissions of a 10-exercise key with a release
# build and print the wall time of each run and the median.
#
#   bench/grade_bench.sh [RUNS] [SUBMISSIONS]      (defaults: 5 runs, 1000 submissions)
#   STEPMARK=.build/release/stepmark bench/grade_bench.sh 3 10000
#
# The key has ten exercises on let, softmax and attend; the submissions are its assignment with
# answers filled in: most right, some off by more than the tolerance, some blank, some missing.
set -eu
RUNS=${1:-5}
COUNT=${2:-1000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# STEPMARK names a release binary already built (bench/run.py passes its own); else build one.
if [ -n "${STEPMARK:-}" ]; then
    BIN=$STEPMARK
else
    swift build -c release --scratch-path .build-release --product stepmark >/dev/null
    BIN=$(swift build -c release --scratch-path .build-release --show-bin-path)/stepmark
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/stepmark-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

python3 - "$WORK" "$COUNT" <<'PY'
import math, os, random, sys
work, count = sys.argv[1], int(sys.argv[2])
rng = random.Random(7)

def softmax(xs):
    m = max(xs); e = [math.exp(x - m) for x in xs]; s = sum(e); return [v / s for v in e]

def lit(v):
    if isinstance(v, list):
        return "[" + ", ".join(lit(x) for x in v) + "]"
    return "%.4f" % v

exercises = []   # (directive block, id, expected value)
for k in range(10):
    eid = "b%d" % k
    if k % 3 == 0:
        xs = [round(rng.uniform(-2, 2), 2) for _ in range(4)]
        block = "```softmax exercise=%s points=2 tol=0.01\n%s\n```" % (eid, lit(xs).replace("0000", "0"))
        expected = softmax(xs)
    elif k % 3 == 1:
        a = [[round(rng.uniform(-1, 1), 2) for _ in range(3)] for _ in range(2)]
        b = [[round(rng.uniform(-1, 1), 2) for _ in range(2)] for _ in range(3)]
        block = "```let exercise=%s points=3 tol=0.01 partial=true\nA = %s\nB = %s\nC = A @ B\n```" % (eid, lit(a), lit(b))
        expected = [[sum(a[i][t] * b[t][j] for t in range(3)) for j in range(2)] for i in range(2)]
    else:
        q = [[round(rng.uniform(-1, 1), 2) for _ in range(2)] for _ in range(3)]
        kk = [[round(rng.uniform(-1, 1), 2) for _ in range(2)] for _ in range(3)]
        v = [[round(rng.uniform(-1, 1), 2) for _ in range(2)] for _ in range(3)]
        block = "```attend exercise=%s check=weights points=2 tol=0.01\nQ = %s\nK = %s\nV = %s\n```" % (eid, lit(q), lit(kk), lit(v))
        expected = [softmax([sum(q[i][t] * kk[j][t] for t in range(2)) / math.sqrt(2) for j in range(3)]) for i in range(3)]
    exercises.append((block, eid, expected))

def doc(answers):
    parts = ["# Benchmark key\n\nTen exercises on softmax, matrix products and attention.\n"]
    for block, eid, _ in exercises:
        parts.append("Work out this step by hand.\n\n" + block + "\n")
        if eid in answers:
            parts.append("```answer %s\n%s\n```\n" % (eid, answers[eid]))
    return "\n".join(parts)

def perturb(v, how):
    if isinstance(v, list):
        return [perturb(x, how) for x in v]
    if how == "blank" and rng.random() < 0.3:
        return "?"
    if how == "wrong" and rng.random() < 0.3:
        return v + rng.choice([-1, 1]) * 0.1
    return v + rng.uniform(-0.004, 0.004)

def write(v):
    if isinstance(v, list):
        return "[" + ", ".join(write(x) for x in v) + "]"
    return v if v == "?" else "%.4f" % v

with open(os.path.join(work, "key.md"), "w") as f:
    f.write(doc({eid: write(e) for _, eid, e in exercises}))
os.makedirs(os.path.join(work, "subs"))
for n in range(count):
    answers = {}
    for _, eid, e in exercises:
        r = rng.random()
        if r < 0.05:
            continue
        how = "right" if r < 0.7 else ("wrong" if r < 0.9 else "blank")
        answers[eid] = write(perturb(e, how))
    with open(os.path.join(work, "subs", "student%04d.md" % n), "w") as f:
        f.write(doc(answers))
PY

"$BIN" check "$WORK/key.md" >/dev/null || { echo "the generated key does not pass its own check" >&2; exit 1; }
echo "grading $COUNT submissions of a 10-exercise key, $RUNS runs ($(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg)):"
TIMES=""
i=0
while [ "$i" -lt "$RUNS" ]; do
    # A fresh output folder per run (deleting the last one first would time the file
    # system's clean-up of 3,000 files, not the grader).
    OUT="$WORK/out$i"
    START=$(date +%s.%N)
    status=0
    "$BIN" grade --key "$WORK/key.md" "$WORK"/subs/*.md --out "$OUT" >/dev/null 2>&1 || status=$?
    END=$(date +%s.%N)
    [ "$status" -le 1 ] || { echo "stepmark grade failed with status $status" >&2; exit 1; }
    T=$(echo "$END - $START" | bc)
    echo "  run $((i + 1)): ${T} s"
    TIMES="$TIMES $T"
    i=$((i + 1))
done
echo "$TIMES" | tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { printf "median: %.3f s\n", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
test "$(wc -l < "$WORK/out0/gradebook.csv")" -eq $((COUNT + 1)) || { echo "gradebook has the wrong number of rows" >&2; exit 1; }
