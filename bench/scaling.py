"""Scaling runs for `make bench` (issue 20): how time and peak memory grow with the input.

- attention N = 256 … 4096, d = 64: `stepmark run` of a one-step lesson (terminal report) beside
  a Python script that computes the same values with numpy (the same SplitMix64 numbers) and
  prints a summary; time and peak memory of each whole process;
- grading 1,000 and 10,000 submissions given as file arguments (bench/grade_bench.sh);
- rendering 6, 60 and 600 lessons (copies of lessons/en) to Markdown and HTML, beside
  `python3 -c "import numpy"`.

Both sides of a comparison get the same environment: one thread (OPENBLAS_NUM_THREADS=1) and
whatever OPENBLAS_CORETYPE the caller set (printed). Runs alternate between the two sides;
medians are reported. Reports only; asserts nothing.

    python3 bench/scaling.py [STEPMARK_BINARY]     (default .build/release/stepmark)

With BENCH_BASELINE=OTHER_STEPMARK_BINARY (an earlier build), the attention runs and the whole
course render also run that binary in the same alternation, and print before/after columns.
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
ATTENTION_SIZES = [int(n) for n in os.environ.get("BENCH_ATTENTION_SIZES", "256,512,1024,2048,4096").split(",")]
LESSON_COPIES = [int(n) for n in os.environ.get("BENCH_LESSON_COPIES", "1,10,100").split(",")]
SUBMISSION_COUNTS = [int(n) for n in os.environ.get("BENCH_SUBMISSIONS", "1000,10000").split(",")]

# The numpy side of the attention runs: SplitMix64 (SPEC §2) vectorised, so both sides use
# the very same Q, K and V; then the attention and a short summary.
NUMPY_ATTENTION = r"""
import sys
import numpy as np

def random(rows, cols, seed):
    k = np.arange(1, rows * cols + 1, dtype=np.uint64)
    z = np.uint64(seed) + k * np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    u = (z >> np.uint64(11)).astype(np.float64) * 2.0 ** -53
    return (2 * u - 1).reshape(rows, cols)

n, d = int(sys.argv[1]), 64
q, k, v = random(n, d, 1), random(n, d, 2), random(n, d, 3)
scores = q @ k.T
scaled = scores / np.sqrt(d)
shifted = scaled - scaled.max(axis=1, keepdims=True)
e = np.exp(shifted)
weights = e / e.sum(axis=1, keepdims=True)
output = weights @ v
np.set_printoptions(precision=4, threshold=50, edgeitems=3)
for name, value in (("scores", scores), ("scaled", scaled), ("weights", weights), ("output", output)):
    print(name, value.shape)
    print(value)
"""

ATTENTION_LESSON = """# Attention at N = {n}

```let
Q = random({n}, 64, seed=1)
K = random({n}, 64, seed=2)
V = random({n}, 64, seed=3)
```

