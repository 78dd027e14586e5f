"""`make bench`, the pretrained encoder (issue 16): stepmark beside numpy float64 (and
sentence-transformers when it is installed), medians of several runs, in milliseconds.

stepmark is timed through the release CLI on small lessons: startup (an empty lesson),
loading all-MiniLM-L6-v2 (a lesson with only a model block, minus startup), one sentence
through all six layers (model + transformer, minus the model lesson), and lesson 07 end to end.
numpy runs the same forward pass as the tests' reference (Tests/StepmarkTests/Fixtures/bert/
reference.py) in this process. Reports; asserts nothing.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STEPMARK = os.path.join(os.environ.get("BENCH_BUILD", os.path.join(ROOT, ".build", "release")), "stepmark")
MODEL = os.path.join(ROOT, ".cache", "models", "all-MiniLM-L6-v2")
REPEATS = int(os.environ.get("BENCH_REPEATS", "7"))
SENTENCE = "i sat on the river bank."


def median_ms(action, repeats=REPEATS):
    action()  # warm the caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def cli(path):
    return lambda: subprocess.run([STEPMARK, "run", path, "--format", "json"], cwd=ROOT, check=True,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def forward(ns, W, vocab, text):
    """The reference forward pass without writing anything out (tokenizer included)."""
    import math
    import numpy as np
    ids = ns["tokenize"](text, vocab)[3]
    x = W["embeddings.word_embeddings.weight"][ids] + W["embeddings.position_embeddings.weight"][:len(ids)] \
        + W["embeddings.token_type_embeddings.weight"][0]
    x = ns["layer_norm"](x, W["embeddings.LayerNorm.weight"], W["embeddings.LayerNorm.bias"], 1e-12)
    erf = np.vectorize(math.erf)
    for L in range(6):
        p = "encoder.layer.%d." % L
        lin = lambda name, a: a @ W[p + name + ".weight"].T + W[p + name + ".bias"]
        Q, K, V = lin("attention.self.query", x), lin("attention.self.key", x), lin("attention.self.value", x)
        heads = []
        for h in range(12):
            s = Q[:, h * 32:(h + 1) * 32] @ K[:, h * 32:(h + 1) * 32].T / math.sqrt(32)
            e = np.exp(s - s.max(axis=1, keepdims=True))
            heads.append((e / e.sum(axis=1, keepdims=True)) @ V[:, h * 32:(h + 1) * 32])
        a = ns["layer_norm"](lin("attention.output.dense", np.concatenate(heads, axis=1)) + x,
                             W[p + "attention.output.LayerNorm.weight"], W[p + "attention.output.LayerNorm.bias"], 1e-12)
        hidden = lin("intermediate.dense", a)
        hidden = hidden * 0.5 * (1 + erf(hidden / math.sqrt(2)))
        x = ns["layer_norm"](lin("output.dense", hidden) + a, W[p + "output.LayerNorm.weight"], W[p + "output.LayerNorm.bias"], 1e-12)
    pooled = x.mean(axis=0)
    return pooled / max(np.linalg.norm(pooled), 1e-12)


def main():
    if not os.path.exists(os.path.join(MODEL, "model.safetensors")):
        sys.exit("encoder bench: run `make model` first")
    folder = tempfile.mkdtemp(prefix="stepmark-encoder-bench-")
    lessons = {
        "empty": "# bench\n",
        "model": "# bench\n\n```model from=\"%s\"\n```\n" % MODEL,
        "sentence": "# bench\n\n```model from=\"%s\"\n```\n\n```transformer\n%s\n```\n" % (MODEL, SENTENCE),
    }
    paths = {}
    for name, text in lessons.items():
        paths[name] = os.path.join(folder, name + ".md")
        with open(paths[name], "w") as f:
            f.write(text)
    startup = median_ms(cli(paths["empty"]))
    with_model = median_ms(cli(paths["model"]))
    with_sentence = median_ms(cli(paths["sentence"]))
    lesson = median_ms(cli(os.path.join(ROOT, "lessons", "en", "07-a-real-encoder.md")))

    # numpy float64: the reference forward pass, loading included once and then per sentence.
    sys.argv = ["reference.py", MODEL, SENTENCE]
    source = open(os.path.join(ROOT, "Tests", "StepmarkTests", "Fixtures", "bert", "reference.py")).read()
    namespace = {"__name__": "reference"}
    exec(compile(source.replace("\nmain()\n", "\n"), "reference.py", "exec"), namespace)
    weights = os.path.join(MODEL, "model.safetensors")
    np_load = median_ms(lambda: namespace["read_safetensors"](weights), repeats=3)
    W = namespace["read_safetensors"](weights)
    vocab = {}
    with open(os.path.join(MODEL, "vocab.txt"), encoding="utf-8") as f:
        for i, line in enumerate(f.read().split("\n")):
            if line or i == 0:
                vocab[line] = i
    np_sentence = median_ms(lambda: forward(namespace, W, vocab, SENTENCE))

    print("Pretrained encoder, all-MiniLM-L6-v2 (median of %d runs, milliseconds)" % REPEATS)
    print("%-44s %10s %10s" % ("", "stepmark", "numpy"))
    print("%-44s %10.1f %10s" % ("process start (empty lesson)", startup, "-"))
    print("%-44s %10.1f %10.1f" % ("load the model (map; widen the small tensors)", with_model - startup, np_load))
    print("%-44s %10.1f %10.1f" % ("one sentence, 6 layers (+ recording / JSON)", with_sentence - with_model, np_sentence))
    print("%-44s %10.1f %10s" % ("lesson 07 end to end (17 steps, 16 passes)", lesson, "-"))
    # This folder holds a kernels.py of its own, which transformers would import in place of
    # the `kernels` package: look for sentence-transformers without it on the path.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    try:
        start = time.perf_counter()
        from sentence_transformers import SentenceTransformer  # noqa: imported only when installed
        imported = (time.perf_counter() - start) * 1000
        model = SentenceTransformer(MODEL, device="cpu")
        encode = median_ms(lambda: model.encode([SENTENCE]))
        print("%-44s %10s %10.1f" % ("sentence-transformers: import", "", imported))
        print("%-44s %10s %10.1f" % ("sentence-transformers: one sentence (float32)", "", encode))
        # The same work as lesson 07 in a fresh Python: import, load, encode its sentences.
        script = ("from sentence_transformers import SentenceTransformer\n"
                  "m = SentenceTransformer(%r, device='cpu')\n"
                  "m.encode(['i sat on the river bank.', 'i deposited money at the bank.'] * 8)\n" % MODEL)
        fresh = median_ms(lambda: subprocess.run([sys.executable, "-c", script], cwd=tempfile.gettempdir(), check=True,
                                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), repeats=3)
        print("%-44s %10s %10.1f" % ("sentence-transformers: a fresh process, 16 passes", "", fresh))
        print("lesson 07 end to end / sentence-transformers in a fresh process: %.3fx" % (lesson / fresh))
    except ImportError:
        print("(sentence-transformers is not installed: no comparison with PyTorch)")


main()
