"""An independent numpy float64 forward pass of a Hugging Face BERT folder (BertModel, then
sentence-transformers' mean pooling and L2 normalisation), used by the Swift tests.

    python3 reference.py MODEL_DIR "text" [max_tokens] > values.json

It reads model.safetensors with struct/json (no safetensors library), tokenizes with a port
of transformers' BertTokenizer (BasicTokenizer + WordpieceTokenizer), and prints every
sub-step of SPEC §3's `transformer` as JSON.
"""
import json, math, os, struct, sys, unicodedata
import numpy as np


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


def tokenize(text, vocab, lower=True, strip=None, chinese=True, max_tokens=256):
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
    text = unicodedata.normalize("NFC", "".join(cleaned))
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


def layer_norm(x, w, b, eps):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def gelu(x):
    erf = np.vectorize(math.erf)
    return x * 0.5 * (1.0 + erf(x / math.sqrt(2.0)))


def main():
    folder, text = sys.argv[1], sys.argv[2]
    max_tokens = int(sys.argv[3]) if len(sys.argv) > 3 else 256
    config = json.load(open(os.path.join(folder, "config.json")))
    tconf = {}
    if os.path.exists(os.path.join(folder, "tokenizer_config.json")):
        tconf = json.load(open(os.path.join(folder, "tokenizer_config.json")))
    vocab = {}
    with open(os.path.join(folder, "vocab.txt"), encoding="utf-8") as f:
        for i, line in enumerate(f.read().split("\n")):
            if line or i == 0:
                vocab[line.rstrip("\r")] = i
    normalized, words, tokens, ids = tokenize(
        text, vocab, tconf.get("do_lower_case", True) is not False, tconf.get("strip_accents"),
        tconf.get("tokenize_chinese_chars", True) is not False, min(max_tokens, config["max_position_embeddings"]))
    W = read_safetensors(os.path.join(folder, "model.safetensors"))
    eps = config["layer_norm_eps"]
    H = config["num_attention_heads"]
    d = config["hidden_size"] // H
    n = len(ids)
    out = {"normalized": normalized, "words": words, "tokens": tokens, "ids": ids}
    x = W["embeddings.word_embeddings.weight"][ids] + W["embeddings.position_embeddings.weight"][:n] \
        + W["embeddings.token_type_embeddings.weight"][0]
    x = layer_norm(x, W["embeddings.LayerNorm.weight"], W["embeddings.LayerNorm.bias"], eps)
    out["embeddings.output"] = x.tolist()

    def lin(name, a):
        return a @ W[name + ".weight"].T + W[name + ".bias"]

    for L in range(config["num_hidden_layers"]):
        p = "encoder.layer.%d." % L
        k = "layer%d." % (L + 1)
        Q, K, V = lin(p + "attention.self.query", x), lin(p + "attention.self.key", x), lin(p + "attention.self.value", x)
        out[k + "Q"], out[k + "K"], out[k + "V"] = Q.tolist(), K.tolist(), V.tolist()
        heads = []
        for h in range(H):
            q, kk, v = Q[:, h * d:(h + 1) * d], K[:, h * d:(h + 1) * d], V[:, h * d:(h + 1) * d]
            scores = q @ kk.T
            scaled = scores / math.sqrt(d)
            e = np.exp(scaled - scaled.max(axis=1, keepdims=True))
            weights = e / e.sum(axis=1, keepdims=True)
            o = weights @ v
            hk = k + "head%d." % (h + 1)
            out[hk + "scores"], out[hk + "scaled"] = scores.tolist(), scaled.tolist()
            out[hk + "weights"], out[hk + "output"] = weights.tolist(), o.tolist()
            heads.append(o)
        concat = np.concatenate(heads, axis=1)
        attn_out = lin(p + "attention.output.dense", concat)
        attn_norm = layer_norm(attn_out + x, W[p + "attention.output.LayerNorm.weight"], W[p + "attention.output.LayerNorm.bias"], eps)
        hidden = gelu(lin(p + "intermediate.dense", attn_norm))
        ffn_out = lin(p + "output.dense", hidden)
        x = layer_norm(ffn_out + attn_norm, W[p + "output.LayerNorm.weight"], W[p + "output.LayerNorm.bias"], eps)
        for name, value in [("concat", concat), ("attn_out", attn_out), ("attn_norm", attn_norm),
                            ("ffn_hidden", hidden), ("ffn_out", ffn_out), ("output", x)]:
            out[k + name] = value.tolist()
    pooled = x.mean(axis=0)
    out["pooled"] = pooled.tolist()
    out["sentence"] = (pooled / max(np.linalg.norm(pooled), 1e-12)).tolist()
    json.dump(out, sys.stdout)


main()