```attend
```
"""


def shared_env():
    env = dict(os.environ)
    env["OPENBLAS_NUM_THREADS"] = "1"
    env["OMP_NUM_THREADS"] = "1"
    return env


def measure(command, env, cwd=ROOT):
    """One run: wall time in ms and peak resident memory in MB (GNU time)."""
    with tempfile.NamedTemporaryFile() as mem:
        start = time.perf_counter()
        result = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", mem.name] + command, cwd=cwd, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        elapsed = (time.perf_counter() - start) * 1000
        if result.returncode != 0:
            raise RuntimeError("%s failed (%d): %s" % (" ".join(command), result.returncode, result.stderr[-500:]))
        return elapsed, int(open(mem.name).read().split()[-1]) / 1024


def alternate(commands, env, repeats=REPEATS):
    """Runs the commands in turn, `repeats` rounds after a warm-up round; per command the
    median time and the largest peak memory."""
    times = [[] for _ in commands]
    peaks = [0.0 for _ in commands]
    for round_ in range(repeats + 1):
        for i, command in enumerate(commands):
            ms, mb = measure(command() if callable(command) else command, env)
            if round_ > 0:
                times[i].append(ms)
                peaks[i] = max(peaks[i], mb)
    return [(statistics.median(t), p) for t, p in zip(times, peaks)]


BASELINE = os.environ.get("BENCH_BASELINE")

# Issue 20's targets, as each run below measures them: (what, measured ratio, goal, strict).
# `summary()` prints them last, so a reader finds every verdict of one `make bench` in one table.
TARGETS = []


def record(what, ratio, goal, strict=False):
    TARGETS.append((what, ratio, goal, strict))


def summary():
    if not TARGETS:
        return
    print("\nIssue 20 targets (this run)")
    print("%-58s %8s %8s  %s" % ("target", "measured", "goal", "verdict"))
    for what, ratio, goal, strict in TARGETS:
        met = ratio < goal if strict else ratio <= goal
        print("%-58s %7.2f× %s%6.2f×  %s" % (what, ratio, "<" if strict else "≤", goal, "met" if met else "NOT met"))


def attention(stepmark, env, work):
    print("\nAttention, d = 64, one thread: `stepmark run` (terminal report) beside numpy (median of %d alternating runs)" % REPEATS)
    if BASELINE:
        print("before: %s" % BASELINE)
        print("%6s %12s %12s %12s %10s %10s %8s" % ("N", "before ms", "after ms", "numpy ms", "before/np", "after/np", "a/b"))
    else:
        print("%6s %12s %10s %12s %10s %8s" % ("N", "stepmark ms", "MB", "numpy ms", "MB", "ratio"))
    script = os.path.join(work, "attention.py")
    with open(script, "w") as f:
        f.write(NUMPY_ATTENTION)
    for n in ATTENTION_SIZES:
        lesson = os.path.join(work, "attention-%d.md" % n)
        with open(lesson, "w") as f:
            f.write(ATTENTION_LESSON.format(n=n))
        ours = [stepmark, "run", lesson, "--max-entries", str(4 * n * n), "--max-seconds", "600"]
        theirs = [sys.executable, script, str(n)]
        if BASELINE:
            (o_ms, _), (a_ms, _), (b_ms, _) = alternate([[BASELINE] + ours[1:], ours, theirs], env)
            print("%6d %12.1f %12.1f %12.1f %10.2f %10.2f %8.2f" % (n, o_ms, a_ms, b_ms, o_ms / b_ms, a_ms / b_ms, a_ms / o_ms))
            continue
        (a_ms, a_mb), (b_ms, b_mb) = alternate([ours, theirs], env)
        print("%6d %12.1f %10.1f %12.1f %10.1f %8.2f" % (n, a_ms, a_mb, b_ms, b_mb, a_ms / b_ms))
        if n in (1024, 2048):
            record("stepmark run, attention N = %d, vs the numpy script" % n, a_ms / b_ms, 0.6)


def grading(stepmark, env):
    print("\nGrading a 10-exercise key, submissions as file arguments (bench/grade_bench.sh, median of 3 runs)")
    medians = {}
    for count in SUBMISSION_COUNTS:
        out = subprocess.run(["sh", os.path.join(ROOT, "bench", "grade_bench.sh"), "3", str(count)], cwd=ROOT,
                             env=dict(env, STEPMARK=stepmark), capture_output=True, text=True)
        found = re.search(r"median: ([0-9.]+) s", out.stdout)
        if not found:
            print("%6d submissions: failed: %s" % (count, (out.stderr or out.stdout)[-300:]))
            continue
        medians[count] = float(found.group(1))
        print("%6d submissions %10.3f s" % (count, medians[count]))
    counts = sorted(medians)
    if len(counts) >= 2:
        small, large = counts[0], counts[-1]
        print("%d / %d: %.1f× the time for %.0f× the submissions" % (large, small, medians[large] / medians[small], large / small))
        record("grading %d submissions vs %d" % (large, small), medians[large] / medians[small], 1.1 * large / small)


def course(stepmark, env, work):
    print("\nRendering copies of lessons/en (md + html), fresh output folder each run (median of %d alternating runs)" % REPEATS)
    print("%8s %12s %10s" % ("lessons", "ms", "peak MB"))
    english = os.path.join(ROOT, "lessons", "en")
    per_copy = len([f for f in os.listdir(english) if f.endswith(".md")])
    outs = []

    def fresh_out():
        outs.append(tempfile.mkdtemp(dir=work))
        return outs[-1]

    rows = []
    for copies in LESSON_COPIES:
        tree = os.path.join(work, "course-%d" % copies)
        for c in range(copies):
            shutil.copytree(english, os.path.join(tree, "copy%03d" % c))
        (ms, mb), = alternate([lambda: [stepmark, "render", tree, "--out", fresh_out(), "--format", "md,html"]], env)
        for o in outs:
            shutil.rmtree(o, ignore_errors=True)
        outs.clear()
        rows.append((copies * per_copy, ms, mb))
        print("%8d %12.1f %10.1f" % (copies * per_copy, ms, mb))
    if len(rows) >= 2:
        print("peak memory %d lessons / %d lessons: %.2f×" % (rows[-1][0], rows[0][0], rows[-1][2] / rows[0][2]))
        record("render peak memory, %d lessons vs %d" % (rows[-1][0], rows[0][0]), rows[-1][2] / rows[0][2], 1.5)
    # The whole course, and the course without lesson 07 (the pretrained encoder, whose
    # arithmetic alone is some 5 GFLOP per language), on one thread and on every core
    # (`render --jobs`, default one per core), beside numpy's import, in one alternating run.
    plain = os.path.join(work, "course-without-07")
    shutil.copytree(os.path.join(ROOT, "lessons"), plain)
    for language in os.listdir(plain):
        folder = os.path.join(plain, language)
        if not os.path.isdir(folder):
            continue
        for name in os.listdir(folder):
            if name.startswith("07-"):
                os.remove(os.path.join(folder, name))
        listing = os.path.join(folder, "course.yml")
        if os.path.exists(listing):
            with open(listing) as f:
                kept = [line for line in f if "07-" not in line]
            with open(listing, "w") as f:
                f.writelines(kept)

    def render(tree, jobs):
        return lambda: [stepmark, "render", tree, "--out", fresh_out(), "--format", "md,html"] + (["--jobs", str(jobs)] if jobs else [])

    whole_tree = os.path.join(ROOT, "lessons")
    rows = [("whole course, one thread (--jobs 1)", render(whole_tree, 1)),
            ("whole course, every core", render(whole_tree, None)),
            ("without lesson 07, one thread", render(plain, 1)),
            ("without lesson 07, every core", render(plain, None))]
    if BASELINE:
        rows.insert(0, ("whole course, before", lambda: [BASELINE] + render(whole_tree, None)()[1:]))
    results = alternate([command for _, command in rows] + [[sys.executable, "-c", "import numpy"]], env)
    n_ms, n_mb = results[-1]
    for o in outs:
        shutil.rmtree(o, ignore_errors=True)
    print("python3 -c 'import numpy': %.1f ms, %.1f MB" % (n_ms, n_mb))
    for (name, _), (ms, mb) in zip(rows, results):
        print("%-38s %8.1f ms %8.1f MB   ratio to numpy's import %.2f" % (name, ms, mb, ms / n_ms))
        if name == "whole course, every core":
            record("whole course (md + html) vs python3 -c 'import numpy'", ms / n_ms, 1.0, strict=True)


def kernel_variant(env):
    """The element-wise kernel variant stepmark runs (KernelVariant.active): STEPMARK_KERNELS when
    set, else the widest this CPU has, as /proc/cpuinfo lists its features."""
    if env.get("STEPMARK_KERNELS"):
        return env["STEPMARK_KERNELS"] + " (STEPMARK_KERNELS)"
    try:
        flags = set(re.search(r"^flags\s*:(.*)$", open("/proc/cpuinfo").read(), re.M).group(1).split())
    except (OSError, AttributeError):
        return "unknown"
    return "avx512" if "avx512f" in flags else "avx2" if {"avx2", "fma"} <= flags else "baseline"


def run(stepmark):
    env = shared_env()
    print("\nScaling (OPENBLAS_CORETYPE=%s, one thread, kernel variant %s)"
          % (env.get("OPENBLAS_CORETYPE", "unset"), kernel_variant(env)))
    work = tempfile.mkdtemp(prefix="stepmark-scaling.")
    try:
        attention(stepmark, env, work)
        course(stepmark, env, work)
        grading(stepmark, env)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    summary()


if __name__ == "__main__":
    run(os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "release", "stepmark"))
