import StepmarkCore

/// The embedding table stored under `name`: a matrix whose rows are labelled by tokens, as the
/// `embeddings` directive makes it (or a `let` with `label(M, rows=[…])`).
///
/// - Throws: a `LessonError` at `position` when the name is undefined (with a "did you mean"),
///   when the value is not a matrix, when its rows carry no token labels, or when the labels
///   do not make a valid table (a repeated token, a non-finite entry).
func embeddingTable(named name: String, in context: StepContext, at position: SourcePosition) throws -> EmbeddingTable {
    let t = try context.tensor(named: name, .matrix, at: position) {
        "'\(name)' must be an embedding table (a matrix with one labelled row per token), but it is \($0)"
    }
    guard let labels = t.rowLabels, labels.count == t.rows else {
        throw LessonError("'\(name)' is a \(t.rows)×\(t.cols) matrix without token labels on its rows; make it with an embeddings block, or label it: label(\(name), rows=[\"…\", …])", at: position)
    }
    do {
        return try EmbeddingTable(tokens: labels, matrix: t)
    } catch let e as TensorError {
        throw LessonError("'\(name)' is not a usable embedding table: \(e.message)", at: position)
    }
}

/// The table named by the directive's `table=` argument (default `E`), reported at that
/// argument (or at the info string when it was not written).
func embeddingTable(_ context: StepContext, key: String = "table", default defaultName: String = "E") throws -> EmbeddingTable {
    let name = try context.args.name(key, default: defaultName)!
    let at = context.args.has(key) ? context.args.position(of: key) : context.block.infoPosition
    return try embeddingTable(named: name, in: context, at: at)
}

/// "'x' is not in the embedding table E; did you mean 'y'? (the table has n tokens: …)": the
/// message of every directive that looks words up in a table (`embed`, `classify`).
func unknownTokenMessage(_ token: String, table: EmbeddingTable, tableName: String) -> String {
    var message = "'\(token)' is not in the embedding table \(tableName)"
    if let close = suggestion(for: token, among: table.tokens) ?? EmbedDirective.closestByPrefix(token, among: table.tokens) {
        message += "; did you mean '\(close)'?"
    }
    return message + " (the table has \(table.count) tokens: \(table.tokens.prefix(10).joined(separator: ", "))\(table.count > 10 ? ", …" : ""))"
}

// MARK: - Text helpers shared by the token directives

/// The whitespace-separated words of a line with the character offset where each starts.
func words(of text: String) -> [(word: String, offset: Int)] {
    var out: [(String, Int)] = []
    var current = "", start = 0
    for (i, c) in text.enumerated() {
        if c.isWhitespace {
            if !current.isEmpty { out.append((current, start)); current = "" }
        } else {
            if current.isEmpty { start = i }
            current.append(c)
        }
    }
    if !current.isEmpty { out.append((current, start)) }
    return out
}

/// Finds where each token of a tokenizer's output starts in the body, scanning forward, so an
/// error about the n-th token can point at it. A token's surface is the token without a
/// WordPiece `##` prefix or a BPE `</w>` suffix. Each token is looked for within 64
/// characters (and its own length) of where the last one ended, lines without text not
/// counted; one not found there (an `[UNK]`, a token whose format characters the tokenizer
/// removed) gets the position of the next word, and the search stays where it was, so the
/// tokens after it are still found where they are. Linear in the body: searching the whole
/// rest of it for each `[UNK]` took 223 s for 40,000 unknown words (a red-team pass).
func tokenPositions(_ tokens: [String], in lines: [BodyLine]) -> [SourcePosition] {
    let texts = lines.map { Array(Tokenizer.normalize($0.text)) }
    // The next line with text at or after each line: blank lines cost the search nothing.
    var nextWithText = [Int](repeating: texts.count, count: texts.count + 1)
    for l in stride(from: texts.count - 1, through: 0, by: -1) {
        nextWithText[l] = texts[l].contains(where: { !$0.isWhitespace }) ? l : nextWithText[l + 1]
    }
    let window = 64
    var line = 0, offset = 0
    var out: [SourcePosition] = []
    out.reserveCapacity(tokens.count)
    func matches(_ chars: [Character], at i: Int, _ target: [Character]) -> Bool {
        for k in target.indices where chars[i + k] != target[k] { return false }
        return true
    }
    for token in tokens {
        var surface = token
        if surface.hasPrefix("##") && surface.count > 2 { surface.removeFirst(2) }
        if surface.hasSuffix(BPE.endOfWord) && surface.count > BPE.endOfWord.count { surface.removeLast(BPE.endOfWord.count) }
        let target = Array(surface)
        var found: (Int, Int)? = nil
        var l = line, o = offset
        var budget = window + target.count
        search: while l < texts.count, budget > 0, !target.isEmpty {
            let chars = texts[l]
            var i = o
            while i + target.count <= chars.count, budget > 0 {
                if matches(chars, at: i, target) { found = (l, i); break search }
                i += 1
                budget -= 1
            }
            budget -= max(0, chars.count - max(i, o))
            l = nextWithText[l + 1]; o = 0
        }
        if let (fl, fo) = found {
            out.append(lines[fl].position(at: fo))
            line = fl; offset = fo + target.count
        } else if lines.isEmpty {
            out.append(SourcePosition(line: 1, column: 1))
        } else {
            // The next word, on a later line when this one has no more text.
            var l = min(line, lines.count - 1)
            var i = min(offset, texts[l].count)
            while i < texts[l].count, texts[l][i].isWhitespace { i += 1 }
            if i == texts[l].count, nextWithText[l + 1] < texts.count {
                l = nextWithText[l + 1]
                i = 0
                while i < texts[l].count, texts[l][i].isWhitespace { i += 1 }
            }
            out.append(lines[l].position(at: i))
        }
    }
    return out
}

/// "; did you mean 'x'?" for a word among known ones, or "".
func didYouMean(_ word: String, among known: [String]) -> String {
    suggestion(for: word, among: known).map { "; did you mean '\($0)'?" } ?? ""
}

/// The body lines that are neither blank nor comments. A comment line starts with `#` followed
/// by a space (or nothing): `# note`. A line such as `##는: [0, 1]` is not a comment, because
/// WordPiece continuation tokens start with `##`.
func meaningfulLines(_ body: [BodyLine]) -> [BodyLine] {
    body.filter { !isComment($0.text) }
}

func isComment(_ text: String) -> Bool {
    let t = text.trimmingWhitespace()
    if t.isEmpty { return true }
    guard t.hasPrefix("#") else { return false }
    let rest = t.dropFirst()
    return rest.isEmpty || rest.first!.isWhitespace
}
