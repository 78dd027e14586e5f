import Foundation
import StepmarkCore
import Testing
@testable import StepmarkLesson
import StepmarkRender

/// SPEC §8: StepmarkCore's errors (the kernels, tokenizers, models and file readers) are
/// Korean in a Korean lesson (`Phrasebook.coreErrorPhrases`), and English as thrown elsewhere.
@Suite struct KoreanCoreErrorsTests {
    /// Words a translated message may keep: argument keys and values, names from the lesson,
    /// function and directive names, file names and format words that are code.
    static let code: Set<String> = [
        "lr", "steps", "epochs", "heads", "scale", "top", "merges", "smoothing", "temperature", "epsilon", "layers",
        "loss", "bce", "output", "residual", "nearest", "train", "align", "generate", "text", "image", "wt", "wi",
        "cosine", "dot", "euclidean", "linear", "tanh", "fan_in", "fan_out", "max_tokens", "concat", "wo",
        "hidden_size", "num_attention_heads", "hidden_act", "gelu", "layer_norm_eps", "model_type", "bert", "vocab_size",
        "dtype", "data_offsets", "descr", "fortran_order", "True", "False", "shape", "arr", "astype", "npy", "csv",
        "float64", "float32", "int64", "int32", "word2vec", "NaN", "UTF", "seconds", "entries", "bytes", "file",
        "text_proj", "image_proj", "Wt", "Wi", "W_Q", "W_K", "W_V", "W_O", "d_t", "d_i", "softmax",
    ]

    static func english(_ korean: String, allowing extra: Set<String> = []) -> [String] {
        StringsTests.englishWords(korean, allowed: code.union(extra).union(KoreanErrorMessagesTests.words(of: "")))
    }

