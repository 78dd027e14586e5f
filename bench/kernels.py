"""numpy's side of `make bench`: the same kernels and sizes as Sources/StepmarkBench.

Run with OPENBLAS_NUM_THREADS set (bench/run.sh does) so that numpy's OpenBLAS uses one or two
threads. Prints one JSON line per measurement: median of several runs after a warm-up.
"""
import json
import os
import sys
import time

import numpy as np

threads = int(os.environ.get("OPENBLAS_NUM_THREADS", "1"))
repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 7
rng = np.random.default_rng(0)


def median_ms(fn):
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return times[len(times) // 2]


def attention(q, k, v):
    s = q @ k.T / np.sqrt(q.shape[1])
    s = s - s.max(axis=1, keepdims=True)
    e = np.exp(s)
    w = e / e.sum(axis=1, keepdims=True)
    return w @ v


for n in (256, 512, 1024):
    a = rng.uniform(-1, 1, (n, n))
    b = rng.uniform(-1, 1, (n, n))
    ms = median_ms(lambda: a @ b)
    print(json.dumps({"kernel": "matmul", "size": n, "threads": threads, "ms": ms,
                      "gflops": 2 * n ** 3 / (ms / 1000) / 1e9}))
for n in (128, 512, 2048):
    q, k, v = (rng.uniform(-1, 1, (n, 64)) for _ in range(3))
    print(json.dumps({"kernel": "attention", "size": n, "threads": threads,
                      "ms": median_ms(lambda: attention(q, k, v))}))
