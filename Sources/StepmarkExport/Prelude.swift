import FoundationEssentials

/// The Python prelude of every exported notebook: the helper functions that reproduce
/// stepmark's directives with plain numpy (one function per directive, SPEC §3 conventions).
/// It is the first code cell of a notebook; the directive cells call it.
enum Prelude {
    static let source = #"""
# stepmark's conventions in plain numpy: every directive of the lesson is one function below,
# and each code cell calls one of them. Nothing here imports stepmark.
import json, math, os, unicodedata
import numpy as np

np.set_printoptions(precision=4, suppress=True, linewidth=110)

# ---------------------------------------------------------------- values and printing

class Labelled(np.ndarray):
    """A number array whose rows (and columns) carry token labels (a vector's labels are its
    rows). Arithmetic, @, indexing and the functions carry them as stepmark does, so that
    row(X + 1, "a") finds its row here too."""
    def __new__(cls, data, rows=None, cols=None):
        obj = np.array(data, dtype=float).view(cls)
        obj.rows = list(rows) if rows is not None else None
        obj.cols = list(cols) if cols is not None else None
        return obj
    def __array_finalize__(self, obj):
        self.rows = None
        self.cols = None
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """numpy's operators and element-wise functions on plain arrays, then stepmark's labels:
        an element-wise result takes them from the operand of its shape (the left one first),
        a @ b has a's row labels and b's column labels."""
        outs = kwargs.get("out")
        if outs: kwargs["out"] = tuple(np.asarray(o) if isinstance(o, Labelled) else o for o in outs)
        result = getattr(ufunc, method)(*[np.asarray(x) if isinstance(x, Labelled) else x for x in inputs], **kwargs)
        if outs: return outs[0] if len(outs) == 1 else outs
        if method != "__call__" or ufunc.nout != 1: return _with_labels(result, None, None)
        if ufunc is np.matmul:
            a, b = inputs
            if np.ndim(a) == 1: return _with_labels(result, _labels(b, 1), None)
            if np.ndim(b) == 1: return _with_labels(result, _labels(a, 0), None)
            return _with_labels(result, _labels(a, 0), _labels(b, 1))
        shape = np.shape(result)
        source, other = (inputs[0], inputs[-1]) if np.shape(inputs[0]) == shape else (inputs[-1], inputs[0])
        def taken(axis):
            own = _labels(source, axis)
            return own if own is not None or np.shape(other) != shape else _labels(other, axis)
        return _with_labels(result, taken(0), taken(1))
    def __getitem__(self, key):
        """Indexing keeps the labels of what it selects: rows keep their row labels, columns
        theirs; one row of a matrix is a vector labelled by the column labels, one column one
        labelled by the row labels."""
        result = super().__getitem__(key)
        keys = key if isinstance(key, tuple) else (key,)
        if not isinstance(result, np.ndarray) or self.ndim not in (1, 2) or len(keys) > self.ndim \
                or not all(isinstance(k, (int, np.integer, slice)) for k in keys):
            return result
        keys += (slice(None),) * (self.ndim - len(keys))
        def picked(labels, k): return None if labels is None or not isinstance(k, slice) else list(labels)[k]
        if self.ndim == 1: return _with_labels(result, picked(self.rows, keys[0]), None)
        r, c = keys
        if not isinstance(r, slice): return _with_labels(result, picked(self.cols, c), None)
        if not isinstance(c, slice): return _with_labels(result, picked(self.rows, r), None)
        return _with_labels(result, picked(self.rows, r), picked(self.cols, c))

def _labels(x, axis):
    """x's row (axis 0) or column (axis 1) labels while they fit its shape, as stepmark keeps
    them: rows of a vector or matrix, columns of a matrix."""
    labels = getattr(x, "rows" if axis == 0 else "cols", None)
    shape = np.shape(x)
    if labels is None or len(shape) not in (1, 2) or (axis == 1 and len(shape) != 2): return None
    return list(labels) if len(labels) == shape[axis] else None

def _with_labels(values, rows, cols):
    """values (an array) as a Labelled carrying the labels that fit it; a number stays one."""
    if not isinstance(values, np.ndarray) or values.ndim == 0: return values
    out = values.view(Labelled)
    out.rows, out.cols = rows, cols
    out.rows, out.cols = _labels(out, 0), _labels(out, 1)
    return out

def _like(x, values):
    """values computed entry by entry from x, with x's labels (stepmark's element-wise functions)."""
    return _with_labels(np.asarray(values), _labels(x, 0), _labels(x, 1))

class Tokens(list):
    """A token list, with the vocabulary ids when they are known."""
    def __init__(self, tokens, ids=None):
        super().__init__(tokens)
        self.ids = ids
    def __getitem__(self, k):
        """A slice keeps its ids, as stepmark's tokens[a:b] does."""
        item = super().__getitem__(k)
        if isinstance(k, slice): return Tokens(item, self.ids[k] if self.ids is not None else None)
        return item

class Table:
    """Mixed columns: text and numbers (bpe merges, generate's candidates)."""
    def __init__(self, columns, rows):
        self.columns, self.rows = list(columns), [list(r) for r in rows]
    def __repr__(self):
        head = "  ".join(self.columns)
        return head + "\n" + "\n".join("  ".join(_short(v) for v in r) for r in self.rows)

def _short(v):
    return f"{v:.4f}" if isinstance(v, float) else str(v)

def rows_of(x):
    return getattr(x, "rows", None)

def label(x, rows=None, cols=None):
    """Labels given replace x's own; those not given are kept, as in stepmark."""
    return Labelled(x, rows=rows if rows is not None else _labels(x, 0), cols=cols if cols is not None else _labels(x, 1))

_TRACE = os.environ.get("STEPMARK_NOTEBOOK_TRACE")
_step = [0]
_values_shown = [True]   # False in a step with hide=values or hide=all: computed, not printed
step_values = {}   # the sub-steps of the cell that ran last, by name
expected = {}      # each exercise's expected value, taken when its directive's cell runs

def begin(index, directive, values_shown=True):
    """Every directive is one numbered step, as in stepmark's report."""
    _step[0] = index
    _values_shown[0] = values_shown
    step_values.clear()

def known_gap(reason):
    """A step this notebook does not reproduce: said aloud, and listed for the checker."""
    print("not reproduced in numpy:", reason)
    if _TRACE:
        with open(_TRACE, "a", encoding="utf-8") as f:
            f.write(json.dumps({"step": _step[0], "gap": reason}, ensure_ascii=False) + "\n")

def _json_number(v):
    v = float(v)
    if math.isnan(v): return "nan"
    if math.isinf(v): return "inf" if v > 0 else "-inf"
    return v

def _json_value(value):
    if isinstance(value, Table):
        return {"kind": "table", "columns": value.columns,
                "rows": [[_json_number(c) if isinstance(c, (float, int)) and not isinstance(c, bool) else c for c in r] for r in value.rows]}
    if isinstance(value, Tokens) or (isinstance(value, list) and all(isinstance(t, str) for t in value)):
        out = {"kind": "tokens", "tokens": list(value)}
        if getattr(value, "ids", None) is not None: out["ids"] = list(value.ids)
        return out
    if isinstance(value, str):
        return {"kind": "text", "text": value}
    a = np.asarray(value, dtype=float)
    out = {"kind": "number", "shape": list(a.shape), "data": _nested(a)}
    for key in ("rows", "cols"):
        if getattr(value, key, None) is not None: out[key] = list(getattr(value, key))
    return out

def _nested(a):
    if a.ndim == 0: return _json_number(a)
    return [_nested(x) for x in a]

def record(name, value):
    """Prints one sub-step under stepmark's name (and, for the checker, writes it exactly)."""
    step_values[name] = value
    if not _values_shown[0]:
        pass
    elif isinstance(value, np.ndarray) and value.ndim == 2 and rows_of(value):
        width = max(len(str(r)) for r in value.rows)
        body = "\n".join(f"  {str(r):<{width}}  {np.array2string(np.asarray(row))}" for r, row in zip(value.rows, np.asarray(value)))
        print(f"{name} =\n{body}")
    elif isinstance(value, (np.ndarray, float, int)) and np.ndim(value) > 0:
        print(f"{name} =\n{np.asarray(value)}")
    elif getattr(value, "ids", None) is not None and name == "ids":
        print(f"{name} = {list(value.ids)}")
    else:
        print(f"{name} = {value if not isinstance(value, np.ndarray) else float(value)}")
    if _TRACE:
        entry = {"step": _step[0], "name": name}
        entry.update(_json_value(value))
        with open(_TRACE, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")

def check(answer, expected, tol):
    """An exercise check without assert: says which entries are off by more than tol."""
    if answer is None:
        print("not answered yet: write your answer in the cell above and run both cells again")
        return False
    if isinstance(expected, Table):
        numeric = [c for c in range(len(expected.columns)) if all(isinstance(r[c], float) for r in expected.rows)]
        expected = [[r[c] for c in numeric] for r in expected.rows]
    if isinstance(expected, (list, str)) and not isinstance(expected, np.ndarray):
        ok = list(answer) == list(expected) if isinstance(expected, list) else answer == expected
        print("correct" if ok else f"not yet: expected {len(expected)} tokens")
        return ok
    a, e = np.asarray(answer, dtype=float), np.asarray(expected, dtype=float)
    if a.size != e.size:
        print(f"not yet: the answer has {a.size} entries, the expected value {e.size}")
        return False
    a, e = a.reshape(-1), e.reshape(-1)
    # tol as the decimal written: four units in the last place of slack, as stepmark grades.
    slack = np.minimum(4 * np.spacing(np.maximum(np.maximum(np.abs(a), np.abs(e)), tol)), tol * 1e-9)
    wrong = np.flatnonzero(~(np.abs(a - e) <= tol + slack))
    if len(wrong) == 0:
        print("correct (within", tol, ")")
        return True
    print(f"not yet: {len(wrong)} of {e.size} entries are off by more than {tol} (positions {wrong.tolist()})")
    return False

# ---------------------------------------------------------------- the expression language

def splitmix64(seed):
    """SplitMix64 (SPEC §2) in Python integers, masked to 64 bits; yields uniforms in [0, 1)."""
    s = seed & 0xFFFFFFFFFFFFFFFF
    while True:
        s = (s + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        z ^= z >> 31
        yield (z >> 11) * 2.0 ** -53

def _whole(*numbers):
    return [None if n is None else int(n) for n in numbers]

def random(r, c=None, seed=0):
    r, c, seed = _whole(r, c, seed)
    g = splitmix64(seed)
    n = r * (c or 1)
    data = np.array([2 * next(g) - 1 for _ in range(n)])
    return data.reshape(r, c) if c is not None else data

def xavier(g, fan_in, fan_out):
    bound = math.sqrt(6 / (fan_in + fan_out))
    return np.array([(2 * next(g) - 1) * bound for _ in range(fan_in * fan_out)]).reshape(fan_in, fan_out)

def zeros(r, c=None): return np.zeros(tuple(n for n in _whole(r, c) if n is not None))
def ones(r, c=None): return np.ones(tuple(n for n in _whole(r, c) if n is not None))
def eye(n): return np.eye(int(n))
def relu(x): return np.maximum(0.0, x)
def sigmoid(x): return _like(x, 1 / (1 + np.exp(-np.asarray(x, dtype=float))))
def tanh(x): return np.tanh(x)
def exp(x): return np.exp(x)
def log(x): return np.log(x)
def sqrt(x): return np.sqrt(x)
def transpose(x): return T(x)
def norm(x): return float(np.sqrt(np.sum(np.square(x))))
def mean(x): return float(np.mean(x))

def reduce_axis(kind, x, axis=None):
    """sum, mean, max, min, argmax or var (biased) of all entries, or one per row (axis="row",
    numpy's axis=1) or per column (axis="col", axis=0); a vector is one row."""
    f = {"sum": np.sum, "mean": np.mean, "max": np.max, "min": np.min, "argmax": np.argmax, "var": np.var}[kind]
    a = np.asarray(x, dtype=float)
    if axis is None: return float(f(a))
    out = np.asarray(f(np.atleast_2d(a), axis=1 if axis == "row" else 0), dtype=float)
    if a.ndim == 1 and axis == "row": return float(out[0])
    # One value per row keeps the row labels, one per column the column labels (a vector's
    # entries are its columns here).
    return _with_labels(out, _labels(x, 0) if axis == "row" or a.ndim == 1 else _labels(x, 1), None)

def length(x, axis=None):
    """len: the rows of a matrix, the entries of a vector or token list; axis="row": the length
    of a row (the columns), axis="col": of a column (the rows)."""
    if isinstance(x, list) and axis is None: return float(len(x))
    shape = np.atleast_2d(np.asarray(x, dtype=float)).shape
    if axis is None: return float(np.shape(x)[0])
    return float(shape[1] if axis == "row" else shape[0])

def shape_of(x): return np.array(np.shape(x), dtype=float)

def row_labelled(x, token):
    """row(X, "token"): the first row labelled token, a vector labelled by X's column labels
    (of a labelled vector: that entry)."""
    rows = _labels(x, 0)
    if rows is None: raise ValueError("row(): the value has no row labels in this notebook")
    a = np.asarray(x, dtype=float)
    return _with_labels(a[rows.index(token)], _labels(x, 1), None) if a.ndim == 2 else a[rows.index(token)]

def T(x):
    """Postfix .T: a vector becomes a column (keeping its labels as row labels); a matrix's
    labels swap."""
    a = np.asarray(x, dtype=float)
    if a.ndim == 1: return _with_labels(a.reshape(-1, 1), _labels(x, 0), None)
    return _with_labels(a.T, _labels(x, 1), _labels(x, 0)) if a.ndim == 2 else a

def normalize(x):
    a = np.asarray(x, dtype=float)
    m = np.atleast_2d(a)
    out = m / np.sqrt(np.sum(m * m, axis=1, keepdims=True))
    return _like(x, out.reshape(a.shape))

def cosine(a, b):
    """Rows against rows: two vectors give a number, a vector and a matrix one cosine per row
    (labelled by the matrix's row labels), two matrices a matrix (a's rows by b's rows)."""
    la, lb = _labels(a, 0), _labels(b, 0)
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    m = np.asarray(normalize(np.atleast_2d(a)) @ normalize(np.atleast_2d(b)).T)
    if a.ndim == 1 and b.ndim == 1: return float(m[0, 0])
    if a.ndim == 1: return _with_labels(m[0], lb, None)
    if b.ndim == 1: return _with_labels(m[:, 0], la, None)
    return _with_labels(m, la, lb)

LESSON_DIR = "."  # the lesson's folder, relative to this notebook
MODEL_DIR = None  # the --model-dir given to stepmark export, relative to this notebook

def load(path):
    path = os.path.join(LESSON_DIR, path)
    if path.endswith(".npy"): return np.load(path).astype(float)
    return np.loadtxt(path, delimiter=",", ndmin=2).astype(float)

# ---------------------------------------------------------------- softmax and attention

def softmax_rows(x, temperature=1.0):
    """(x − row max) / T, exp, row sums, exp / sum; exp(−∞) = 0. Returns all four."""
    x = np.asarray(x, dtype=float)
    m = np.atleast_2d(x)
    shifted = (m - m.max(axis=1, keepdims=True)) / temperature
    e = np.exp(shifted)
    s = e.sum(axis=1)
    out = e / s[:, None]
    if x.ndim == 1: return shifted[0], e[0], float(s[0]), out[0]
    return shifted, e, s, out

def softmax(x, temperature=1.0):
    return _like(x, softmax_rows(x, temperature)[3])

def softmax_step(x, temperature=1.0, axis="row"):
    record("input", x)
    x = np.asarray(x, dtype=float)
    if axis == "col":
        shifted, e, s, out = softmax_rows(x.T, temperature)
        shifted, e, out = shifted.T, e.T, out.T
    else:
        shifted, e, s, out = softmax_rows(x, temperature)
    record("shifted", shifted); record("exp", e); record("sum", s); record("output", out)
    return out

def attention(Q, K, V, scale=None, mask="none", heads=1, wo=None, prefix=""):
    """scores = Q·Kᵀ, scaled = scores·scale (1/√d_k), masked (−∞ where j > i + n_k − n_q),
    weights = row softmax, output = weights·V; heads split the columns into equal blocks."""
    Q, K, V = (np.atleast_2d(np.asarray(m, dtype=float)) for m in (Q, K, V))
    dk, dv = Q.shape[1] // heads, V.shape[1] // heads
    s = scale if scale is not None else 1 / math.sqrt(dk)
    nq, nk = Q.shape[0], K.shape[0]
    outputs = []
    for h in range(heads):
        p = prefix + ("" if heads == 1 else f"head{h + 1}.")
        q, k, v = Q[:, h*dk:(h+1)*dk], K[:, h*dk:(h+1)*dk], V[:, h*dv:(h+1)*dv]
        scores = q @ k.T
        scaled = scores * s
        record(p + "scores", scores); record(p + "scaled", scaled)
        if mask == "causal":
            i, j = np.indices((nq, nk))
            scaled = np.where(j > i + nk - nq, -np.inf, scaled)
            record(p + "masked", scaled)
        weights = softmax(scaled)
        record(p + "weights", weights)
        out = weights @ v
        if heads > 1 or wo is None: record(p + "output", out)  # one head with wo: recorded as concat
        outputs.append(out)
    if heads == 1 and wo is None: return outputs[0]
    concat = np.hstack(outputs)
    record(prefix + "concat", concat)
    if wo is None: return concat
    output = concat @ np.asarray(wo, dtype=float)
    record(prefix + "output", output)
    return output

def attention_parts(Q, K, V, scale=None, mask="none", heads=1):
    """attention()'s forward pass without printing: per head (q, k, v, weights, output), and the scale."""
    Q, K, V = (np.atleast_2d(np.asarray(m, dtype=float)) for m in (Q, K, V))
    dk, dv = Q.shape[1] // heads, V.shape[1] // heads
    s = scale if scale is not None else 1 / math.sqrt(dk)
    nq, nk = Q.shape[0], K.shape[0]
    parts = []
    for h in range(heads):
        q, k, v = Q[:, h*dk:(h+1)*dk], K[:, h*dk:(h+1)*dk], V[:, h*dv:(h+1)*dv]
        scaled = (q @ k.T) * s
        if mask == "causal":
            i, j = np.indices((nq, nk))
            scaled = np.where(j > i + nk - nq, -np.inf, scaled)
        w = softmax(scaled)
        parts.append((q, k, v, w, w @ v))
    return parts, s

def attention_backward(Q, K, V, scale=None, mask="none", heads=1, wo=None, target=None, grad=None,
                       jacobian_row=None, show=True):
    """The gradients PyTorch's autograd gives after F.mse_loss(output, target).backward() (or
    output.backward(grad)): d_output, d_wo, d_concat, per head d_output (its columns of d_concat,
    with several heads), d_weights, d_V, d_scaled =
    w ⊙ (d_weights − rowsum(d_weights ⊙ w)), d_scores = d_scaled·scale, d_Q = d_scores·K,
    d_K = d_scoresᵀ·Q. Returns the loss (or None) and the whole d_Q, d_K, d_V, d_wo."""
    rec = record if show else (lambda name, value: None)
    parts, s = attention_parts(Q, K, V, scale, mask, heads)
    concat = np.hstack([p[4] for p in parts])
    output = concat @ np.asarray(wo, dtype=float) if wo is not None else concat
    loss = None
    if target is not None:
        t = np.asarray(target, dtype=float).reshape(output.shape)
        loss = float(np.mean((output - t) ** 2))
        rec("loss", loss)
        d_output = 2 * (output - t) / output.size
    elif grad is not None:
        d_output = np.asarray(grad, dtype=float).reshape(output.shape)
    else:
        d_output = None
    d_wo = None
    if d_output is not None:
        rec("d_output", d_output)
        d_concat = d_output
        if wo is not None:
            d_wo = concat.T @ d_output
            rec("d_wo", d_wo)
            d_concat = d_output @ np.asarray(wo, dtype=float).T
        if heads > 1 or wo is not None:
            rec("d_concat", d_concat)
    dQs, dKs, dVs = [], [], []
    for h, (q, k, v, w, out) in enumerate(parts):
        p = "" if heads == 1 else f"head{h + 1}."
        dv_ = v.shape[1]
        if d_output is not None:
            d_out = d_concat[:, h*dv_:(h+1)*dv_]
            if heads > 1:
                rec(p + "d_output", d_out)
            d_weights = d_out @ v.T
            rec(p + "d_weights", d_weights)
            d_V = w.T @ d_out
            rec(p + "d_V", d_V)
        if jacobian_row is not None:
            r = w[int(jacobian_row)]
            rec(p + "jacobian", Labelled(np.diag(r) - np.outer(r, r)))
        if d_output is not None:
            d_scaled = w * (d_weights - (d_weights * w).sum(axis=1, keepdims=True))
            rec(p + "d_scaled", d_scaled)
            d_scores = d_scaled * s
            rec(p + "d_scores", d_scores)
            d_Q = d_scores @ k; d_K = d_scores.T @ q
            rec(p + "d_Q", d_Q); rec(p + "d_K", d_K)
            dQs.append(d_Q); dKs.append(d_K); dVs.append(d_V)
    if d_output is None: return None, None, None, None, None
    dQ, dK, dV = np.hstack(dQs), np.hstack(dKs), np.hstack(dVs)
    if heads > 1:
        rec("d_Q", dQ); rec("d_K", dK); rec("d_V", dV)
    return loss, dQ, dK, dV, d_wo

def train_attention_step(xs, names, targets, wq=None, wk=None, wv=None, wo=None, learn="qkv", lr=0.1,
                         epochs=100, record_epochs=None, mask="none", heads=1, scale=None):
    """Full-batch gradient descent on mean((output − target)²), averaged over the sequences:
    Q = X·W_Q, K = X·W_K, V = X·W_V (identity when not given), ∂L/∂W_Q = Xᵀ·d_Q, …"""
    xs = [np.atleast_2d(np.asarray(x, dtype=float)) for x in xs]
    d = xs[0].shape[1]
    W = {"wq": wq, "wk": wk, "wv": wv}
    W = {key: np.eye(d) if m is None else np.array(m, dtype=float) for key, m in W.items()}
    if wo is not None: W["wo"] = np.array(wo, dtype=float)
    for key, m in W.items(): record(key + "_before", m)
    if record_epochs is None: record_epochs = [0] if epochs == 0 else [0, epochs]
    record_epochs = set(int(e) for e in record_epochs)
    def forward_all(save_epoch=None):
        outs = []
        for x, name in zip(xs, names):
            parts, _ = attention_parts(x @ W["wq"], x @ W["wk"], x @ W["wv"], scale, mask, heads)
            if save_epoch is not None:
                for h, part in enumerate(parts):
                    seq = "" if len(xs) == 1 else name + "."
                    head = "" if heads == 1 else f"head{h + 1}."
                    record(f"epoch{save_epoch}.{seq}{head}weights", part[3])
            concat = np.hstack([part[4] for part in parts])
            outs.append(concat @ W["wo"] if "wo" in W else concat)
        return outs
    def losses(outs):
        return float(np.mean([np.mean((o - np.asarray(t, dtype=float).reshape(o.shape)) ** 2) for o, t in zip(outs, targets)]))
    snapshots = {}
    history = []
    for epoch in range(epochs + 1):
        if epoch in record_epochs:
            snapshots[epoch] = dict(W)
        history.append([epoch, losses(forward_all())])
        if epoch == epochs: break
        grads = {key: np.zeros_like(m) for key, m in W.items()}
        for x, t in zip(xs, targets):
            _, dQ, dK, dV, d_wo = attention_backward(x @ W["wq"], x @ W["wk"], x @ W["wv"], scale, mask, heads,
                                                    wo=W.get("wo"), target=t, show=False)
            grads["wq"] += x.T @ dQ; grads["wk"] += x.T @ dK; grads["wv"] += x.T @ dV
            if "wo" in W: grads["wo"] += d_wo
        W = {key: (m - lr * grads[key] / len(xs) if key[1] in learn else m) for key, m in W.items()}
    final = dict(W)
    for epoch in sorted(snapshots):
        W = snapshots[epoch]; forward_all(save_epoch=epoch)
    W = final
    record("history", Labelled(history, cols=["epoch", "loss"]))
    for key, m in W.items():
        if key[1] in learn: record(key + "_after", m)
    outs = forward_all()
    for o, name in zip(outs, names):
        record("output" if len(xs) == 1 else name + ".output", o)
    loss = losses(outs)
    record("loss", loss)
    return W, loss

# ---------------------------------------------------------------- a pretrained encoder (BERT)
# The safetensors reader and BertTokenizer port are those of the Swift tests' independent
# reference (Tests/StepmarkTests/Fixtures/bert/reference.py).

import struct

def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    base = 8 + n
    kinds = {"F32": "<f4", "F64": "<f8", "I64": "<i8"}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        out[name] = np.frombuffer(blob[base + a:base + b], dtype=kinds[info["dtype"]]).astype(np.float64).reshape(info["shape"])
    return out


def is_whitespace(c):
    return c in " \t\n\r" or unicodedata.category(c) == "Zs"


def is_control(c):
    return c not in "\t\n\r" and unicodedata.category(c) in ("Cc", "Cf")


def is_punctuation(c):
    cp = ord(c)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(c).startswith("P")


def is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def bert_clean(text, chinese=True):
    """BERT's _clean_text and _tokenize_chinese_chars: control and format characters dropped,
    whitespace turned into spaces, CJK ideographs spaced out; then NFC."""
    cleaned = []
    for c in text:
        if ord(c) in (0, 0xFFFD) or is_control(c):
            continue
        if is_whitespace(c):
            cleaned.append(" ")
        elif chinese and is_cjk(ord(c)):
            cleaned.append(" " + c + " ")
        else:
            cleaned.append(c)
    return unicodedata.normalize("NFC", "".join(cleaned))


def bert_tokenize(text, vocab, lower=True, strip=None, chinese=True, max_tokens=256):
    text = bert_clean(text, chinese)
    words, normalized = [], []
    for token in text.split():
        if lower:
            token = token.lower()
        if (lower if strip is None else strip):
            token = "".join(c for c in unicodedata.normalize("NFD", token) if unicodedata.category(c) != "Mn")
        normalized.append(token)
        current = ""
        for c in token:
            if is_punctuation(c):
                if current:
                    words.append(current)
                words.append(c)
                current = ""
            else:
                current += c
        if current:
            words.append(current)
    words = " ".join(words).split()
    pieces = []
    for w in words:
        if len(w) > 100:
            pieces.append("[UNK]")
            continue
        start, sub, bad = 0, [], False
        while start < len(w):
            end, found = len(w), None
            while start < end:
                s = w[start:end]
                if start > 0:
                    s = "##" + s
                if s in vocab:
                    found = s
                    break
                end -= 1
            if found is None:
                bad = True
                break
            sub.append(found)
            start = end
        pieces.extend(["[UNK]"] if bad else sub)
    tokens = ["[CLS]"] + pieces[:max_tokens - 2] + ["[SEP]"]
    return " ".join(normalized), words, tokens, [vocab.get(t, vocab["[UNK]"]) for t in tokens]


def model_folder(name):
    """A folder path, or NAME under the --model-dir the notebook was exported with, under
    $STEPMARK_MODEL_DIR, or under .cache/models in the lesson's folder or any folder above it
    (the project's cache), or above the working folder: stepmark's order."""
    lesson_dir = globals().get("LESSON_DIR", ".")
    candidates = [name, os.path.join(lesson_dir, name)]
    if MODEL_DIR: candidates.append(os.path.join(MODEL_DIR, name))
    if os.environ.get("STEPMARK_MODEL_DIR"): candidates.append(os.path.join(os.environ["STEPMARK_MODEL_DIR"], name))
    for start in (os.path.abspath(lesson_dir), os.getcwd()):
        folder = start
        while True:
            candidates.append(os.path.join(folder, ".cache", "models", name))
            parent = os.path.dirname(folder)
            if parent == folder: break
            folder = parent
    for c in candidates:
        if os.path.isfile(os.path.join(c, "config.json")): return c
    raise FileNotFoundError(f"no model folder {name!r} (tried " + (f"{MODEL_DIR}, " if MODEL_DIR else "") + f"$STEPMARK_MODEL_DIR and .cache/models above {os.path.abspath(lesson_dir)})")

def model_step(source):
    """config.json, tokenizer_config.json, vocab.txt and model.safetensors of a Hugging Face folder."""
    folder = model_folder(source)
    config = json.load(open(os.path.join(folder, "config.json")))
    tconf = {}
    if os.path.exists(os.path.join(folder, "tokenizer_config.json")):
        tconf = json.load(open(os.path.join(folder, "tokenizer_config.json")))
    vocab = {}
    with open(os.path.join(folder, "vocab.txt"), encoding="utf-8") as f:
        for i, line in enumerate(f.read().split("\n")):
            if line or i == 0: vocab[line.rstrip("\r")] = i
    W = read_safetensors(os.path.join(folder, "model.safetensors"))
    W = {k[5:] if k.startswith("bert.") else k: v for k, v in W.items()}
    with open(os.path.join(folder, "model.safetensors"), "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8)); header = json.loads(f.read(n))
    lower = tconf.get("do_lower_case", True) is not False
    strip = tconf.get("strip_accents")
    chinese = tconf.get("tokenize_chinese_chars", True) is not False
    H = config["num_attention_heads"]
    model = {"config": config, "vocab": vocab, "W": W, "lower": lower, "strip": strip, "chinese": chinese,
             "eps": config.get("layer_norm_eps", 1e-12), "heads": H}
    tf = lambda b: "true" if b else "false"
    record("config", Table(["key", "value"], [
        ["layers", float(config["num_hidden_layers"])], ["hidden_size", float(config["hidden_size"])],
        ["heads", float(H)], ["head_size", float(config["hidden_size"] // H)],
        ["intermediate_size", float(config["intermediate_size"])], ["max_positions", float(config["max_position_embeddings"])],
        ["vocab_size", float(config["vocab_size"])], ["layer_norm_eps", repr(float(model["eps"]))],
        ["hidden_act", config.get("hidden_act", "gelu")], ["do_lower_case", tf(lower)],
        ["strip_accents", "follows do_lower_case" if strip is None else tf(strip)], ["tokenize_chinese_chars", tf(chinese)]]))
    names = sorted(k for k in header if k != "__metadata__")
    record("tensors", Table(["name", "dtype", "shape"],
        [[k, header[k]["dtype"], "×".join(str(d) for d in header[k]["shape"])] for k in names]))
    weights = sum(int(np.prod(header[k]["shape"])) for k in names if header[k]["dtype"] != "I64")
    record("parameters", float(weights))
    return model

def bert_tokenize_step(model, text):
    normalized, words, tokens, ids = bert_tokenize(text, model["vocab"], model["lower"], model["strip"], model["chinese"],
                                                   model["config"]["max_position_embeddings"])
    record("normalized", normalized); record("words", Tokens(words))
    record("tokens", Tokens(tokens)); record("ids", Tokens(tokens, ids=ids))
    return Tokens(tokens)

def _ln(x, w, b, eps):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b

def bert_forward(model, text, max_tokens=256):
    """BertModel in float64, then mean pooling and L2 normalisation (sentence-transformers)."""
    config, W, eps, H = model["config"], model["W"], model["eps"], model["heads"]
    _, _, tokens, ids = bert_tokenize(text, model["vocab"], model["lower"], model["strip"], model["chinese"],
                                      min(max_tokens, config["max_position_embeddings"]))
    d = config["hidden_size"] // H
    n = len(ids)
    x = W["embeddings.word_embeddings.weight"][ids] + W["embeddings.position_embeddings.weight"][:n] \
        + W["embeddings.token_type_embeddings.weight"][0]
    x = _ln(x, W["embeddings.LayerNorm.weight"], W["embeddings.LayerNorm.bias"], eps)
    out = {"tokens": tokens, "ids": ids, "embeddings.output": x, "layers": []}
    lin = lambda name, a: a @ W[name + ".weight"].T + W[name + ".bias"]
    erf = np.vectorize(math.erf)
    for L in range(config["num_hidden_layers"]):
        p = "encoder.layer.%d." % L
        layer = {}
        Q, K, V = lin(p + "attention.self.query", x), lin(p + "attention.self.key", x), lin(p + "attention.self.value", x)
        layer["Q"], layer["K"], layer["V"] = Q, K, V
        heads = []
        for h in range(H):
            q, k, v = Q[:, h*d:(h+1)*d], K[:, h*d:(h+1)*d], V[:, h*d:(h+1)*d]
            scores = q @ k.T
            scaled = scores / math.sqrt(d)
            weights = softmax(scaled)
            heads.append((scores, scaled, weights, weights @ v))
        layer["heads"] = heads
        concat = np.concatenate([o for *_, o in heads], axis=1)
        attn_out = lin(p + "attention.output.dense", concat)
        attn_norm = _ln(attn_out + x, W[p + "attention.output.LayerNorm.weight"], W[p + "attention.output.LayerNorm.bias"], eps)
        pre = lin(p + "intermediate.dense", attn_norm)
        hidden = pre * 0.5 * (1.0 + erf(pre / math.sqrt(2.0)))
        ffn_out = lin(p + "output.dense", hidden)
        x = _ln(ffn_out + attn_norm, W[p + "output.LayerNorm.weight"], W[p + "output.LayerNorm.bias"], eps)
        layer.update(concat=concat, attn_out=attn_out, attn_norm=attn_norm, ffn_hidden=hidden, ffn_out=ffn_out, output=x)
        out["layers"].append(layer)
    pooled = x.mean(axis=0)
    out["pooled"] = pooled
    out["sentence"] = pooled / max(np.linalg.norm(pooled), 1e-12)
    return out

def sentence_vector(model, text):
    return bert_forward(model, text)["sentence"]

def transformer_step(model, text, layers=None, full=False, max_tokens=256):
    out = bert_forward(model, text, max_tokens)
    tokens = out["tokens"]
    record("tokens", Tokens(tokens)); record("ids", Tokens(tokens, ids=out["ids"]))
    record("embeddings.output", Labelled(out["embeddings.output"], rows=tokens))
    for i, layer in enumerate(out["layers"]):
        if layers is not None and (i + 1) not in layers: continue
        p = f"layer{i + 1}."
        if full:
            for key in ("Q", "K", "V"): record(p + key, layer[key])
        for h, (scores, scaled, weights, o) in enumerate(layer["heads"]):
            hp = p + f"head{h + 1}."
            if full: record(hp + "scores", scores); record(hp + "scaled", scaled)
            record(hp + "weights", Labelled(weights, rows=tokens, cols=tokens))
            if full: record(hp + "output", o)
        if full:
            for key in ("concat", "attn_out", "attn_norm", "ffn_hidden", "ffn_out"): record(p + key, layer[key])
        record(p + "output", Labelled(layer["output"], rows=tokens))
    record("pooled", out["pooled"]); record("sentence", out["sentence"])
    hidden = {"hidden0": Labelled(out["embeddings.output"], rows=tokens)}
    for i, layer in enumerate(out["layers"]): hidden[f"hidden{i + 1}"] = Labelled(layer["output"], rows=tokens)
    hidden["hidden"] = hidden[f"hidden{len(out['layers'])}"]
    return out["sentence"], hidden

def sentences_step(model, lines, name="docs"):
    table = Labelled([sentence_vector(model, t) for t in lines], rows=lines)
    record("table", table)
    return table

def nearest_model_step(table, model, text, k=3):
    q = sentence_vector(model, text)
    t = np.asarray(table)
    scores = [cosine(row, q) for row in t]
    order = sorted(range(len(scores)), key=lambda i: -scores[i])[:k]
    ranking = Labelled([[scores[i]] for i in order], rows=[table.rows[i] for i in order], cols=["cosine"])
    record("ranking", ranking)
    return ranking

def similarity_model_step(model, pairs):
    result = None
    for a, b in pairs:
        result = float(cosine(sentence_vector(model, a), sentence_vector(model, b)))
        record(f"{a}~{b}", result)
    return result

# ---------------------------------------------------------------- gradient descent

def train_step(xs, ys, w=0.5, b=0.0, bias=False, lr=0.1, steps=10):
    """ŷ = w·x + b, loss = mean((ŷ − y)²), grad_w = mean(2(ŷ − y)·x), grad_b = mean(2(ŷ − y));
    row k of history holds the parameters before update k+1."""
    xs, ys = np.asarray(xs, dtype=float).reshape(-1), np.asarray(ys, dtype=float).reshape(-1)
    history = []
    for k in range(steps + 1):
        err = w * xs + b - ys
        loss = np.mean(err * err)
        grad_w = np.mean(2 * err * xs)
        grad_b = np.mean(2 * err)
        history.append([k, w, b, loss, grad_w, grad_b])
        if k == steps: break
        w = w - lr * grad_w
        if bias: b = b - lr * grad_b
    record("history", np.array(history)); record("w", w); record("b", b); record("loss", history[-1][3])
    return w, b

# ---------------------------------------------------------------- plot

def plot_column(value, column=None):
    """A series: a vector's numbers, or a column of a labelled matrix or table with the table's
    first column as x when that column rises strictly (a step or epoch column)."""
    if column is None:
        return np.asarray(value, dtype=float).reshape(-1), None
    if isinstance(value, Table):
        j = value.columns.index(column)
        ys = np.array([float(r[j]) for r in value.rows])
        first = np.array([float(r[0]) for r in value.rows]) if j > 0 and all(isinstance(r[0], (int, float)) for r in value.rows) else None
    else:
        j = list(value.cols).index(column)
        a = np.asarray(value, dtype=float)
        ys, first = a[:, j], (a[:, 0] if j > 0 else None)
    if first is not None and not (np.all(np.isfinite(first)) and np.all(np.diff(first) > 0)):
        first = None
    return ys, first

def plot_step(series, x=None):
    """`series`, one (label, x, y) row per point: x from x=, else the series' own step column,
    else 0, 1, …, n − 1."""
    rows = []
    for name, (ys, own) in series:
        xs = x[0] if x is not None else own if own is not None else np.arange(len(ys))
        rows.extend([name, float(xs[i]), float(y)] for i, y in enumerate(ys))
    table = Table(["series", "x", "y"], rows)
    record("series", table)
    return table

# ---------------------------------------------------------------- networks

ACTIVATIONS = {
    "linear": (lambda z: z, lambda z, a: np.ones_like(z)),
    "sigmoid": (lambda z: np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z)))),
                lambda z, a: a * (1 - a)),
    "relu": (lambda z: np.where(z > 0, z, 0.0), lambda z, a: (z > 0).astype(float)),
    "tanh": (np.tanh, lambda z, a: 1 - a * a),
}

def network_step(layers, activation="sigmoid", output="linear", seed=0, given=None):
    """Xavier-uniform W1, W2, … from one SplitMix64(seed) stream, biases 0; body lines replace."""
    g = splitmix64(seed)
    net = {"W": [], "b": [], "hidden": activation, "output": output}
    for n in range(1, len(layers)):
        net["W"].append(xavier(g, layers[n - 1], layers[n]))
        net["b"].append(np.zeros(layers[n]))
    for key, value in (given or {}).items():
        kind, n = key[0], int(key[1:]) - 1
        net[kind][n] = np.asarray(value, dtype=float).reshape(net[kind][n].shape)
    for n in range(len(net["W"])):
        record(f"W{n + 1}", net["W"][n]); record(f"b{n + 1}", net["b"][n])
    return net

def _forward(net, x):
    zs, as_ = [], []
    a = x
    for n, (W, b) in enumerate(zip(net["W"], net["b"])):
        act = net["output"] if n == len(net["W"]) - 1 else net["hidden"]
        z = a @ W + b
        a = ACTIVATIONS[act][0](z)
        zs.append(z); as_.append(a)
    return zs, as_

def forward_step(net, x):
    """z_n = a_(n−1)·W_n + b_n, a_n = act(z_n), one row per example."""
    x = np.atleast_2d(np.asarray(x, dtype=float))
    zs, as_ = _forward(net, x)
    for n, (z, a) in enumerate(zip(zs, as_)):
        record(f"z{n + 1}", z); record(f"a{n + 1}", a)
    return as_[-1]

def backprop_step(net, x, y, lr=0.1, epochs=1, loss="mse"):
    """Full-batch gradient descent; δ_L = 2(a_L − y)/(m·k) ⊙ act'(z_L) (mse) or (a_L − y)/(m·k)
    (bce), dW_n = a_(n−1)ᵀ·δ_n, db_n = Σ δ_n, δ_(n−1) = δ_n·W_nᵀ ⊙ act'(z_(n−1))."""
    x = np.atleast_2d(np.asarray(x, dtype=float))
    y = np.asarray(y, dtype=float).reshape(x.shape[0], -1)
    W, B = [w.copy() for w in net["W"]], [b.copy() for b in net["b"]]
    L = len(W)
    m, k = y.shape
    history = []
    def loss_of(a):
        if loss == "mse": return np.mean((a - y) ** 2)
        c = np.clip(a, 1e-12, 1 - 1e-12)
        return -np.mean(y * np.log(c) + (1 - y) * np.log(1 - c))
    for epoch in range(epochs + 1):
        zs, as_ = _forward({"W": W, "b": B, "hidden": net["hidden"], "output": net["output"]}, x)
        value = loss_of(as_[-1])
        history.append([epoch, value])
        if epoch == epochs: break
        if loss == "mse":
            delta = 2 * (as_[-1] - y) / (m * k) * ACTIVATIONS[net["output"]][1](zs[-1], as_[-1])
        else:
            delta = (as_[-1] - y) / (m * k)
        dW, dB = [None] * L, [None] * L
        for n in range(L - 1, -1, -1):
            prev = as_[n - 1] if n > 0 else x
            dW[n] = prev.T @ delta
            dB[n] = delta.sum(axis=0)
            if n > 0:
                delta = (delta @ W[n].T) * ACTIVATIONS[net["hidden"]][1](zs[n - 1], as_[n - 1])
        if epoch == 0:
            for n in range(L):
                record(f"z{n + 1}", zs[n]); record(f"a{n + 1}", as_[n])
            record("loss", value)
            for n in range(L - 1, -1, -1):
                record(f"dW_{n + 1}", dW[n]); record(f"db_{n + 1}", dB[n])
        W = [w - lr * d for w, d in zip(W, dW)]
        B = [b - lr * d for b, d in zip(B, dB)]
    record("history", np.array(history))
    for n in range(L):
        record(f"W{n + 1}", W[n]); record(f"b{n + 1}", B[n])
    return {"W": W, "b": B, "hidden": net["hidden"], "output": net["output"]}

# ---------------------------------------------------------------- text and tokens

def nfc(text):
    return unicodedata.normalize("NFC", text)

def graphemes(text):
    """Grapheme clusters, approximated: a combining mark, a variation selector, an emoji
    modifier, a zero-width joiner (and what follows it) or a conjoining Hangul jamo joins the
    character before it. Exact for composed Hangul, Latin, CJK and simple emoji."""
    out = []
    join_next = False
    for ch in text:
        cp = ord(ch)
        extend = (unicodedata.category(ch) in ("Mn", "Me", "Mc") or 0xFE00 <= cp <= 0xFE0F
                  or 0x1F3FB <= cp <= 0x1F3FF or cp == 0x200D or 0x1160 <= cp <= 0x11FF)
        if out and (extend or join_next):
            out[-1] += ch
        else:
            out.append(ch)
        join_next = cp == 0x200D
    return out

def whitespace_tokens(text):
    return nfc(text).split()

def char_tokens(text):
    return [g for g in graphemes(nfc(text)) if not g.isspace()]

def is_punctuation(ch):
    """BERT's _is_punctuation on the first code point."""
    cp = ord(ch[0])
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126: return True
    return unicodedata.category(ch[0]).startswith("P")

def bert_words(text):
    """Cased BERT's basic tokenizer on grapheme clusters: drop control and format characters,
    space out CJK ideographs, split on whitespace, split off punctuation."""
    words = []
    for chunk in bert_clean(text).split():
        current = ""
        for g in graphemes(chunk):
            if is_punctuation(g):
                if current: words.append(current); current = ""
                words.append(g)
            else:
                current += g
        if current: words.append(current)
    return words

def wordpiece_tokens(text, vocab, unk="[UNK]"):
    """Greedy longest match first per word; continuation pieces carry ##; no match → unk."""
    known = set(vocab)
    out = []
    for word in bert_words(text):
        chars = graphemes(word)
        if len(chars) > 100: out.append(unk); continue
        pieces, start = [], 0
        while start < len(chars):
            end, found = len(chars), None
            while start < end:
                piece = ("##" if start > 0 else "") + "".join(chars[start:end])
                if piece in known: found = piece; break
                end -= 1
            if found is None: pieces = None; break
            pieces.append(found); start = end
        out.extend(pieces if pieces is not None else [unk])
    return out

def bpe_symbols(word):
    s = graphemes(nfc(word))
    if s: s[-1] += "</w>"
    return s

def bpe_merge(symbols, left, right):
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and symbols[i] == left and symbols[i + 1] == right:
            out.append(left + right); i += 2
        else:
            out.append(symbols[i]); i += 1
    return out

def bpe_learn_step(corpus, merges):
    """subword-nmt's learn_bpe: pair counts weighted by word frequency, the most frequent pair
    merges first, ties to the largest (left, right) by code points, stop below two."""
    counts = {}
    for w in whitespace_tokens(corpus):
        counts[w] = counts.get(w, 0) + 1
    words = [[w, c, bpe_symbols(w)] for w, c in counts.items()]
    learned = []
    while len(learned) < merges:
        stats = {}
        for _, c, s in words:
            for pair in zip(s, s[1:]):
                stats[pair] = stats.get(pair, 0) + c
        if not stats: break
        best = max(stats, key=lambda p: (stats[p], p))
        if stats[best] < 2: break
        learned.append((best[0], best[1], stats[best]))
        for entry in words:
            entry[2] = bpe_merge(entry[2], *best)
    table = Table(["left", "right", "count"], learned)
    record("merges", table)
    segmented = {e[0]: e[2] for e in words}
    record("tokens", [t for w in whitespace_tokens(corpus) for t in segmented[w]])
    return table

def bpe_tokens(text, merges):
    """subword-nmt's apply_bpe: merge the earliest-learned pair present, until none is."""
    rank = {}
    for i, (l, r, _) in enumerate(merges.rows):
        rank.setdefault((l, r), i)
    out = []
    for word in whitespace_tokens(text):
        s = bpe_symbols(word)
        while len(s) > 1:
            present = [p for p in zip(s, s[1:]) if p in rank]
            if not present: break
            best = min(present, key=lambda p: rank[p])
            s = bpe_merge(s, *best)
        out.extend(s)
    return out

def tokenize_step(text, method="whitespace", vocab=None, merges=None, unk="[UNK]"):
    if method == "char": tokens = char_tokens(text)
    elif method == "wordpiece": tokens = wordpiece_tokens(text, vocab, unk)
    elif method == "bpe": tokens = bpe_tokens(text, merges)
    else: tokens = whitespace_tokens(text)
    record("tokens", tokens)
    if vocab is not None:
        index = {t: i for i, t in enumerate(vocab)}
        ids = [index[t] if t in index else index[unk] for t in tokens]
        record("ids", Tokens(tokens, ids))
        return Tokens(tokens, ids)
    return Tokens(tokens)

# ---------------------------------------------------------------- embeddings

def embeddings_step(pairs, name="E"):
    tokens = [nfc(t) for t, _ in pairs]
    table = Labelled([v for _, v in pairs], rows=tokens)
    record(name, table)
    return table

def lookup(table, tokens):
    index = {t: i for i, t in enumerate(table.rows)}
    return Labelled(np.asarray(table)[[index[t] for t in tokens]], rows=tokens)

def embed_step(table, text, pool="mean", method="whitespace"):
    tokens = char_tokens(text) if method == "char" else whitespace_tokens(text)
    record("tokens", tokens)
    vectors = lookup(table, tokens)
    record("vectors", vectors)
    v = np.asarray(vectors)
    sentence = v.mean(axis=0) if pool == "mean" else v.sum(axis=0) if pool == "sum" else vectors
    record("sentence", sentence)
    return sentence

def classify_step(table, training, held_out, lr=1.0, epochs=100, model=None):
    """Softmax regression on mean-pooled sentence vectors, from W = 0, b = 0:
    scores = X·W + b, P = softmax(scores), loss = −mean log P[i, label_i] (log-sum-exp),
    W ← W − lr·Xᵀ(P − Y)/n, b ← b − lr·mean(P − Y); history row k is before update k+1."""
    classes = []
    for label, _ in training:
        if label not in classes: classes.append(label)
    record("classes", Tokens(classes))
    def vectors(examples):
        if model is not None:  # model=: the encoder's sentence vectors
            return Labelled([np.asarray(sentence_vector(model, s)) for _, s in examples], rows=[s for _, s in examples])
        return Labelled([np.asarray(lookup(table, whitespace_tokens(s))).mean(axis=0) for _, s in examples],
                        rows=[s for _, s in examples])
    X = vectors(training)
    record("vectors", X)
    x = np.asarray(X)
    y = np.array([classes.index(l) for l, _ in training])
    n, c = x.shape[0], len(classes)
    W, b = np.zeros((x.shape[1], c)), np.zeros(c)
    def cross_entropy(s):
        top = s.max(axis=1)
        return float(np.mean(top + np.log(np.exp(s - top[:, None]).sum(axis=1)) - s[np.arange(n), y]))
    history = []
    for epoch in range(epochs + 1):
        s = x @ W + b
        history.append([epoch, cross_entropy(s), float(np.mean(np.argmax(s, axis=1) == y))])
        if epoch == epochs: break
        delta = softmax(s)
        delta[np.arange(n), y] -= 1
        W = W - lr / n * (x.T @ delta)
        b = b - lr / n * delta.sum(axis=0)
    record("history", Labelled(history, cols=["epoch", "loss", "accuracy"]))
    W, b = Labelled(W, rows=X.cols, cols=classes), Labelled(b)
    record("W", W); record("b", b)
    if not held_out: return W, b, W
    Xt = vectors(held_out)
    record("test_vectors", Xt)
    scores = Labelled(np.asarray(Xt) @ np.asarray(W) + np.asarray(b), rows=Xt.rows, cols=classes)
    record("scores", scores)
    probs = Labelled(softmax(np.asarray(scores)), rows=Xt.rows, cols=classes)
    record("probs", probs)
    predicted = np.argmax(np.asarray(scores), axis=1)
    truth = [classes.index(l) for l, _ in held_out]
    record("predictions", Table(["sentence", "predicted", "true", "right"],
        [[sent, classes[p], classes[t], "✓" if p == t else "✗"] for (_, sent), p, t in zip(held_out, predicted, truth)]))
    accuracy = float(np.mean(predicted == np.array(truth)))
    record("accuracy", accuracy)
    return W, b, accuracy

def similarity(a, b, metric="cosine"):
    a, b = np.asarray(a, dtype=float).reshape(-1), np.asarray(b, dtype=float).reshape(-1)
    if metric == "dot": return float(a @ b)
    if metric == "euclidean": return float(np.sqrt(np.sum((a - b) ** 2)))
    return float((a / np.sqrt(a @ a)) @ (b / np.sqrt(b @ b)))

def vector_of(item, table, value):
    """A table token's row, else the named vector (stepmark looks in the table first)."""
    if table is not None and getattr(table, "rows", None) and item in table.rows:
        return np.asarray(table)[table.rows.index(item)]
    return np.asarray(value, dtype=float).reshape(-1)

def query_item(word, table, value):
    """nearest's query: a table token (left out of its own ranking) or a vector; value is None
    when the word can only be a token (it is no expression: ##ing, 3d)."""
    if word in table.rows:
        return word, np.asarray(table)[table.rows.index(word)]
    if value is None: raise ValueError(f"nearest: {word!r} is not a token of the table")
    return None, np.asarray(value(), dtype=float).reshape(-1)

def similarity_step(pairs, metric="cosine", table=None):
    """pairs: (name_a, vector_a, name_b, vector_b); none: every pair of the table's rows."""
    if not pairs:
        m = np.asarray(table, dtype=float)
        n = m.shape[0]
        matrix = np.array([[similarity(m[i], m[j], metric) for j in range(n)] for i in range(n)])
        record("matrix", label(matrix, rows=table.rows, cols=table.rows))
        return matrix
    scores = []
    for a, va, b, vb in pairs:
        s = similarity(va, vb, metric)
        record(f"{a}~{b}", s)
        scores.append(s)
    return scores[0] if len(scores) == 1 else np.array(scores)

def nearest_step(table, query, k=3, metric="cosine", exclude=()):
    """Best first (highest cosine or dot, lowest distance); ties keep table order."""
    token, query = query
    exclude = set(exclude) | ({token} if token else set())
    m = np.asarray(table, dtype=float)
    candidates = [(t, similarity(query, m[i], metric)) for i, t in enumerate(table.rows) if t not in exclude]
    sign = 1 if metric == "euclidean" else -1
    ranked = sorted(candidates, key=lambda c: sign * c[1])[:k]
    column = {"cosine": "cosine", "dot": "dot", "euclidean": "distance"}[metric]
    ranking = Labelled([[s] for _, s in ranked], rows=[t for t, _ in ranked], cols=[column])
    record("ranking", ranking)
    return ranking

def project_step(table):
    """PCA by centred SVD; each principal axis (row of Vᵀ) is flipped so that its entry of
    largest magnitude is positive."""
    x = np.asarray(table, dtype=float)
    xc = x - x.mean(axis=0)
    u, s, vt = np.linalg.svd(xc, full_matrices=False)
    axes = vt[:2].copy()
    for i in range(axes.shape[0]):
        if axes[i, np.argmax(np.abs(axes[i]))] < 0: axes[i] = -axes[i]
    points = xc @ axes.T
    record("points", label(points, rows=table.rows, cols=["PC1", "PC2"]))
    record("explained", s[:2] ** 2 / np.sum(s ** 2))
    return points

def sinusoidal(n, d):
    """PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(p / 10000^(2i/d))."""
    pe = np.zeros((n, d))
    for p in range(n):
        for j in range(d):
            angle = p / 10000 ** ((j - j % 2) / d)
            pe[p, j] = math.sin(angle) if j % 2 == 0 else math.cos(angle)
    return pe

def layer_norm(x, eps=1e-5):
    mu = x.mean(axis=1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps)

def encode_step(table, text, positions="none", wq=None, wk=None, wv=None, heads=1, residual=False, norm=False):
    tokens = whitespace_tokens(text)
    record("tokens", tokens)
    x = np.asarray(lookup(table, tokens))
    record("embedded", x)
    if positions == "sinusoidal":
        x = x + sinusoidal(*x.shape)
        record("positioned", x)
    Q = x @ wq if wq is not None else x
    K = x @ wk if wk is not None else x
    V = x @ wv if wv is not None else x
    record("Q", Q); record("K", K); record("V", V)
    out = attention(Q, K, V, heads=heads)
    if residual:
        out = out + x
    if norm:
        out = layer_norm(out)
    record("context", out)
    return out

# ---------------------------------------------------------------- generation

def choose(logits, vocabulary, temperature, top, g):
    """T = 0: the largest logit (first on a tie); else sample softmax(logits / T) with one
    uniform u: the first token whose running sum of probabilities exceeds u."""
    probs = softmax(np.asarray(logits, dtype=float), temperature if temperature > 0 else 1.0)
    if temperature == 0:
        chosen = int(np.argmax(logits))
    else:
        u, total, chosen = next(g), 0.0, -1
        for i, p in enumerate(probs):
            total += p
            if u < total: chosen = i; break
        if chosen < 0: chosen = max(i for i, p in enumerate(probs) if p > 0)
    ranked = sorted(range(len(probs)), key=lambda i: (-probs[i], i))[:top]
    return vocabulary[chosen], Table(["token", "probability"], [[vocabulary[i], float(probs[i])] for i in ranked])

def generate_bigram_step(corpus, prompt, steps=5, temperature=0.0, seed=0, top=3, smoothing=0.0):
    """Counts of consecutive whitespace tokens within each line; logits = log P(next | last)."""
    vocabulary, index, counts = [], {}, {}
    for line in nfc(corpus).splitlines():
        previous = None
        for t in line.split():
            if t not in index: index[t] = len(vocabulary); vocabulary.append(t)
            if previous is not None: counts[(previous, index[t])] = counts.get((previous, index[t]), 0) + 1
            previous = index[t]
    n = len(vocabulary)
    # Only the pairs that occur, a row made when it is needed (as stepmark keeps them): a
    # dense n × n table of a 20,000-word corpus is 3.2 GB.
    followers = {}
    for (a, b), v in counts.items(): followers.setdefault(a, {})[b] = v
    def counts_after(i):
        row = np.zeros(n)
        for b, v in followers.get(i, {}).items(): row[b] = v
        return row
    g = splitmix64(seed)
    context = whitespace_tokens(prompt)
    for k in range(steps):
        row = counts_after(index[context[-1]]) if context[-1] in index else None
        if row is None or row.sum() + smoothing * n == 0: break
        p = (row + smoothing) / (row.sum() + smoothing * n)
        with np.errstate(divide="ignore"):
            logits = np.where(p > 0, np.log(np.where(p > 0, p, 1)), -np.inf)
        token, table = choose(logits, vocabulary, temperature, top, g)
        record(f"step{k + 1}", table)
        context.append(token)
    text = " ".join(context)
    record("text", text)
    return text

def generate_attention_step(table, prompt, steps=5, temperature=0.0, seed=0, top=3):
    """Causal self-attention over the context's embeddings (Q = K = V = X); logits = last
    output row · Eᵀ."""
    e = np.asarray(table, dtype=float)
    g = splitmix64(seed)
    context = whitespace_tokens(prompt)
    for k in range(steps):
        x = np.asarray(lookup(table, context))
        n = len(context)
        scaled = x @ x.T / math.sqrt(x.shape[1])
        scaled = np.where(np.triu(np.ones((n, n)), 1) > 0, -np.inf, scaled)
        out = softmax(scaled) @ x
        token, cand = choose(out[-1] @ e.T, table.rows, temperature, top, g)
        record(f"step{k + 1}", cand)
        context.append(token)
    text = " ".join(context)
    record("text", text)
    return text

# ---------------------------------------------------------------- pictures and alignment

SHADES = " .:-=+*#%@"

def image_step(rows):
    """Characters ` .:-=+*#%@` are 0, 1/9, …, 1 (dark to light); short rows pad with spaces."""
    if all(all(c in SHADES for c in r) for r in rows) and not all(_is_number_row(r) for r in rows):
        width = max(len(r) for r in rows)
        pixels = np.array([[SHADES.index(c) / 9 for c in r.ljust(width)] for r in rows])
    else:
        pixels = np.array([[float(v) for v in r.replace(",", " ").split()] for r in rows])
    record("pixels", pixels)
    return pixels

def _is_number_row(r):
    try:
        [float(v) for v in r.replace(",", " ").split()]
        return bool(r.split())
    except ValueError:
        return False

def stack_step(pictures, names):
    stacked = label(np.array([np.asarray(p).reshape(-1) for p in pictures]), rows=names)
    record("features", stacked)
    return stacked

def clip_forward(text, image, wt, wi, temperature):
    """A = T·Wt, B = I·Wi, rows scaled to unit length (U, V); logits S = U·Vᵀ / τ; P = row
    softmax, Q = column softmax; loss = ½ (mean −log P_ii + mean −log Q_jj)."""
    a, b = text @ wt, image @ wi
    u = a / np.linalg.norm(a, axis=1, keepdims=True)
    v = b / np.linalg.norm(b, axis=1, keepdims=True)
    logits = u @ v.T / temperature
    rows, cols = softmax(logits), softmax(logits.T).T
    n = logits.shape[0]
    # −log softmax from the max-shifted logits, as stepmark computes it.
    shifted_r = logits - logits.max(axis=1, keepdims=True)
    shifted_c = logits - logits.max(axis=0, keepdims=True)
    row_loss = np.mean(np.log(np.exp(shifted_r).sum(axis=1)) - np.diag(shifted_r))
    col_loss = np.mean(np.log(np.exp(shifted_c).sum(axis=0)) - np.diag(shifted_c))
    return dict(a=a, b=b, u=u, v=v, logits=logits, probs=rows, column_probs=cols, loss=(row_loss + col_loss) / 2)

def clip_gradients(text, image, wt, wi, temperature):
    """G = (P + Q − 2·Id) / (2n); ∂U = G·V / τ, ∂V = Gᵀ·U / τ; ∂a_i = (Id − u_i u_iᵀ) ∂u_i / |a_i|;
    ∂Wt = Tᵀ·∂A, ∂Wi = Iᵀ·∂B."""
    f = clip_forward(text, image, wt, wi, temperature)
    n = f["logits"].shape[0]
    g = (f["probs"] + f["column_probs"] - 2 * np.eye(n)) / (2 * n)
    gu, gv = g @ f["v"] / temperature, g.T @ f["u"] / temperature
    def through_norm(unit, grad, raw):
        dot = np.sum(unit * grad, axis=1, keepdims=True)
        return (grad - unit * dot) / np.linalg.norm(raw, axis=1, keepdims=True)
    return f, text.T @ through_norm(f["u"], gu, f["a"]), image.T @ through_norm(f["v"], gv, f["b"])

def align_step(text, image, wt=None, wi=None, temperature=0.07, steps=0, lr=0.1, seed=0):
    """CLIP-style alignment; a missing projection is the identity when its features already have
    the shared width d, else Xavier weights from one SplitMix64(seed) stream (wt before wi)."""
    text, image = np.asarray(text, dtype=float), np.asarray(image, dtype=float)
    d = wt.shape[1] if wt is not None else wi.shape[1] if wi is not None else min(text.shape[1], image.shape[1])
    g = splitmix64(seed)
    def default(fan_in):
        return np.eye(fan_in) if fan_in == d else xavier(g, fan_in, d)
    wt = np.asarray(wt, dtype=float) if wt is not None else default(text.shape[1])
    wi = np.asarray(wi, dtype=float) if wi is not None else default(image.shape[1])
    f = clip_forward(text, image, wt, wi, temperature)
    record("text_proj", f["u"]); record("image_proj", f["v"]); record("logits", f["logits"])
    record("probs", f["probs"]); record("loss", f["loss"])
    if steps == 0: return f["logits"]
    history = []
    for k in range(steps):
        fk, dwt, dwi = clip_gradients(text, image, wt, wi, temperature)
        history.append([k, fk["loss"]])
        wt, wi = wt - lr * dwt, wi - lr * dwi
    final = clip_forward(text, image, wt, wi, temperature)
    history.append([steps, final["loss"]])
    record("history", np.array(history)); record("wt", wt); record("wi", wi)
    record("logits_after", final["logits"]); record("probs_after", final["probs"]); record("loss_after", final["loss"])
    return final["logits"]

def embeddings_from_file(path, name, vocab=None):
    """GloVe / word2vec text (token v1 v2 … per line; a word2vec "count dim" header is skipped),
    or a .npy matrix whose rows the vocabulary labels."""
    path = os.path.join(LESSON_DIR, path)
    if path.endswith(".npy"):
        table = Labelled(np.load(path), rows=list(vocab))
    else:
        tokens, rows = [], []
        with open(path, encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if not parts or (len(parts) == 2 and not rows and all(p.isdigit() for p in parts)): continue
                tokens.append(nfc(parts[0])); rows.append([float(v) for v in parts[1:]])
        table = Labelled(rows, rows=tokens)
    record(name, table)
    return table
"""#

    /// Every top-level name the prelude defines (functions, classes, constants), so that a
    /// lesson value with the same name is renamed instead of hiding a helper.
    static let functionNames: Set<String> = {
        var names: Set<String> = []
        for line in source.split(separator: "\n") {
            for prefix in ["def ", "class "] where line.hasPrefix(prefix) {
                names.insert(String(line.dropFirst(prefix.count).prefix { $0.isLetter || $0.isNumber || $0 == "_" }))
            }
            if let first = line.first, first.isLetter || first == "_", let eq = line.firstIndex(of: "=") {
                let name = line[..<eq].trimmingHorizontalWhitespace()
                if name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) { names.insert(name) }
            }
        }
        return names
    }()
}
