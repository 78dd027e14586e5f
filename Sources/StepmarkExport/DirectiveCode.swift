import FoundationEssentials
import StepmarkLesson

/// One directive's step, as the code generator sees it: its arguments and body, with helpers
/// that turn them into Python source.
struct StepSource {
    let step: Step

    var body: [BodyLine] { step.block.body }
    var bodyText: String { step.block.bodyText }
    /// Body lines that are neither blank nor a `# ` comment (the token directives' rule).
    var meaningfulLines: [BodyLine] {
        body.filter { line in
            let t = line.text.trimmingWhitespace()
            if t.isEmpty { return false }
            guard t.hasPrefix("#") else { return true }
            let rest = t.dropFirst()
            return !(rest.isEmpty || rest.first!.isWhitespace)
        }
    }

    func raw(_ key: String) -> ArgValue? { step.arguments.first { $0.key == key }?.value }
    func has(_ key: String) -> Bool { raw(key) != nil }

    /// An argument as a Python literal, or `fallback` when it is not written.
    func value(_ key: String, _ fallback: String) -> String { raw(key).map(Python.argument) ?? fallback }

    /// An argument as a number literal (`2` → `2.0`).
    func number(_ key: String, _ fallback: Double) -> String {
        if case .number(let x, _)? = raw(key) { return Python.number(x) }
        return Python.number(fallback)
    }

    func integer(_ key: String, _ fallback: Int) -> String {
        if case .number(let x, _)? = raw(key) { return String(Int(x)) }
        return String(fallback)
    }

    func bool(_ key: String) -> String {
        guard let v = raw(key) else { return "False" }
        return v.description == "true" ? "True" : "False"
    }

    /// A word argument naming a lesson value, as the Python variable (default when absent).
    func name(_ key: String, _ fallback: String) -> String { Python.name(word(key) ?? fallback) }

    /// The text of a word or string argument.
    func word(_ key: String) -> String? {
        switch raw(key) {
        case .word(let w)?, .string(let w)?: w
        case .number(_, let text)?: text
        default: nil
        }
    }

    /// Names of a `key=[a, b]` (or `key=a`) argument.
    func names(_ key: String) -> [String] {
        switch raw(key) {
        case .list(let items)?: items.map(Self.text)
        case .some(let v): [Self.text(v)]
        case nil: []
        }
    }

    /// A word, string or number as written (a list as its source text).
    static func text(_ value: ArgValue) -> String {
        switch value {
        case .word(let w), .string(let w): w
        case .number(_, let text): text
        case .list: value.description
        }
    }

    /// One expression over the given body lines.
    func expression(_ lines: [BodyLine], startOffset: Int = 0) throws -> String {
        try ExpressionTranslator.python(try ExprParser.parse(lines, startOffset: startOffset))
    }

    /// `NAME = EXPR` statements; an expression continues over lines while a bracket is open.
    func assignments() throws -> [(name: String, python: String)] {
        var out: [(String, String)] = []
        var k = 0
        let lines = body
        while k < lines.count {
            let text = lines[k].text
            let trimmed = text.trimmingWhitespace()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { k += 1; continue }
            guard let equals = text.firstIndex(of: "=") else { throw ExportGap(message: "a line without '=' in an assignment block") }
            let name = text[..<equals].trimmingWhitespace()
            let offset = text.distance(from: text.startIndex, to: equals) + 1
            var end = k
            var depth = Self.bracketDepth(String(text[text.index(after: equals)...]))
            while depth > 0, end + 1 < lines.count {
                end += 1
                depth += Self.bracketDepth(lines[end].text)
            }
            out.append((name, try expression(Array(lines[k...end]), startOffset: offset)))
            k = end + 1
        }
        return out
    }

    /// Opened minus closed brackets, outside strings and comments.
    static func bracketDepth(_ text: String) -> Int {
        var depth = 0, inString = false, escaped = false
        for c in text {
            if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                continue
            }
            switch c {
            case "\"": inString = true
            case "#": return depth
            case "(", "[": depth += 1
            case ")", "]": depth -= 1
            default: break
            }
        }
        return depth
    }
}

