"""Writes tiny-bert/: a random BERT in the Hugging Face layout of all-MiniLM-L6-v2 (same
tensor names, an I64 position_ids buffer and an unused pooler), small enough to commit.

    python3 make_tiny_bert.py    # rewrites tiny-bert/ next to this script (seeded: same bytes)
"""
import json, os, struct
import numpy as np

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tiny-bert")
os.makedirs(here, exist_ok=True)
rng = np.random.default_rng(20261203)
hidden, heads, layers, ffn, positions = 8, 2, 2, 16, 16
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ",", "!", "the", "river", "bank", "money",
         "i", "sat", "on", "at", "de", "##posit", "##ed", "un", "##aff", "##able", "cafe", "##s",
         "ᄋ", "##ᅳ", "##ᆫ", "ᄒ", "##ᅢ", "##ᆼ", "中", "文"]
tensors = {}

def add(name, *shape, scale=0.5):
    tensors[name] = (rng.standard_normal(shape) * scale).astype(np.float32)

add("embeddings.word_embeddings.weight", len(vocab), hidden)
add("embeddings.position_embeddings.weight", positions, hidden)
add("embeddings.token_type_embeddings.weight", 2, hidden)
tensors["embeddings.LayerNorm.weight"] = (1 + rng.standard_normal(hidden) * 0.1).astype(np.float32)
add("embeddings.LayerNorm.bias", hidden, scale=0.1)
for L in range(layers):
    p = "encoder.layer.%d." % L
    for part, o, i in [("attention.self.query", hidden, hidden), ("attention.self.key", hidden, hidden),
                       ("attention.self.value", hidden, hidden), ("attention.output.dense", hidden, hidden),
                       ("intermediate.dense", ffn, hidden), ("output.dense", hidden, ffn)]:
        add(p + part + ".weight", o, i)
        add(p + part + ".bias", o, scale=0.1)
    for norm in ["attention.output.LayerNorm", "output.LayerNorm"]:
        tensors[p + norm + ".weight"] = (1 + rng.standard_normal(hidden) * 0.1).astype(np.float32)
        add(p + norm + ".bias", hidden, scale=0.1)
add("pooler.dense.weight", hidden, hidden)
add("pooler.dense.bias", hidden)
tensors["embeddings.position_ids"] = np.arange(positions, dtype=np.int64).reshape(1, positions)

header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
for name in sorted(tensors):
    a = tensors[name]
    raw = a.astype("<i8" if a.dtype == np.int64 else "<f4").tobytes()
    header[name] = {"dtype": "I64" if a.dtype == np.int64 else "F32", "shape": list(a.shape),
                    "data_offsets": [offset, offset + len(raw)]}
    blobs.append(raw)
    offset += len(raw)
text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * (-len(text) % 8)
with open(os.path.join(here, "model.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
with open(os.path.join(here, "vocab.txt"), "w", encoding="utf-8") as f:
    f.write("\n".join(vocab) + "\n")
json.dump({"architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu", "hidden_size": hidden,
           "num_attention_heads": heads, "num_hidden_layers": layers, "intermediate_size": ffn,
           "max_position_embeddings": positions, "type_vocab_size": 2, "vocab_size": len(vocab),
           "layer_norm_eps": 1e-12}, open(os.path.join(here, "config.json"), "w"), indent=2)
json.dump({"do_lower_case": True, "strip_accents": None, "tokenize_chinese_chars": True},
          open(os.path.join(here, "tokenizer_config.json"), "w"), indent=2)
