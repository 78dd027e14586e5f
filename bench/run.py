"""`make bench`: stepmark beside numpy (and Jupyter, when installed), medians of several runs.

Kernels: matmul n = 256, 512, 1024 and attention d = 64 at N = 128, 512, 2048, on one and two
threads, with the ratio stepmark / numpy (below 1 means stepmark is faster). End to end: startup,
one lesson, the whole course, grading 1,000 submissions, with peak memory. Reports; asserts
nothing.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE = os.environ.get("BENCH_BUILD", os.path.join(ROOT, ".build", "release"))
STEPMARK = os.path.join(RELEASE, "stepmark")
REPEATS = int(os.environ.get("BENCH_REPEATS", "7"))


def numpy_env(threads):
    env = dict(os.environ)
    # Some machines set these for old OpenBLAS builds; they slow a current numpy down.
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    env["OPENBLAS_NUM_THREADS"] = str(threads)
    return env


def json_lines(command, env=None):
    out = subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def kernels():
    print("Kernels (median of %d runs, milliseconds)" % REPEATS)
    print("%-10s %6s %7s %12s %12s %8s %16s" % ("kernel", "size", "threads", "stepmark", "numpy", "ratio", "GFLOP/s (sm/np)"))
    for threads in (1, 2):
        ours = json_lines([os.path.join(RELEASE, "StepmarkBench"), str(threads), str(REPEATS)])
        theirs = json_lines([sys.executable, os.path.join(ROOT, "bench", "kernels.py"), str(REPEATS)], numpy_env(threads))
        for a, b in zip(ours, theirs):
            flops = "%6.1f / %6.1f" % (a["gflops"], b["gflops"]) if "gflops" in a else ""
            print("%-10s %6d %7d %12.3f %12.3f %8.2f %16s" % (a["kernel"], a["size"], threads, a["ms"], b["ms"], a["ms"] / b["ms"], flops))


def timed(command, repeats=REPEATS, cwd=ROOT):
    """Median wall time in ms and peak resident memory in MB (GNU time), stdout discarded."""
    times, peaks = [], []
    for i in range(repeats + 1):
        with tempfile.NamedTemporaryFile() as mem:
            start = time.perf_counter()
            subprocess.run(["/usr/bin/time", "-f", "%M", "-o", mem.name] + command, cwd=cwd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            elapsed = (time.perf_counter() - start) * 1000
            peak = int(open(mem.name).read().split()[-1]) / 1024
        if i > 0:  # the first run warms the caches
            times.append(elapsed)
            peaks.append(peak)
    return statistics.median(times), max(peaks)


def end_to_end():
    print("\nEnd to end (median of %d runs)" % REPEATS)
    out = tempfile.mkdtemp()
    rows = [
        ("stepmark --version", [STEPMARK, "--version"]),
        ("run 01-attention (json)", [STEPMARK, "run", "lessons/en/01-attention.md", "--format", "json"]),
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
    end_to_end()
    import scaling  # bench/scaling.py: attention N, submissions and lessons at growing sizes
    scaling.run(STEPMARK)