/// The Python of one directive: the statements, the expression holding the step's result, and
/// the name the directive stores it under by default (SPEC §3 "stores").
struct DirectiveCode {
    var lines: [String]
    var result: String?
    var stores: [String]
}

/// The code generator of every directive: one function each. Adding a directive is adding one
/// entry here (and, when it needs one, a helper in the prelude).
enum DirectiveCoders {
    typealias Coder = @Sendable (StepSource) throws -> DirectiveCode

    static let all: [String: Coder] = [
        "let": letCode, "show": showCode, "softmax": softmaxCode, "attend": attendCode,
        "corpus": corpusCode, "vocab": vocabCode, "tokenize": tokenizeCode, "bpe": bpeCode,
        "embeddings": embeddingsCode, "embed": embedCode, "similarity": similarityCode,
        "nearest": nearestCode, "project": projectCode, "encode": encodeCode, "generate": generateCode,
        "train": trainCode, "network": networkCode, "forward": forwardCode, "backprop": backpropCode,
        "image": imageCode, "align": alignCode, "classify": classifyCode,
        "train_attention": trainAttentionCode,
        "model": modelCode, "transformer": transformerCode, "sentences": sentencesCode,
        "plot": plotCode,
    ]

    /// `plot`: each line `label: NAME` or `NAME` (NAME a vector or `TABLE.column`) becomes a
    /// (label, plot_column(...)) pair; `plot_step` builds the same series table as stepmark.
    static func plotCode(_ s: StepSource) throws -> DirectiveCode {
        func column(_ ref: String) -> String {
            guard let dot = ref.firstIndex(of: ".") else { return "plot_column(\(Python.name(ref)))" }
            return "plot_column(\(Python.name(String(ref[..<dot]))), \(Python.string(String(ref[ref.index(after: dot)...]))))"
        }
        var pairs: [String] = []
        for line in s.step.block.body {
            var text = line.text.trimmingWhitespace()
            if text.isEmpty || text.hasPrefix("#") { continue }
            var label: String? = nil
            if let colon = text.firstIndex(of: ":") {
                label = text[..<colon].trimmingWhitespace()
                text = String(text[text.index(after: colon)...])
            }
            if let hash = text.firstIndex(of: "#") { text = String(text[..<hash]) }
            let ref = text.trimmingWhitespace()
            pairs.append("(\(Python.string(label ?? ref)), \(column(ref)))")
        }
        let x = s.word("x").map(column) ?? "None"
        return DirectiveCode(lines: ["result = plot_step([\(pairs.joined(separator: ", "))], x=\(x))"], result: "result", stores: [])
    }

    /// The model is a Python dict (config, vocabulary, float64 weights) under name= (model).
    static func modelCode(_ s: StepSource) throws -> DirectiveCode {
        let name = s.name("name", "model")
        return DirectiveCode(lines: ["\(name) = model_step(\(Python.string(s.word("from") ?? "")))"], result: name, stores: [])
    }

    static func transformerCode(_ s: StepSource) throws -> DirectiveCode {
        let text = s.step.block.contentLines.map(\.text).joined(separator: "\n")
        let layers = s.names("layers")
        let chosen = layers.isEmpty || layers == ["all"] ? "None" : "[" + layers.joined(separator: ", ") + "]"
        return DirectiveCode(lines: ["result, hidden_layers = transformer_step(\(s.name("model", "model")), \(Python.string(text)), layers=\(chosen), full=\(s.word("record") == "full" ? "True" : "False"), max_tokens=\(s.integer("max_tokens", 256)))",
                                     "globals().update(hidden_layers)"],
                             result: "result", stores: ["sentence"])
    }

    static func sentencesCode(_ s: StepSource) throws -> DirectiveCode {
        let lines = s.meaningfulLines.map { Python.string($0.text.trimmingWhitespace()) }
        let name = s.word("name") ?? "docs"
        return DirectiveCode(lines: ["result = sentences_step(\(s.name("model", "model")), [\(lines.joined(separator: ", "))])"],
                             result: "result", stores: [name])
    }

