"""`make bench`: stepmark beside numpy (and Jupyter, when installed), medians of several runs.

Kernels: matmul n = 256, 512, 1024 and attention d = 64 at N = 128, 512, 2048, on one and two
threads, with the ratio stepmark / numpy (below 1 means stepmark is faster). Start-up: stepmark
and python3 in alternating runs. End to end: one lesson, the whole course, grading 1,000
submissions, with peak memory. Reports; asserts nothing.

Both sides of every comparison get the same environment: whatever OPENBLAS_CORETYPE (or any
other OpenBLAS setting) the caller has is kept for numpy and stepmark alike, and the OpenBLAS
kernel each side ended up with is printed, so a ratio never compares two different kernels.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import scaling  # bench/scaling.py (this folder): the scaling runs and the table of targets

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE = os.environ.get("BENCH_BUILD", os.path.join(ROOT, ".build", "release"))
# `make bench` points this at the dist binary (static, lazy OpenBLAS), the one users install.
STEPMARK = os.environ.get("BENCH_STEPMARK") or os.path.join(RELEASE, "stepmark")
REPEATS = int(os.environ.get("BENCH_REPEATS", "7"))
STARTUP_REPEATS = int(os.environ.get("BENCH_STARTUP_REPEATS", "31"))


def bench_env(threads=None):
    """The one environment both sides run in: the caller's, with a thread count when given.

    OPENBLAS_CORETYPE and the like are deliberately kept, for both sides: removing them for
    numpy only (as this script once did) made numpy use a faster kernel than stepmark and the
    matmul ratio read 1.6x where the kernels were the same speed.
    """
    env = dict(os.environ)
    if threads is not None:
        env["OPENBLAS_NUM_THREADS"] = str(threads)
    return env


# numpy's OpenBLAS kernel: ask the OpenBLAS that numpy loaded (found in /proc/self/maps, so it
# works for numpy's bundled scipy-openblas and for a system one alike).
NUMPY_CORENAME = r"""
import ctypes, numpy
paths = sorted({l.split()[-1] for l in open("/proc/self/maps") if "openblas" in l.lower() and ".so" in l})
for path in paths:
    lib = ctypes.CDLL(path)
    # numpy's bundled scipy-openblas prefixes and suffixes its symbols (ILP64 build).
    for name in ("scipy_openblas_get_corename64_", "openblas_get_corename64_", "openblas_get_corename"):
        f = getattr(lib, name, None)
        if f is not None:
            f.restype = ctypes.c_char_p
            print("%s (%s)" % (path, f().decode()))
            raise SystemExit
print("no OpenBLAS found in numpy's process (numpy %s)" % numpy.__version__)
"""


def json_lines(command, env):
    out = subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


KERNEL_ROUNDS = int(os.environ.get("BENCH_KERNEL_ROUNDS", "3"))


def kernels():
    print("Kernels (each side: median of %d runs in a process; %d processes a side, alternating; "
          "the median of those; milliseconds)" % (REPEATS, KERNEL_ROUNDS))
    setting = os.environ.get("OPENBLAS_CORETYPE")
    print("OPENBLAS_CORETYPE=%s for both sides" % (setting if setting is not None else
          "(unset: numpy's OpenBLAS reads the CPU; stepmark names SkylakeX or Haswell from the CPU's "
          "flags, since Debian's OpenBLAS falls back to Prescott on a CPU newer than it)"))
    for threads in (1, 2):
        env = bench_env(threads)
        # Alternate whole processes (ours, theirs, ours, …) so that a change in the machine's
        # load during the run reaches both sides alike.
        rounds = []
        for _ in range(KERNEL_ROUNDS):
            ours = json_lines([os.path.join(RELEASE, "StepmarkBench"), str(threads), str(REPEATS)], env)
            theirs = json_lines([sys.executable, os.path.join(ROOT, "bench", "kernels.py"), str(REPEATS)], env)
            rounds.append((ours, theirs))
        numpy_core = subprocess.run([sys.executable, "-c", NUMPY_CORENAME], capture_output=True, text=True, env=env).stdout.strip()
        print("threads=%d  stepmark OpenBLAS: %s" % (threads, next((l["openblas"] for l in rounds[0][0] if "openblas" in l), "?")))
        print("threads=%d  numpy OpenBLAS:    %s" % (threads, numpy_core or "?"))
        if threads == 1:
            print("%-10s %6s %7s %12s %12s %8s %16s" % ("kernel", "size", "threads", "stepmark", "numpy", "ratio", "GFLOP/s (sm/np)"))
        measured = [([l for l in o if "kernel" in l], [l for l in t if "kernel" in l]) for o, t in rounds]
        for i, first in enumerate(measured[0][0]):
            a = dict(first, ms=statistics.median([o[i]["ms"] for o, _ in measured]))
            b_ms = statistics.median([t[i]["ms"] for _, t in measured])
            flops = ""
            if "gflops" in a:
                work = a["gflops"] * first["ms"]   # GFLOP/s × ms: the same work for each run
                flops = "%6.1f / %6.1f" % (work / a["ms"], work / b_ms)
            print("%-10s %6d %7d %12.3f %12.3f %8.2f %16s" % (a["kernel"], a["size"], threads, a["ms"], b_ms, a["ms"] / b_ms, flops))
            if threads == 1 and a["kernel"] == "attention" and a["size"] in (512, 2048):
                scaling.record("kernels: attention N = %d vs numpy (one thread)" % a["size"], a["ms"] / b_ms, 0.9)


def timed(command, repeats=REPEATS, cwd=ROOT):
    """Median wall time in ms and peak resident memory in MB (GNU time), stdout discarded."""
    times, peaks = [], []
    for i in range(repeats + 1):
        with tempfile.NamedTemporaryFile() as mem:
            start = time.perf_counter()
            subprocess.run(["/usr/bin/time", "-f", "%M", "-o", mem.name] + command, cwd=cwd, env=bench_env(),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            elapsed = (time.perf_counter() - start) * 1000
            peak = int(open(mem.name).read().split()[-1]) / 1024
        if i > 0:  # the first run warms the caches
            times.append(elapsed)
            peaks.append(peak)
    return statistics.median(times), max(peaks)


def alternating(commands, repeats=STARTUP_REPEATS):
    """Median wall time in ms of each command, run in turn (a, b, a, b, …) so that a change in
    the machine's load affects every command alike; one warm-up round first."""
    times = [[] for _ in commands]
    env = bench_env()
    for i in range(repeats + 1):
        for j, command in enumerate(commands):
            start = time.perf_counter()
            subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if i > 0:
                times[j].append((time.perf_counter() - start) * 1000)
    return [statistics.median(t) for t in times]