    /// Korean lessons that make StepmarkCore throw: each error, rendered as a Korean report
    /// renders it, keeps no English word but the lesson's own.
    @Test(arguments: [
        ("Q K columns", "```let\nQ = [[1, 2]]\nK = [[1, 2, 3]]\nV = K\n```\n\n```attend\n```\n"),
        ("causal", "```let\nQ = [[1, 2], [3, 4], [5, 6]]\nK = [[1, 2]]\nV = K\n```\n\n```attend mask=causal\n```\n"),
        ("K V rows", "```let\nQ = [[1, 2]]\nK = [[1, 2], [3, 4]]\nV = [[1, 2]]\n```\n\n```attend\n```\n"),
        ("cosine zero", "```embeddings\na: [0, 0]\nb: [1, 2]\n```\n\n```similarity\na b\n```\n"),
        ("pca two", "```embeddings\na: [1, 2]\n```\n\n```project\n```\n"),
        ("pca dims", "```embeddings\na: [1]\nb: [2]\n```\n\n```project\n```\n"),
        ("pca equal", "```embeddings\na: [0.1, 0.2]\nb: [0.1, 0.2]\nc: [0.1, 0.2]\n```\n\n```project\n```\n"),
        ("dot overflow", "```embeddings\na: [1e200, 2e200]\nb: [2e200, -1e200]\n```\n\n```similarity metric=dot\na b\n```\n"),
        ("pixel range", "```image name=p\n0.5 2\n```\n"),
        ("pixel word", "```image name=p\n0.5 x\n```\n"),
        ("pixel rows", "```image name=p\n0.5 0.5\n0.5\n```\n"),
        ("pixel character", "```image name=p\n#x\n```\n"),
        ("image sizes", "```image name=a\n##\n```\n\n```image name=b\n###\n```\n\n```image name=s stack=[a, b]\n```\n"),
        ("matmul", "```let\na = [[1, 2], [3, 4]]\nb = [[1, 2, 3]]\nc = a @ b\n```\n"),
        ("broadcast", "```let\na = [1, 2]\nb = [1, 2, 3]\nc = a + b\n```\n"),
        ("cosine length", "```let\nc = cosine([1, 2], [1, 2, 3])\n```\n"),
        ("matmul scalar", "```let\nx = [[1, 2], [3, 4]]\ny = x @ 2\n```\n"),
        ("matmul scalar left", "```let\nx = 2 @ [1, 2]\n```\n"),
        ("wo rows", "```let\nQ = [[1, 2], [3, 4]]\nK = Q\nV = Q\nwo = [[1, 2, 3]]\n```\n\n```attend wo=wo\n```\n"),
        ("distance overflow", "```embeddings\na: [1e308, -1e308]\nb: [-1e308, 1e308]\n```\n\n```similarity metric=euclidean\na b\n```\n"),
        ("token twice", "```let\nE = label([[1, 2], [3, 4]], rows=[\"a\", \"a\"])\n```\n\n```nearest table=E\n[1, 2]\n```\n"),
        ("softmax empty row", "```softmax\n[]\n```\n"),
        ("align width", "```let\nT = [[1, 0], [0, 1]]\nWt = [[1, 0], [0, 1]]\nWi = [[1], [0]]\n```\n\n```align text=T image=T wt=Wt wi=Wi\n```\n"),
        ("align zero row", "```let\nT = [[0, 0], [0, 1]]\n```\n\n```align text=T image=T\n```\n"),
        ("normalize zero", "```let\nc = normalize([0, 0])\n```\n"),
        ("normalize row", "```let\nc = normalize([[1, 2], [0, 0]])\n```\n"),
    ])
    func koreanLessonsShowCoreErrorsInKorean(_ name: String, _ lesson: String) {
        let report = runLesson("---\nlang: ko\n---\n" + lesson, path: "lesson.md")
        let messages = report.errors.map(\.message)
        let allowed = KoreanErrorMessagesTests.words(of: lesson)
        #expect(!messages.isEmpty, "\(name): no error")
        for m in messages {
            // The prefix the embedding directives add is not this file's to translate.
            let korean = Phrasebook.message(m, .korean)
                .replacingOccurrences(of: #"^'[^']*' is not a usable embedding table: "#, with: "", options: .regularExpression)
            #expect(Self.english(korean, allowing: allowed).isEmpty, "\(name): \(m)\n→ \(korean)")
        }
        let text = TerminalRenderer(color: false).render(report)
        #expect(text.contains("오류: "), "\(text)")
    }
    /// One example of every message StepmarkCore throws, as the lesson layer shows it (with
    /// the prefixes some directives add): each is translated, and no English word is left.
    static let samples: [String] = [
        // Attention gradients
        "the target must have the shape of the output: output is [3, 2], target is [3, 3]",
        "the target holds a number that is not finite",
        "the gradient of the output must have the output's shape: output is [3, 2], the gradient is [2]",
        "the gradient of the output holds a number that is not finite",
        "the backward pass needs a target or a gradient of the output",
        // Embedding tables, similarity, nearest, PCA, encode
        "'E' is not a usable embedding table: an embedding table needs a matrix (one row per token), got a scalar",
        "an embedding table needs at least one token",
        "'E' is not a usable embedding table: the embedding table has 3 tokens but the matrix has 2 rows ([2, 4]); they must match",
        "embedding vectors need at least one dimension",
        "embedding row 2 has an empty token",
        "token 'cat' appears twice in the embedding table (rows 1 and 3)",
        "embedding of 'cat' has a non-finite entry (inf)",
        "the vector of 'dog' (row 2) has 3 entries but the first row has 2",
        "there are no tokens to look up",
        "token 2 'cow' is not in the embedding table (it has 2 tokens: cat, dog)",
        "'cow' is not in the embedding table (it has 9 tokens: a, b, c, d, e, f, g, h, …)",
        "cosine compares two vectors, got [2, 2] and [2]",
        "euclidean needs vectors of the same length, got [2] and [3]",
        "the dot product is too large for a number (the vectors' entries are near 2e+200 and 1e+200); use cosine or smaller vectors",
        "the distance is too large for a number (two entries differ by more than 1.8e308)",
        "cosine of a zero vector is undefined (the first vector is all zeros)",
        "cosine of a zero vector is undefined (the second vector is all zeros)",
        "cosine of a zero vector is undefined (the query is all zeros)",
        "cosine of a zero vector is undefined ('y' is all zeros)",
        "k must be at least 1, got 0",
        "nearest needs one query vector, got [2, 2]",
        "the query has 3 entries but the table's vectors have 2",
        "the PCA coordinates are too large for numbers (the table's entries are near 1e+300); scale the table down",
        "Wq must have 4 rows (one per embedding dimension): X is [3, 4], Wq is [3, 4]",
        "residual needs the attention output and X to have the same shape: output is [3, 2], X is [3, 4]",
        // BERT models, behind the model directive's prefix and suffix
        "cannot load a BERT model from m: m/config.json is not a JSON object (run `make model` for all-MiniLM-L6-v2)",
        "cannot load a BERT model from m: cannot read m/config.json (run `make model` for all-MiniLM-L6-v2)",
        "cannot load a BERT model from m: m/config.json describes a 'unknown' model, not a BERT model (model_type \"bert\") (run `make model` for all-MiniLM-L6-v2)",
        "cannot load a BERT model from m: m/config.json describes a 'gpt2' model, not a BERT model (model_type \"bert\") (run `make model` for all-MiniLM-L6-v2)",
        "cannot load a BERT model from m: m/config.json has no positive whole number 'hidden_size' (run `make model` for all-MiniLM-L6-v2)",
        "cannot load a BERT model from m: m/config.json: hidden_size 10 is not a multiple of num_attention_heads 3 (run `make model` for all-MiniLM-L6-v2)",
        "cannot load a BERT model from m: m/config.json: hidden_act is 'relu'; stepmark runs BERT models with the exact GELU (\"gelu\") (run `make model` for all-MiniLM-L6-v2)",
        "cannot load a BERT model from m: m/config.json: layer_norm_eps must be a finite number ≥ 0 (run `make model` for all-MiniLM-L6-v2)",
        "cannot load a BERT model from m: m has no vocab.txt, so it is not a Hugging Face BERT folder (run `make model` for all-MiniLM-L6-v2)",
        "cannot load a BERT model from m: model.safetensors has no tensor 'embeddings.word_embeddings.weight' (run `make model` for all-MiniLM-L6-v2)",
        "cannot load a BERT model from m: model.safetensors: 'encoder.layer.0.attention.self.query.weight' has shape [4, 4] but config.json implies [8, 8] (run `make model` for all-MiniLM-L6-v2)",
        "cannot load a BERT model from m: vocab.txt has 10 tokens but config.json's vocab_size is 12 (run `make model` for all-MiniLM-L6-v2)",
        "cannot load a BERT model from m: the vocabulary has no [UNK] token, so it is not a BERT vocabulary (run `make model` for all-MiniLM-L6-v2)",
        "cannot load a BERT model from m: cannot read the vocabulary m/vocab.txt as UTF-8 text (run `make model` for all-MiniLM-L6-v2)",
        "cannot load a BERT model from m: the vocabulary m/vocab.txt is larger than 64 MB, the most a vocabulary may hold (run `make model` for all-MiniLM-L6-v2)",
        "token id 40000 is outside the model's vocabulary of 30522",
        "max_tokens must be at least 2 ([CLS] and [SEP]), got 1",
        // Safetensors
        "cannot load a BERT model from m: model.safetensors is not a valid safetensors file: it has 3 bytes, fewer than the 8 of the header length (run `make model` for all-MiniLM-L6-v2)",
        "model.safetensors is not a valid safetensors file: the header claims 99999999999 bytes, over the limit of 100000000",
        "model.safetensors is not a valid safetensors file: the header claims 100 bytes but only 20 follow (the file is truncated)",
        "model.safetensors is not a valid safetensors file: its header is not a JSON object",
        "model.safetensors is not a valid safetensors file: the entry of 'w' is not an object",
        "model.safetensors is not a valid safetensors file: 'w' has no dtype",
        "model.safetensors is not a valid safetensors file: 'w' has dtype BF16; stepmark reads F32, F64 and I64",
        "model.safetensors is not a valid safetensors file: 'w' has no shape list",
        "model.safetensors is not a valid safetensors file: 'w' has a shape entry that is not a size: -1",
        "model.safetensors is not a valid safetensors file: 'w' has a shape [100000, 100000] larger than the file",
        "model.safetensors is not a valid safetensors file: 'w' has no data_offsets [start, end]",
        "model.safetensors is not a valid safetensors file: 'w' has data_offsets that are not byte positions (whole numbers up to 2^53)",
        "model.safetensors is not a valid safetensors file: the header lists more than 65536 tensors",
        "model.safetensors is not a valid safetensors file: the header holds more than 1048576 values",
        "m/config.json is larger than 1024 KB, too large for a model's config.json",
        "model.safetensors is not a valid safetensors file: 'w' has data_offsets [8, 4] that run backwards",
        "model.safetensors is not a valid safetensors file: 'w' has data_offsets [0, 8] that overlap those of 'data' [0, 8]; every tensor has bytes of its own",
        "model.safetensors is not a valid safetensors file: 'w' ends at byte 80 of the data but the data has 40 bytes (the file is truncated)",
        "model.safetensors is not a valid safetensors file: 'w' is F32 of shape [2, 2] (16 bytes) but its data_offsets span 8 bytes",
        "elements 0..<10 are outside 'w', which has 4",
        // Linear regression
        "the learning rate lr must be a positive number, got 0",
        "steps must be 0 or more, got -1",
        "train needs at least one data point (x, y)",
        "train needs as many y values as x values, got 3 x and 2 y",
        "x value 2 is not a finite number (inf)",
        "y value 1 is not a finite number (nan)",
        "the initial w must be a finite number, got inf",
        "the initial b must be a finite number, got nan",
        // Alignment
        "lr must be a finite number, got inf",
        "training diverged after 3 steps: the loss is inf; try a smaller lr",
        "training diverged after 1 step: cannot normalise text_proj row 2 ('t2'): that row of T·Wt is not finite, so it has no direction",
        "cannot normalise image_proj row 1: that row of I·Wi is a zero vector, so it has no direction",
        "temperature must be a positive number, got 0",
        "text features must be a matrix with one row per pair, got [3]",
        "image features must be a matrix with one row per pair, got scalar",
        "align needs one image per text: text has 3 rows ([3, 4]) but image has 2 ([2, 4])",
        "align needs one image per text: text has 1 row ([1, 4]) but image has 2 ([2, 4])",
        "align needs at least one text–image pair, got none",
        "shape mismatch: wt is [3, 3] but text features are [3, 4]; wt needs 4 rows (d_t × d)",
        "shape mismatch: wi is [3, 3] but image features are [3, 4]; wi needs 4 rows (d_i × d)",
        "shape mismatch: wt is [4, 3] and wi is [4, 2]; both must project to the same width d",
        "the shared width d is 0: wt is [4, 0]",
        // Positional encoding
        "the number of positions must be 0 or more, got -1",
        "the positional encoding needs a dimension of at least 1, got 0",
        // Linear algebra
        "@ needs vectors or matrices, got scalar @ [2]; use * for scalars",
        "shape mismatch in @: [2] @ [1, 2] (inner dimensions 2 and 1 differ)",
        "shape mismatch in −: [2, 2] − [3] cannot be broadcast together",
        "cannot normalise the vector: it is a zero vector",
        "cannot normalise row 2 ('dog'): it holds an infinite or NaN entry",
        "cosine needs vectors of the same length (or matrices with equal columns), got [2] and [3]",
        // Multi-layer perceptron
        "a network needs at least two layers (inputs and outputs), got 1: layers=2",
        "layer 1 of layers=2,0,1 has 0 units; every layer needs at least 1",
        "a network needs at least one weight matrix W1",
        "the network has 2 weight matrices but 1 biases",
        "layers=2,3,1 needs 2 weight matrices, got 1",
        "layers=2,1 needs 1 weight matrix, got 2",
        "W1 must be a matrix (fan_in × fan_out), got a vector of shape [2]; write a column as [[…], […]]",
        "W2 must be a matrix (fan_in × fan_out), got scalar",
        "W1 has shape [2, 2] but layers=2,3,1 needs [2, 3]",
        "W1 has shape [2, 0]; every layer needs at least 1 unit",
        "W2 has shape [2, 1] but W1 has shape [2, 3]: W2 needs 3 rows, one per output of layer 1",
        "W1 contains a value that is not a finite number",
        "b2 contains a value that is not a finite number",
        "b1 has shape [2] but W1 has shape [2, 3]: b1 needs 3 entries, one per output of layer 1",
        "W3 does not exist: layers=2,3,1 has W1 … W2",
        "b3 does not exist: layers=2,3,1 has b1 … b2",
        "the hidden activation must be sigmoid, relu or tanh, got linear",
        "the output activation must be linear or sigmoid, got relu",
        "the network takes 2 inputs per example, got a scalar",
        "the network needs at least one input example",
        "the network takes 2 inputs per example (W1 has shape [2, 3]), but the inputs have shape [4, 3] (3 per example)",
        "the network takes 1 input per example (W1 has shape [1, 3]), but the inputs have shape [4, 2] (2 per example)",
        "input example 3 contains a value that is not a finite number (inf)",
        "the targets have shape [4] but the network gives 4 examples × 2 outputs: the targets need shape [4, 2]",
        "the targets have shape [2] but the network gives 1 example × 1 output: the targets need shape [1, 1]",
        "target of example 2 is not a finite number (nan)",
        "loss=bce needs a sigmoid output layer (output=sigmoid), this network's output is linear",
        "loss=bce needs targets between 0 and 1, example 2 has 3",
        "epochs must be at least 1, got 0",
        "epochs must be 0 or more, got -1",
        "the network's values overflow with these weights and inputs (the loss is inf); use smaller weights or inputs",
        // Softmax
        "softmax needs a vector or a matrix, got a scalar",
        "softmax of an empty row is undefined",
        "softmax input row 2 contains NaN",
        "softmax input row 1 contains +∞",
        "every entry is −∞ (fully masked), so softmax is undefined",
        "row 2 is −∞ everywhere (fully masked), so softmax is undefined",
        // Attention
        "Q and K need the same number of columns: Q is [1, 2], K is [1, 3]",
        "K and V need the same number of rows (one value per key): K is [2, 2], V is [1, 2]",
        "heads must be at least 1, got 0",
        "heads=3 must divide the widths of Q/K (4) and V (4)",
        "Q and K have no columns",
        "scale must be a finite number, got inf",
        "causal mask with 3 queries and 1 keys leaves query row 1 with no key to attend to (fully masked)",
        "shape mismatch: concat is [3, 4] but wo is [2, 2]; wo needs 4 rows",
        // Softmax regression
        "the examples have 3 columns but the classifier was trained on vectors of 2",
        "a classifier needs at least one example with at least one number",
        "3 examples but 2 labels",
        "a classifier needs at least two classes, got 1",
        "a label is not one of the 2 classes",
        "training diverged at epoch 4: the scores overflowed; lower lr",
        "training diverged at epoch 5: lower lr",
        // Generation
        "corpus: the bigram model needs a corpus with at least one token",
        "smoothing must be a finite number ≥ 0, got -1",
        "generate needs a prompt of at least one token",
        "top must be at least 1, got 0",
        "temperature must be a finite number ≥ 0 (0 means always the most probable token), got -1",
        "temperature must be a finite number ≥ 0, got nan",
        "cannot generate from an empty vocabulary",
        "3 logits for a vocabulary of 4 tokens",
        // Tokenizers
        "vocabulary entry 2 is an empty token",
        "vocabulary token 'the' appears twice (entries 1 and 3); ids must be unique",
        "token 2 'dog' is not in the vocabulary, and neither is the unknown token '[UNK]' to stand in for it",
        "token 2 'dog' is not in the vocabulary",
        "merges must be 0 or more, got -1",
        "the frequency of 'low' must be positive, got 0",
        // Limits
        "the lesson ran over its time limit of 10 s while computing the 500×500 covariance of a PCA (raise it with --max-seconds)",
        "the lesson ran over its time limit of 10 s while computing the 900×900 Gram matrix of a PCA (raise it with --max-seconds)",
        "the lesson ran over its time limit of 10 s while computing the eigenvectors of a 900×900 matrix (PCA) (raise it with --max-seconds)",
        "the lesson ran over its time limit of 0.5 s while computing a 1000×1000 @ 1000×1000 matrix product (raise it with --max-seconds)",
        "the lesson ran over its time limit of 10 s while computing the weights W2 of the network (raise it with --max-seconds)",
        "the lesson ran over its time limit of 10 s while computing layer 3 of the network (raise it with --max-seconds)",
        "the lesson ran over its time limit of 10 s while computing the gradients of layer 1 of the network (raise it with --max-seconds)",
        "the lesson ran over its time limit of 10 s while computing attention head 2 of 4 (raise it with --max-seconds)",
        "the lesson ran over its time limit of 10 s while computing the values of the network (raise it with --max-seconds)",
        "the lesson ran over its time limit of 10 s while computing '@' (raise it with --max-seconds)",
        "the lesson ran over its time limit of 10 s while computing exp() (raise it with --max-seconds)",
        "the lesson ran over its time limit of 10 s while computing .T (raise it with --max-seconds)",
        "the lesson ran over its time limit of 10 s while computing '-' (raise it with --max-seconds)",
        "the lesson ran over its time limit of 10 s while computing '[ ]' (raise it with --max-seconds)",
        "the scores (300 queries × 400 keys) would have 120000 entries, over the limit of 100000 (raise it with --max-entries)",
        "the scores of 8 heads (8 × 300 × 400) would have 960000 entries, over the limit of 100000 (raise it with --max-entries)",
        "an empty value of shape [100000000, 0] is over the limit of 1000000 entries: each of its 100000000 rows or columns counts as one (raise it with --max-entries)",
        "this step failed; its message is hidden until the answers are published, since it may quote a value an exercise asks for",
        "there is a problem in a part of the lesson only the teacher sees",
        // Files
        "'data' is a directory, not a file",
        "'pipe.txt' is a FIFO (named pipe), not a regular file; only regular files are read",
        "'zero' is a character device, not a regular file; only regular files are read",
        "'disk' is a block device, not a regular file; only regular files are read",
        "'sock' is a socket, not a regular file; only regular files are read",
        "'odd' is a special file, not a regular file; only regular files are read",
        "'/proc/self/environ' is a file of the kernel's /proc (it may hold this process's secrets), not a regular file; only regular files are read",
        "'big.csv' is larger than the limit of 1000 bytes (raise it with --max-file-bytes)",
        "big.csv holds more than 1000 numbers, over the limit of 1000 entries (raise it with --max-entries)",
        "'glove.txt' is not UTF-8 text",
        "cannot load 'weights.txt': expected a .npy or .csv file",
        // .npy
        "w.npy is not a .npy file: it should start with the bytes \\x93NUMPY",
        "w.npy ends inside its header",
        "w.npy uses .npy format version 4.0; stepmark reads versions 1.0, 2.0 and 3.0",
        "w.npy ends inside its header (the header says 118 bytes, the file has 20 after the preamble)",
        "w.npy has a header that is not valid text",
        "w.npy: the header has no 'descr' string (the dtype), e.g. 'descr': '<f8'",
        "w.npy: the header has no 'fortran_order' True/False",
        "w.npy: the header has no 'shape' tuple, e.g. 'shape': (3, 2)",
        "w.npy holds dtype '<c16'; stepmark reads little-endian float64 '<f8', float32 '<f4', int64 '<i8' and int32 '<i4' (save with arr.astype('<f8'))",
        "w.npy holds an array of shape (2, 3, 4); stepmark handles scalars, vectors and matrices (at most 2 dimensions)",
        "w.npy has a negative dimension in its shape",
        "w.npy declares a shape too large to hold",
        "w.npy is truncated: shape (3, 2) of '<f8' needs 48 bytes of data, the file has 16",
        "w.npy has a malformed header: expected ':' at character 9, found 'x'",
        "w.npy has a malformed header: expected a quoted string at character 2, found 'x'",
        "w.npy has a malformed header: expected a closing quote at character 12, found the end of the header",
        "w.npy has a malformed header: expected a non-negative integer in the shape at character 40, found '-'",
        "w.npy has a malformed header: expected a string, a tuple, True or False at character 30, found 'n'",
        "w.npy has a shape dimension too large to hold: 99999999999999999999 is over 9223372036854775807",
        "w.npy has a shape dimension too large to hold: 12345678901234567890… (30 digits) is over 9223372036854775807",
        // .csv and word vectors
        "x.csv has no rows of numbers",
        "x.csv has a header row but no rows of numbers",
        "x.csv line 3: expected 2 fields like line 1, found 3",
        "x.csv line 2, field 2: expected a number, found 'abc'",
        "x.csv line 2, field 2: '1e999' is too large for a number (beyond ±1.8e308)",
        "x.csv line 1: expected 3 fields like the header on line 1, found 2 numbers after the row label",
        "x.csv line 2: expected 3 fields like the header on line 1, found 2 numbers",
        "x.csv line 4: a quoted field is not closed",
        "glove.txt has no word vectors",
        "glove.txt: the word2vec header on line 1 announces 3 vectors of dimension 2, but 2 rows follow",
        "glove.txt has a header but no word vectors",
        "glove.txt line 1: expected a token followed by its numbers, found only 'cat'",
        "glove.txt line 3: expected a token and 2 numbers like line 1, found 3 numbers",
        "glove.txt line 3: token 'cat' already has a vector on line 1",
        "glove.txt line 2, field 3: expected a finite number, found 'inf'",
        // Pictures
        "line 2, column 3: unknown pixel character 'x' (U+0078); use the ramp \" .:-=+*#%@\" (dark to light) or numbers in [0, 1]",
        "the picture is empty: write one row of pixels per line",
        "line 1, column 5: 'x' is not a number (a picture containing digits is read as numbers in [0, 1] separated by spaces or commas)",
        "pixel value 2 is outside [0, 1]",
        "line 2 has 1 pixel but line 1 has 2: every row of a numeric picture needs the same number of values",
        "no images to stack",
        "image 'b' is [1, 3] but image 'a' is [1, 2]: every image must have the same size",
        // Training attention
        "training needs at least one example",
        "the initial weights hold a number that is not finite",
        "the inputs X hold a number that is not finite",
        "the loss of the initial weights is not a finite number",
        "X must be a matrix with one token per row, got [3]",
        "W_K must have one row per column of X (3): X is [3, 3], W_K is [2, 2]",
        "W_Q and W_K need the same number of columns (queries meet keys): W_Q is [3, 2], W_K is [3, 3]",
        "W_O must have one row per column of W_V (2): W_V is [3, 2], W_O is [3, 3]",
        "the target must be 3 × 2 (one row per token of X, one column per output), got [2, 2]",
        // Layer norm
        "layer norm needs a vector or a matrix, got scalar",
        "epsilon must be a finite number ≥ 0, got -1",
        "the layer norm weight has 3 entries but the rows have 4",
        "the layer norm bias has 2 entries but the rows have 4",
        "layer norm of row 2 divides by zero: its entries are equal and epsilon is 0",
    ]

    @Test func everyCoreMessageIsKorean() {
        var left: [String] = []
        for english in Self.samples {
            let korean = Phrasebook.message(english, .korean)
            // The prefixes and suffixes other areas add (`cannot load a BERT model from`,
            // `is not a usable embedding table`, `corpus:`) are not this file's to translate.
            let core = korean
                .replacingOccurrences(of: #"^cannot load a BERT model from \S+: "#, with: "", options: .regularExpression)
                .replacingOccurrences(of: " (run `make model` for all-MiniLM-L6-v2)", with: "")
                .replacingOccurrences(of: " (all-MiniLM-L6-v2는 `make model`로 받으세요)", with: "")
                .replacingOccurrences(of: #"^'E' is not a usable embedding table: "#, with: "", options: .regularExpression)
            // The samples' own names and values: tensors, tokens, files, numbers as Swift writes them.
            let words = Self.english(core, allowing: [
                "Wq", "Wt", "Wi", "relu", "sigmoid", "cat", "dog", "cow", "low", "the", "abc", "corpus", "inf", "nan",
                "embeddings", "encoder", "layer", "self", "query", "weight", "data", "pipe", "zero", "disk", "sock", "odd",
                "big", "glove", "weights", "proc", "environ",
            ])
            if !words.isEmpty || korean == english { left.append("\(english)\n    → \(korean)\n    English left: \(words)") }
        }
        #expect(left.isEmpty, "\(left.count) of \(Self.samples.count) messages keep English words:\n\(left.joined(separator: "\n"))")
    }

    @Test func someTranslationsExactly() {
        #expect(Phrasebook.message("Q and K need the same number of columns: Q is [1, 2], K is [1, 3]", .korean)
                == "Q와 K는 열 수가 같아야 합니다: Q는 [1, 2], K는 [1, 3]입니다")
        #expect(Phrasebook.message("shape mismatch in @: [2, 2] @ [1, 3] (inner dimensions 2 and 1 differ)", .korean)
                == "@의 모양이 맞지 않습니다: [2, 2] @ [1, 3] (안쪽 차원 2과(와) 1이(가) 다릅니다)")
        // A limit names the flag that raises it.
        #expect(Phrasebook.message("the lesson ran over its time limit of 10 s while computing the 500×500 covariance of a PCA (raise it with --max-seconds)", .korean)
                == "주성분 분석의 500×500 공분산을 계산하다가 강의의 시간 한도 10초를 넘었습니다(--max-seconds로 한도를 올릴 수 있습니다)")
        #expect(Phrasebook.message("the scores (300 queries × 400 keys) would have 120000 entries, over the limit of 100000 (raise it with --max-entries)", .korean)
                == "점수(쿼리 300개 × 키 400개)의 항목이 120000개가 되어 한도 100000을(를) 넘습니다(--max-entries로 한도를 올릴 수 있습니다)")
        #expect(Phrasebook.message("'big.csv' is larger than the limit of 1000 bytes (raise it with --max-file-bytes)", .korean)
                == "'big.csv'이(가) 한도 1000바이트보다 큽니다(--max-file-bytes로 한도를 올릴 수 있습니다)")
        // A prefix Core adds and the message it wraps are translated each on its own.
        #expect(Phrasebook.message("training diverged after 1 step: cannot normalise image_proj row 1: that row of I·Wi is a zero vector, so it has no direction", .korean)
                == "1단계 뒤 학습이 발산했습니다: image_proj의 1행을(를) 정규화할 수 없습니다: I·Wi의 그 행이 영벡터라서 방향이 없습니다")
        // What the .npy header should have held, with its particle.
        #expect(Phrasebook.message("w.npy has a malformed header: expected a closing quote at character 12, found the end of the header", .korean)
                == "w.npy의 헤더 형식이 잘못되었습니다: 12번째 문자에 닫는 따옴표가 와야 하는데 헤더가 끝났습니다")
        // The system's reason (strerror, Foundation) stays as the system wrote it.
        #expect(Phrasebook.message("'w.npy' cannot be read: Permission denied", .korean) == "'w.npy'을(를) 읽을 수 없습니다: Permission denied")
        #expect(Phrasebook.message("cannot read m/model.safetensors: The file could not be opened.", .korean)
                == "m/model.safetensors을(를) 읽을 수 없습니다: The file could not be opened.")
        // A shape that is a scalar is Korean too.
        #expect(Phrasebook.message("X must be a matrix with one token per row, got scalar", .korean) == "X는 행마다 토큰 하나인 행렬이어야 하는데 스칼라입니다")
    }

    @Test func englishLessonsKeepTheMessagesAsThrown() {
        for m in Self.samples { #expect(Phrasebook.message(m, .english) == m) }
        let report = runLesson("```let\nQ = [[1, 2]]\nK = [[1, 2, 3]]\nV = K\n```\n\n```attend\n```\n")
        #expect(report.errors.map(\.message) == ["Q and K need the same number of columns: Q is [1, 2], K is [1, 3]"])
        #expect(TerminalRenderer(color: false).render(report).contains("Q and K need the same number of columns"))
    }

    /// Files a lesson loads with load(): the readers' errors reach the report in Korean.
    @Test func loadedFileErrorsAreKorean() throws {
        let folder = try temporaryFolder([
            "bad.npy": "hello, not numpy",
            "bad.csv": "a,b\n1,x\n",
            "ragged.csv": "1,2\n3\n",
        ])
        try FileManager.default.createDirectory(atPath: folder + "/dir.csv", withIntermediateDirectories: true)
        for (file, expected) in [("bad.npy", "bad.npy은(는) .npy 파일이 아닙니다"), ("bad.csv", "bad.csv 2번째 줄, 2번째 필드: 숫자가 와야 하는데 'x'이(가) 있습니다"),
                                 ("ragged.csv", "ragged.csv 2번째 줄: 1번째 줄처럼 필드가 2개여야 하는데 1개입니다"),
                                 ("dir.csv", "'dir.csv'은(는) 파일이 아니라 폴더입니다")] {
            let lesson = "---\nlang: ko\n---\n```let\nx = load(\"\(file)\")\n```\n"
            let report = runLesson(lesson, path: folder + "/lesson.md")
            let messages = report.errors.map { Phrasebook.message($0.message, .korean) }
            #expect(messages.contains { $0.hasPrefix(expected) }, "\(file): \(report.errors.map(\.message)) → \(messages)")
            for m in messages { #expect(Self.english(m, allowing: KoreanErrorMessagesTests.words(of: lesson)).isEmpty, "\(m)") }
        }
    }
    /// A model folder that is not a BERT model: the loader's reasons are Korean; the
    /// directive's frame around them (`cannot load a BERT model from …`) is not this file's.
    @Test func modelLoaderErrorsAreKorean() throws {
        let config = #"{"model_type": "bert", "hidden_size": 4, "num_hidden_layers": 1, "num_attention_heads": 3, "intermediate_size": 8, "max_position_embeddings": 8, "type_vocab_size": 1, "vocab_size": 5}"#
        let folder = try temporaryFolder([
            "empty/.keep": "",
            "notjson/config.json": "[1]", "notjson/model.safetensors": "x", "notjson/vocab.txt": "a\n",
            "gpt/config.json": #"{"model_type": "gpt2"}"#, "gpt/model.safetensors": "x", "gpt/vocab.txt": "a\n",
            "heads/config.json": config, "heads/model.safetensors": "x", "heads/vocab.txt": "a\n",
            "vocab/config.json": config.replacingOccurrences(of: #""num_attention_heads": 3"#, with: #""num_attention_heads": 2"#),
            "vocab/model.safetensors": "x", "vocab/vocab.txt": "a\n",
            "weights/config.json": config.replacingOccurrences(of: #""num_attention_heads": 3"#, with: #""num_attention_heads": 2"#),
            "weights/model.safetensors": "xyz", "weights/vocab.txt": "[PAD]\n[UNK]\n[CLS]\n[SEP]\na\n",
        ])
        let expected = [
            ("empty", "에 config.json이(가) 없으므로 허깅페이스 BERT 폴더가 아닙니다"),
            ("notjson", "config.json은(는) JSON 객체가 아닙니다"),
            ("gpt", "config.json은(는) BERT 모델이 아니라 'gpt2' 모델을 설명합니다"),
            ("heads", "config.json: hidden_size 4은(는) num_attention_heads 3의 배수가 아닙니다"),
            ("vocab", "어휘에 [UNK] 토큰이 없으므로 BERT 어휘가 아닙니다"),
            ("weights", "model.safetensors은(는) 올바른 safetensors 파일이 아닙니다: 3바이트뿐이라 헤더 길이를 적는 8바이트보다 짧습니다"),
        ]
        for (name, korean) in expected {
            let lesson = "---\nlang: ko\n---\n```model from=\"\(name)\" name=m\n```\n"
            let report = runLesson(lesson, path: folder + "/lesson.md")
            let messages = report.errors.map { Phrasebook.message($0.message, .korean) }
            #expect(messages.contains { $0.contains(korean) }, "\(name): \(report.errors.map(\.message)) → \(messages)")
        }
    }
}