    /// The trained matrices are stored back under the names of wq=/wk=/wv=/wo= (or wq, wk, wv,
    /// wo), only those in learn=; the step's result is the final loss.
    static func trainAttentionCode(_ s: StepSource) throws -> DirectiveCode {
        let xs = s.has("x") ? s.names("x") : ["X"]
        let targets = s.names("target")
        let keys = ["wq", "wk", "wv", "wo"]
        let learn = s.word("learn") ?? (s.has("wo") ? "qkvo" : "qkv")
        var call = "trained, result = train_attention_step([\(xs.map(Python.name).joined(separator: ", "))], \(Python.tokens(xs)), [\(targets.map(Python.name).joined(separator: ", "))]"
        for key in keys where s.has(key) { call += ", \(key)=\(s.name(key, key))" }
        call += ", learn=\(Python.string(learn)), lr=\(s.number("lr", 0.1)), epochs=\(s.integer("epochs", 100)), mask=\(s.value("mask", "\"none\"")), heads=\(s.integer("heads", 1))"
        if s.has("record") { call += ", record_epochs=[\(s.names("record").joined(separator: ", "))]" }
        if s.has("scale") { call += ", scale=\(s.number("scale", 1))" }
        var lines = [call + ")"]
        for key in keys where learn.contains(key.last!) && (key != "wo" || s.has("wo")) {
            lines.append("\(s.name(key, key)) = trained[\(Python.string(key))]")
        }
        return DirectiveCode(lines: lines, result: "result", stores: [])
    }

    /// `LABEL: sentence` lines; those after a `---` line are held out.
    static func classifyCode(_ s: StepSource) throws -> DirectiveCode {
        var training: [String] = [], heldOut: [String] = []
        var held = false
        for line in s.meaningfulLines {
            let text = line.text.trimmingWhitespace()
            if text == "---" { held = true; continue }
            guard let colon = line.text.firstIndex(of: ":") else { throw ExportGap(message: "a classify line without ':'") }
            let label = String(line.text[..<colon]).trimmingWhitespace()
            let sentence = String(line.text[line.text.index(after: colon)...]).trimmingWhitespace().canonicallyComposed
            let pair = "(\(Python.string(label)), \(Python.string(sentence)))"
            if held { heldOut.append(pair) } else { training.append(pair) }
        }
        return DirectiveCode(lines: ["\(s.name("weights", "W_cls")), \(s.name("bias", "b_cls")), result = classify_step(\(s.has("model") ? "None" : s.name("table", "E")), [\(training.joined(separator: ", "))], [\(heldOut.joined(separator: ", "))], lr=\(s.number("lr", 1)), epochs=\(s.integer("epochs", 100))\(s.has("model") ? ", model=" + s.name("model", "model") : ""))"],
                                 result: "result", stores: [])
    }

    static func letCode(_ s: StepSource) throws -> DirectiveCode {
        var lines: [String] = []
        var last: String? = nil
        for (name, python) in try s.assignments() {
            let v = Python.name(name)
            lines.append("\(v) = \(python)")
            lines.append("record(\(Python.string(name)), \(v))")
            last = v
        }
        return DirectiveCode(lines: lines, result: last, stores: [])
    }

    /// `show`: each line is a name or an expression (`X[0] + 1`, `X.shape`), recorded under its
    /// text up to any `#`, as stepmark does; an expression is computed into `result` first.
    static func showCode(_ s: StepSource) throws -> DirectiveCode {
        var lines: [String] = []
        var last: String? = nil
        for line in s.body {
            let trimmed = line.text.trimmingWhitespace()
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            let name = line.text.split(separator: "#", maxSplits: 1).first.map { $0.trimmingWhitespace() } ?? ""
            let python = try s.expression([line])
            if python == Python.name(name) {
                lines.append("record(\(Python.string(name)), \(python))")
                last = python
            } else {
                lines += ["result = \(python)", "record(\(Python.string(name)), result)"]
                last = "result"
            }
        }
        return DirectiveCode(lines: lines, result: last, stores: [])
    }

    static func softmaxCode(_ s: StepSource) throws -> DirectiveCode {
        let x = try s.expression(s.step.block.contentLines)
        return DirectiveCode(lines: ["result = softmax_step(\(x), temperature=\(s.number("temperature", 1)), axis=\(s.value("axis", "\"row\"")))"],
                             result: "result", stores: ["output"])
    }

    static func attendCode(_ s: StepSource) throws -> DirectiveCode {
        var lines: [String] = []
        for (name, python) in try s.assignments() { lines.append("\(Python.name(name)) = \(python)") }
        let q = s.name("q", "Q"), k = s.name("k", "K"), v = s.name("v", "V")
        var call = "result = attention(\(q), \(k), \(v), mask=\(s.value("mask", "\"none\"")), heads=\(s.integer("heads", 1))"
        if s.has("scale") { call += ", scale=\(s.number("scale", 1))" }
        if s.has("wo") { call += ", wo=\(s.name("wo", "wo"))" }
        lines.append(call + ")")
        // The backward pass (SPEC §3 "Attention gradients"), after the forward values.
        if s.has("target") || s.has("grad") || s.has("jacobian_row") {
            var back = "attention_backward(\(q), \(k), \(v), mask=\(s.value("mask", "\"none\"")), heads=\(s.integer("heads", 1))"
            if s.has("scale") { back += ", scale=\(s.number("scale", 1))" }
            if s.has("wo") { back += ", wo=\(s.name("wo", "wo"))" }
            if s.has("target") { back += ", target=\(s.name("target", "target"))" }
            if s.has("grad") { back += ", grad=\(s.name("grad", "grad"))" }
            if s.has("jacobian_row") { back += ", jacobian_row=\(s.integer("jacobian_row", 0))" }
            lines.append(back + ")")
        }
        return DirectiveCode(lines: lines, result: "result", stores: ["output"])
    }

    static func corpusCode(_ s: StepSource) throws -> DirectiveCode {
        DirectiveCode(lines: ["result = \(Python.string(s.bodyText))", "record(\"text\", result)"],
                      result: "result", stores: [s.word("name") ?? "corpus"])
    }

    static func vocabCode(_ s: StepSource) throws -> DirectiveCode {
        let text = s.meaningfulLines.map(\.text).joined(separator: "\n")
        return DirectiveCode(lines: ["tokens = whitespace_tokens(\(Python.string(text)))",
                                     "result = Tokens(tokens, ids=list(range(len(tokens))))", "record(\"tokens\", result)"],
                             result: "result", stores: [s.word("name") ?? "vocab"])
    }

    static func tokenizeCode(_ s: StepSource) throws -> DirectiveCode {
        let method = s.word("method") ?? "whitespace"
        if method == "bert" {
            return DirectiveCode(lines: ["result = bert_tokenize_step(\(s.name("model", "model")), \(Python.string(s.bodyText)))"],
                                 result: "result", stores: ["tokens"])
        }
        var call = "result = tokenize_step(\(Python.string(s.bodyText)), method=\(Python.string(method))"
        if method == "wordpiece" || s.has("vocab") { call += ", vocab=\(s.name("vocab", "vocab"))" }
        if method == "bpe" { call += ", merges=\(s.name("merges", "merges"))" }
        if s.has("unk") { call += ", unk=\(s.value("unk", "\"[UNK]\""))" }
        return DirectiveCode(lines: [call + ")"], result: "result", stores: ["tokens"])
    }

    static func bpeCode(_ s: StepSource) throws -> DirectiveCode {
        let text = s.step.block.contentLines.isEmpty ? Python.name("corpus") : Python.string(s.bodyText)
        return DirectiveCode(lines: ["result = bpe_learn_step(\(text), merges=\(s.integer("merges", 0)))"],
                             result: "result", stores: [s.word("name") ?? "merges"])
    }

    static func embeddingsCode(_ s: StepSource) throws -> DirectiveCode {
        let name = s.word("name") ?? "E"
        if s.has("from") {
            let path = Python.string(s.word("from") ?? "")
            let vocab = s.name("vocab", "vocab")
            return DirectiveCode(lines: ["result = embeddings_from_file(\(path), \(Python.string(name)), vocab=globals().get(\(Python.string(vocab))))"],
                                 result: "result", stores: [name])
        }
        var pairs: [String] = []
        for line in s.meaningfulLines {
            let chars = Array(line.text)
            var k = 0
            while k < chars.count, chars[k].isWhitespace { k += 1 }
            var token = ""
            if k < chars.count, chars[k] == "\"" {
                k += 1
                while k < chars.count, chars[k] != "\"" {
                    if chars[k] == "\\", k + 1 < chars.count { k += 1 }
                    token.append(chars[k]); k += 1
                }
                k += 1
                while k < chars.count, chars[k] != ":" { k += 1 }
            } else {
                let start = k
                while k < chars.count, chars[k] != ":" { k += 1 }
                token = String(chars[start..<k]).trimmingWhitespace()
            }
            let vector = try s.expression([line], startOffset: k + 1)
            pairs.append("(\(Python.string(token)), \(vector))")
        }
        return DirectiveCode(lines: ["result = embeddings_step([\n    " + pairs.joined(separator: ",\n    ") + "], \(Python.string(name)))"],
                             result: "result", stores: [name])
    }

    static func embedCode(_ s: StepSource) throws -> DirectiveCode {
        let text = s.step.block.contentLines.map(\.text).joined(separator: "\n")
        return DirectiveCode(lines: ["result = embed_step(\(s.name("table", "E")), \(Python.string(text)), pool=\(s.value("pool", "\"mean\"")), method=\(s.value("method", "\"whitespace\"")))"],
                             result: "result", stores: ["sentence"])
    }

    /// An item that is a table token or the name of a vector, decided as stepmark does: the
    /// table first.
    static func item(_ word: String, table: String) -> String {
        "vector_of(\(Python.string(word)), globals().get(\(Python.string(table))), globals().get(\(Python.string(Python.name(word)))))"
    }

    static func similarityCode(_ s: StepSource) throws -> DirectiveCode {
        let table = s.name("table", "E")
        let metric = s.value("metric", "\"cosine\"")
        let lines = s.meaningfulLines
        if s.has("model") {
            // `a | b` lines: the cosine of the two sentence vectors.
            let pairs = try lines.map { line -> String in
                let parts = line.text.components(separatedBy: "|")
                guard parts.count == 2 else { throw ExportGap(message: "a similarity model= line without one '|'") }
                return "(\(Python.string(parts[0].trimmingWhitespace())), \(Python.string(parts[1].trimmingWhitespace())))"
            }
            return DirectiveCode(lines: ["result = similarity_model_step(\(s.name("model", "model")), [\(pairs.joined(separator: ", "))])"],
                                 result: "result", stores: [])
        }
        if lines.isEmpty {
            return DirectiveCode(lines: ["result = similarity_step([], metric=\(metric), table=\(table))"], result: "result", stores: [])
        }
        var pairs: [String] = []
        for line in lines {
            let words = line.text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
            guard words.count == 2 else { throw ExportGap(message: "a similarity line without two items") }
            let (a, b) = (words[0].canonicallyComposed, words[1].canonicallyComposed)
            pairs.append("(\(Python.string(a)), \(item(a, table: table)), \(Python.string(b)), \(item(b, table: table)))")
        }
        return DirectiveCode(lines: ["result = similarity_step([\n    " + pairs.joined(separator: ",\n    ") + "], metric=\(metric))"],
                             result: "result", stores: [])
    }

    static func nearestCode(_ s: StepSource) throws -> DirectiveCode {
        let table = s.name("table", "E")
        let lines = s.meaningfulLines
        if s.has("model") {
            let text = lines.map { $0.text.trimmingWhitespace() }.joined(separator: " ")
            return DirectiveCode(lines: ["result = nearest_model_step(\(table), \(s.name("model", "model")), \(Python.string(text)), k=\(s.integer("k", 3)))"],
                                 result: "result", stores: [])
        }
        var query: String
        let single = lines.count == 1 ? lines[0].text.split(whereSeparator: { $0.isWhitespace }).map(String.init) : []
        if single.count == 1 {
            let word = single[0].canonicallyComposed
            query = "query_item(\(Python.string(word)), \(table), lambda: globals()[\(Python.string(Python.name(word)))])"
            if word.first.map({ !($0.isLetter || $0 == "_") }) == true {
                // stepmark looks in the table first: a word that is no expression (`##ing`,
                // `3d`) can only be a table token there, so the notebook needs no vector for it.
                let vector = (try? s.expression(lines)).map { "lambda: \($0)" } ?? "None"
                query = "query_item(\(Python.string(word)), \(table), \(vector))"
            }
        } else {
            query = "(None, \(try s.expression(lines)))"
        }
        let exclude = Python.tokens(s.names("exclude").map { $0.canonicallyComposed })
        return DirectiveCode(lines: ["result = nearest_step(\(table), \(query), k=\(s.integer("k", 3)), metric=\(s.value("metric", "\"cosine\"")), exclude=\(exclude))"],
                             result: "result", stores: [])
    }

    static func projectCode(_ s: StepSource) throws -> DirectiveCode {
        DirectiveCode(lines: ["result = project_step(\(s.name("table", "E")))"], result: "result", stores: [])
    }

    static func encodeCode(_ s: StepSource) throws -> DirectiveCode {
        let text = s.step.block.contentLines.map(\.text).joined(separator: "\n")
        var call = "result = encode_step(\(s.name("table", "E")), \(Python.string(text)), positions=\(s.value("positions", "\"none\"")), heads=\(s.integer("heads", 1)), residual=\(s.bool("residual")), norm=\(s.bool("norm"))"
        for key in ["wq", "wk", "wv"] where s.has(key) { call += ", \(key)=\(s.name(key, key))" }
        return DirectiveCode(lines: [call + ")"], result: "result", stores: ["context"])
    }

    static func generateCode(_ s: StepSource) throws -> DirectiveCode {
        let prompt = Python.string(s.step.block.contentLines.map(\.text).joined(separator: "\n"))
        let common = "steps=\(s.integer("steps", 5)), temperature=\(s.number("temperature", 0)), seed=\(s.integer("seed", 0)), top=\(s.integer("top", 3))"
        let call: String
        if s.word("model") == "attention" {
            call = "result = generate_attention_step(\(s.name("table", "E")), \(prompt), \(common))"
        } else {
            call = "result = generate_bigram_step(\(s.name("corpus", "corpus")), \(prompt), \(common), smoothing=\(s.number("smoothing", 0)))"
        }
        return DirectiveCode(lines: [call], result: "result", stores: ["text"])
    }

    /// `x=`/`y=`: a number, a list or a name.
    static func series(_ s: StepSource, _ key: String) -> String {
        switch s.raw(key) {
        case .word(let w)?: Python.name(w)
        case .some(let v): Python.argument(v)
        case nil: "None"
        }
    }

    static func trainCode(_ s: StepSource) throws -> DirectiveCode {
        var xs = series(s, "x"), ys = series(s, "y")
        let data = s.meaningfulLines
        if !data.isEmpty {
            let pairs = data.map { $0.text.split(whereSeparator: { $0.isWhitespace || $0 == "," }).compactMap { Double($0) } }
            xs = Python.list(pairs.map { Python.number($0.first ?? .nan) })
            ys = Python.list(pairs.map { Python.number($0.count > 1 ? $0[1] : .nan) })
        }
        var lines = ["result, _ = train_step(\(xs), \(ys), w=\(s.number("w", 0.5)), b=\(s.number("b", 0)), bias=\(s.bool("bias")), lr=\(s.number("lr", 0.1)), steps=\(s.integer("steps", 10)))"]
        // history=NAME keeps the run's history table, its columns named as stepmark's.
        if let history = s.word("history") {
            lines.append("\(Python.name(history)) = label(step_values[\"history\"], cols=[\"step\", \"w\", \"b\", \"loss\", \"grad_w\", \"grad_b\"])")
        }
        return DirectiveCode(lines: lines, result: "result", stores: ["w"])
    }

    static func networkCode(_ s: StepSource) throws -> DirectiveCode {
        let layers: String
        switch s.raw("layers") {
        case .list(let items)?: layers = Python.list(items.map(\.description))
        case .number(_, let text)?, .word(let text)?: layers = "[" + text + "]"
        default: layers = "None"
        }
        let given = try s.assignments().map { "\(Python.string($0.name)): \($0.python)" }
        return DirectiveCode(lines: ["result = network_step(\(layers), activation=\(s.value("activation", "\"sigmoid\"")), output=\(s.value("output", "\"linear\"")), seed=\(s.integer("seed", 0)), given={\(given.joined(separator: ", "))})"],
                             result: "result", stores: [s.word("name") ?? "net"])
    }

    /// Example rows: numbers separated by spaces or commas, or (when the first word is not a
    /// number) one expression.
    static func rows(_ s: StepSource, _ lines: [BodyLine]) throws -> String {
        let first = lines.first?.text.split(whereSeparator: { $0.isWhitespace || $0 == "," }).first.map(String.init) ?? ""
        if Double(first) == nil { return try s.expression(lines) }
        let rows = lines.map { line in
            Python.list(line.text.split(whereSeparator: { $0.isWhitespace || $0 == "," }).map { Python.number(Double($0) ?? .nan) })
        }
        return "np.array(" + Python.list(rows) + ")"
    }

    static func forwardCode(_ s: StepSource) throws -> DirectiveCode {
        let net = s.name("net", "net")
        // Stored under its own name (a2 for two layers) and under output (CHOICES.md).
        return DirectiveCode(lines: ["result = forward_step(\(net), \(try rows(s, s.meaningfulLines)))",
                                     "globals()[f\"a{len(\(net)['W'])}\"] = result"],
                             result: "result", stores: ["output"])
    }

    static func backpropCode(_ s: StepSource) throws -> DirectiveCode {
        var inputs: [String] = [], targets: [String] = []
        for line in s.meaningfulLines {
            let parts = line.text.components(separatedBy: "->")
            guard parts.count == 2 else { throw ExportGap(message: "a backprop line without '->'") }
            func numbers(_ t: String) -> String {
                Python.list(t.split(whereSeparator: { $0.isWhitespace || $0 == "," }).map { Python.number(Double($0) ?? .nan) })
            }
            inputs.append(numbers(parts[0])); targets.append(numbers(parts[1]))
        }
        let net = s.name("net", "net")
        return DirectiveCode(lines: ["result = backprop_step(\(net), np.array(\(Python.list(inputs))), np.array(\(Python.list(targets))), lr=\(s.number("lr", 0.1)), epochs=\(s.integer("epochs", 1)), loss=\(s.value("loss", "\"mse\"")))"],
                             result: "result", stores: [s.word("net") ?? "net"])
    }

    static func imageCode(_ s: StepSource) throws -> DirectiveCode {
        let name = s.word("name") ?? "image"
        if s.has("stack") {
            let names = s.names("stack")
            return DirectiveCode(lines: ["result = stack_step([\(names.map(Python.name).joined(separator: ", "))], \(Python.tokens(names)))"],
                                 result: "result", stores: [name])
        }
        // Leading and trailing blank lines are not rows; inner rows keep their spaces (dark).
        var rows = s.body.map(\.text)
        while rows.first?.trimmingWhitespace().isEmpty == true { rows.removeFirst() }
        while rows.last?.trimmingWhitespace().isEmpty == true { rows.removeLast() }
        return DirectiveCode(lines: ["result = image_step([\n    " + rows.map(Python.string).joined(separator: ",\n    ") + "])"],
                             result: "result", stores: [name])
    }

    static func alignCode(_ s: StepSource) throws -> DirectiveCode {
        let image: String
        if case .list = s.raw("image") {
            image = "np.array([np.asarray(p).reshape(-1) for p in [\(s.names("image").map(Python.name).joined(separator: ", "))]])"
        } else {
            image = s.name("image", "image")
        }
        let wt = s.has("wt") ? s.name("wt", "wt") : "None", wi = s.has("wi") ? s.name("wi", "wi") : "None"
        var lines = ["result = align_step(\(s.name("text", "text")), \(image), wt=\(wt), wi=\(wi), temperature=\(s.number("temperature", 0.07)), steps=\(s.integer("steps", 0)), lr=\(s.number("lr", 0.1)), seed=\(s.integer("seed", 0)))"]
        if s.integer("steps", 0) != "0" {
            // The trained projections are stored back under their names (CHOICES.md).
            lines.append("\(s.name("wt", "wt")), \(s.name("wi", "wi")) = step_values[\"wt\"], step_values[\"wi\"]")
        }
        return DirectiveCode(lines: lines, result: "result", stores: ["logits"])
    }
}