def startup():
    print("\nStart-up (median of %d alternating runs; %s)" % (STARTUP_REPEATS, STEPMARK))
    pairs = [
        ("stepmark --version", [STEPMARK, "--version"], 'python3 -c pass', [sys.executable, "-c", "pass"], 0.15),
        ("stepmark run 01-attention --format json", [STEPMARK, "run", "lessons/en/01-attention.md", "--format", "json"],
         'python3 -c "import numpy"', [sys.executable, "-c", "import numpy"], 0.10),
    ]
    for ours_name, ours, theirs_name, theirs, goal in pairs:
        a, b = alternating([ours, theirs])
        verdict = "meets" if a / b <= goal else "misses"
        print("%-42s %8.2f ms   %-26s %8.2f ms   ratio %.3f (%s the goal of %.2f)" % (ours_name, a, theirs_name, b, a / b, verdict, goal))


def end_to_end():
    print("\nEnd to end (median of %d runs)" % REPEATS)
    out = tempfile.mkdtemp()
    rows = [
        ("render whole course md+html", [STEPMARK, "render", "lessons", "--out", out, "--format", "md,html"]),
    ]
    for name, command in rows:
        ms, mb = timed(command)
        print("%-34s %10.1f ms %8.1f MB peak" % (name, ms, mb))
    grading = os.path.join(ROOT, "bench", "grade_bench.sh")
    if os.path.exists(grading):
        print("grading 1,000 submissions:")
        subprocess.run(["bash", grading], cwd=ROOT, env=dict(os.environ, STEPMARK=STEPMARK))
    jupyter = shutil.which("jupyter")
    notebook = os.path.join(ROOT, "bench", "01-attention.ipynb")
    if jupyter and subprocess.run([jupyter, "nbconvert", "--version"], capture_output=True).returncode == 0:
        nb_ms, nb_mb = timed([jupyter, "nbconvert", "--to", "notebook", "--execute", "--output-dir", out, notebook], repeats=3)
        sm_ms, _ = timed([STEPMARK, "run", "lessons/en/01-attention.md", "--format", "json"])
        print("%-34s %10.1f ms %8.1f MB peak" % ("jupyter nbconvert --execute", nb_ms, nb_mb))
        print("stepmark run is %.0f× faster than the notebook" % (nb_ms / sm_ms))
    else:
        print("(jupyter nbconvert is not installed: `pip install nbconvert ipykernel` to compare with the notebook)")
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    kernels()
    startup()
    end_to_end()
    scaling.run(STEPMARK)   # attention N, submissions and lessons at growing sizes; then the targets
