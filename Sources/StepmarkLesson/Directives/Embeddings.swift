import FoundationEssentials
import StepmarkCore

/// `embeddings`: an embedding table, one labelled row per token, written inline or read from
/// a GloVe / word2vec text file or a `.npy` matrix with a vocabulary.
enum EmbeddingsDirective: Directive {
    static let name = "embeddings"
    static let summary = "an embedding table: one vector per token, inline or from a file"
    static let body = "token: [v1, v2, …] lines, or empty with from="
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("name", "E", "the name the table is stored under"),
        ArgumentSpec("from", nil, "a file beside the lesson: GloVe/word2vec text (token v1 v2 … per line), or .npy together with vocab="),
        ArgumentSpec("vocab", "vocab", "with a .npy file: the vocabulary whose tokens label its rows, in order"),
    ]
    static let subSteps = "the table (recorded under its name), one labelled row per token"
    static let example = """
        ```embeddings
        고양이: [0.9, 0.8, 0.1]
        개: [0.8, 0.9, 0.2]
        자동차: [0.1, 0.2, 0.9]
        ```
        """

    static func run(_ context: StepContext) throws {
        let args = context.args
        let name = try args.name("name", default: "E")!
        let lines = meaningfulLines(context.block.body)
        let table: EmbeddingTable
        if args.has("from") {
            guard lines.isEmpty else {
                throw LessonError("write the vectors either in the block or in from=, not both", at: lines[0].position)
            }
            table = try readFile(context)
        } else {
            if args.has("vocab") {
                throw LessonError("vocab= labels the rows of a .npy file and needs from=FILE.npy", at: args.position(of: "vocab"))
            }
            guard !lines.isEmpty else {
                throw LessonError("this embeddings block is empty; write one 'token: [v1, v2, …]' line per token, or read a file with from=", at: context.block.infoPosition)
            }
            table = try parseRows(lines, context)
        }
        let value = Value.tensor(table.matrix)
        try context.record(name, value, formula: "\(table.count) tokens × \(table.dimension) dimensions")
        context.setResult(value, recorded: name, storeAs: name)
    }

    /// `token: [v1, v2, …]` lines; every error points at its line.
    static func parseRows(_ lines: [BodyLine], _ context: StepContext) throws -> EmbeddingTable {
        var tokens: [String] = []
        var data: [Double] = []
        var width: (count: Int, line: Int)? = nil
        var seen: [String: Int] = [:]
        for line in lines {
            let chars = Array(line.text)
            var k = 0
            while k < chars.count, chars[k].isWhitespace { k += 1 }
            let tokenStart = k
            var token = ""
            if k < chars.count, chars[k] == "\"" {
                k += 1
                var closed = false
                while k < chars.count {
                    if chars[k] == "\\", k + 1 < chars.count { token.append(chars[k + 1]); k += 2; continue }
                    if chars[k] == "\"" { closed = true; k += 1; break }
                    token.append(chars[k]); k += 1
                }
                guard closed else { throw LessonError("the quoted token is not closed", at: line.position(at: tokenStart)) }
                while k < chars.count, chars[k].isWhitespace { k += 1 }
            } else {
                while k < chars.count, chars[k] != ":" { k += 1 }
                token = String(chars[tokenStart..<k]).trimmingWhitespace()
            }
            guard k < chars.count, chars[k] == ":" else {
                // Without a colon, point where it belongs: before the vector's '[' when there is one.
                var at = min(k, chars.count)
                if let bracket = chars[tokenStart...].firstIndex(of: "[") {
                    at = bracket
                    while at > tokenStart, chars[at - 1].isWhitespace { at -= 1 }
                }
                throw LessonError("expected 'token: [v1, v2, …]' (a token, a colon, then its vector)", at: line.position(at: at))
            }
            guard !token.isEmpty else { throw LessonError("the token before ':' is missing", at: line.position(at: tokenStart)) }
            token = Tokenizer.normalize(token)
            let valueOffset = k + 1
            if let earlier = seen[token] {
                throw LessonError("token '\(token)' already has a vector on line \(earlier); each token needs one row", at: line.position(at: tokenStart))
            }
            var vectorStart = valueOffset
            while vectorStart < chars.count, chars[vectorStart].isWhitespace { vectorStart += 1 }
            guard vectorStart < chars.count else {
                throw LessonError("'\(token)' has no vector after the colon; write it like [0.1, 0.2]", at: line.position(at: valueOffset))
            }
            let t = try context.tensor(context.evaluate([line], startOffset: valueOffset), .oneRow, at: line.position(at: vectorStart)) {
                "the vector of '\(token)' must be a list of numbers like [0.1, 0.2], but it is \($0)"
            }
            if let bad = t.data.first(where: { !$0.isFinite }) {
                throw LessonError("the vector of '\(token)' has a non-finite entry (\(bad))", at: line.position(at: vectorStart))
            }
            if let width, width.count != t.count {
                throw LessonError("the vector of '\(token)' has \(t.count) entries, but the one on line \(width.line) has \(width.count); every row needs the same length", at: line.position(at: vectorStart))
            }
            if width == nil { width = (t.count, line.position.line) }
            seen[token] = line.position.line
            tokens.append(token)
            data.append(contentsOf: t.data)
        }
        do {
            return try EmbeddingTable(tokens: tokens, matrix: Tensor(shape: [tokens.count, width!.count], data: data))
        } catch let e as TensorError {
            throw LessonError(e.message, at: lines[0].position)
        }
    }

    /// The table of `from=`: `.npy` with `vocab=`, anything else as GloVe / word2vec text.
    static func readFile(_ context: StepContext) throws -> EmbeddingTable {
        let args = context.args
        let at = args.position(of: "from")
        guard let path = try args.word("from"), !path.isEmpty else {
            throw LessonError("from= expects a file name, like from=\"vectors.txt\"", at: at)
        }
        let full = FileLoader.resolve(path, relativeTo: context.baseDirectory)
        let bytes = try FileLoader.readBytes(full, shownAs: path, limits: context.limits, at: at)
        do {
            if FilePathText.pathExtension(path).lowercased() == "npy" {
                let matrix = try NumericFiles.parseNPY(bytes, source: path)
                guard matrix.isMatrix else {
                    throw LessonError("'\(path)' holds \(matrix.isScalar ? "a single number" : "a vector of \(matrix.count)"); an embedding table needs a matrix with one row per vocabulary token", at: at)
                }
                let vocabName = try args.name("vocab", default: "vocab")!
                let vocabAt = args.has("vocab") ? args.position(of: "vocab") : at
                guard let vocabValue = context.environment.value(vocabName) else {
                    throw LessonError("a .npy file holds only numbers: its rows need a vocabulary for their tokens; write a vocab block above or name one with vocab=", at: vocabAt)
                }
                let list = try context.tokens(vocabValue, at: vocabAt) { "vocab= must name a vocabulary (a token list), but \(vocabName) is \($0)" }
                guard list.tokens.count == matrix.rows else {
                    throw LessonError("'\(path)' has \(matrix.rows) rows but the vocabulary \(vocabName) has \(list.tokens.count) tokens; they must match, one row per token", at: at)
                }
                return try EmbeddingTable(tokens: list.tokens, matrix: matrix)
            }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw LessonError("'\(path)' is not UTF-8 text: word vectors are read as GloVe/word2vec text (token v1 v2 … per line); a numpy array needs the .npy extension", at: at)
            }
            return try NumericFiles.parseWordVectors(text, source: path, maxEntries: context.limits.maxEntries)
        } catch let e as TensorError {
            throw LessonError(e.message, at: at)
        }
    }
}
