import StepmarkCore

/// `tokenize`: splits text into tokens (whitespace, characters, WordPiece or learned BPE
/// merges) and, with a vocabulary, maps them to ids.
enum TokenizeDirective: Directive {
    static let name = "tokenize"
    static let summary = "split text into tokens (whitespace, char, wordpiece, bpe) and look up their ids"
    static let body = "the text"
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("method", "whitespace", "whitespace, char (one token per character), wordpiece (BERT, needs a vocab) or bpe (needs merges)", choices: ["whitespace", "char", "wordpiece", "bpe", "bert"]),
        ArgumentSpec("vocab", "vocab", "the vocabulary (from a vocab block); ids are shown when vocab= is written or method=wordpiece"),
        ArgumentSpec("merges", "merges", "the merges learned by a bpe block (method=bpe)"),
        ArgumentSpec("unk", "\"[UNK]\"", "the token that stands in for words the vocabulary cannot spell"),
        ArgumentSpec("model", "model", "method=bert: the pretrained model whose tokenizer runs (records normalized, words, tokens, ids)"),
    ]
    static let subSteps = "tokens, ids (when a vocabulary is used)"
    static let example = """
        ```vocab
        [UNK] un ##aff ##able , runn ##ing !
        ```

        ```tokenize method=wordpiece
        unaffable, running!
        ```
        """

    static func run(_ context: StepContext) throws {
        let args = context.args
        let method = try args.choice("method", ["whitespace", "char", "wordpiece", "bpe", "bert"], default: "whitespace")
        if method == "bert" { return try BertTokenizeStep.run(context) }
        let unk = try args.word("unk") ?? "[UNK]"
        let lines = context.block.body
        let raw = context.block.bodyText
        guard !raw.trimmingWhitespace().isEmpty else {
            throw LessonError("tokenize needs text in its body; the block is empty", at: context.block.infoPosition)
        }
        let text = Tokenizer.normalize(raw)
        // Swift's == on String compares canonical equivalence, so compare the scalars.
        if !text.unicodeScalars.elementsEqual(raw.unicodeScalars) {
            context.warn("input was NFC-normalised: decomposed characters (such as Hangul jamo) were composed, so the tokens are whole syllables")
        }
        // The vocabulary: required by wordpiece, used for ids whenever vocab= is written.
        var vocabulary: Vocabulary? = nil
        if method == "wordpiece" || args.has("vocab") {
            vocabulary = try lookupVocabulary(context, required: method == "wordpiece")
        }
        let tokens: [String]
        switch method {
        case "char": tokens = Tokenizer.characters(text)
        case "wordpiece": tokens = Tokenizer.wordPiece(text, vocabulary: vocabulary!, unk: unk)
        case "bpe": tokens = try BPE.tokenize(text, merges: try lookupMerges(context), deadline: context.timeLimit)
        default: tokens = Tokenizer.whitespace(text)
        }
        let formula: String
        switch method {
        case "char": formula = "one token per character (grapheme cluster)"
        case "wordpiece": formula = "WordPiece: split on spaces and punctuation, then the longest piece in the vocabulary first; ## marks a continuation"
        case "bpe": formula = "BPE: each word's characters (+ </w>), merged in the order the merges were learned"
        default: formula = "split on whitespace"
        }
        let list = Value.tokens(TokenList(tokens))
        try context.record("tokens", list, formula: formula)
        if let vocabulary {
            var ids: [Int] = []
            let unkID = vocabulary.id(of: unk)
            let positions = tokenPositions(tokens, in: lines)
            for (i, t) in tokens.enumerated() {
                if let id = vocabulary.id(of: t) { ids.append(id); continue }
                if let unkID { ids.append(unkID); continue }
                let vocabName = try args.name("vocab", default: "vocab")!
                if t == unk {
                    // WordPiece gave the unknown token itself: the word matched no piece.
                    throw LessonError("token \(i + 1) is the unknown token '\(unk)' (a word no piece of the vocabulary matches), and '\(unk)' is not in the vocabulary \(vocabName); add it to the vocab block", at: positions[i])
                }
                throw LessonError("token \(i + 1) '\(t)' is not in the vocabulary \(vocabName)\(didYouMean(t, among: vocabulary.tokens)), and neither is the unknown token '\(unk)' to stand in for it; add '\(unk)' (or '\(t)') to the vocab block", at: positions[i])
            }
            try context.record("ids", .tokens(TokenList(tokens, ids: ids)), formula: "id = the token's position in the vocabulary (\(unk) for a token it lacks)")
        }
        context.setResult(list, recorded: "tokens", storeAs: "tokens")
    }

    /// The vocabulary named by `vocab=` (default `vocab`).
    static func lookupVocabulary(_ context: StepContext, required: Bool) throws -> Vocabulary {
        let args = context.args
        let name = try args.name("vocab", default: "vocab")!
        let at = args.has("vocab") ? args.position(of: "vocab") : context.block.infoPosition
        if !args.has("vocab"), context.environment.value(name) == nil {
            throw LessonError("method=wordpiece needs a vocabulary: write a vocab block above (it is stored as 'vocab'), or name one with vocab=", at: at)
        }
        let list = try context.tokens(named: name, at: at) { "vocab= must name a vocabulary (a vocab block or a token list), but \(name) is \($0)" }
        do {
            return try Vocabulary(list.tokens)
        } catch let e as TensorError {
            throw LessonError(e.message, at: at)
        }
    }

    /// The merges named by `merges=` (default `merges`): a table with columns left and right,
    /// as the bpe directive stores it.
    static func lookupMerges(_ context: StepContext) throws -> [BPEMerge] {
        let args = context.args
        let name = try args.name("merges", default: "merges")!
        let at = args.has("merges") ? args.position(of: "merges") : context.block.infoPosition
        if !args.has("merges"), context.environment.value(name) == nil {
            throw LessonError("method=bpe needs learned merges: write a bpe block above (it stores them as 'merges'), or name them with merges=", at: at)
        }
        let value = try context.environment.lookup(name, at: at)
        guard case .table(let table) = value,
              let l = table.columns.firstIndex(of: "left"), let r = table.columns.firstIndex(of: "right") else {
            throw LessonError("merges= must name the merges of a bpe block (a table with columns left, right, count), but \(name) is \(value.summary)", at: at)
        }
        let c = table.columns.firstIndex(of: "count")
        return try table.rows.map { row in
            guard case .text(let left) = row[l], case .text(let right) = row[r] else {
                throw LessonError("the merges table \(name) has a row whose left or right is not text", at: at)
            }
            var count = 0
            if let c, case .number(let n) = row[c] { count = Int(n) }
            return BPEMerge(left: left, right: right, count: count)
        }
    }
}
