import StepmarkCore

/// `vocab`: a vocabulary; a token's id is its position.
enum VocabDirective: Directive {
    static let name = "vocab"
    static let summary = "a vocabulary: tokens and their ids (id = position, from 0)"
    static let body = "tokens separated by spaces or line breaks"
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("name", "vocab", "the name the vocabulary is stored under"),
    ]
    static let subSteps = "tokens (each with its id)"
    static let example = """
        ```vocab
        [UNK] un ##aff ##able , runn ##ing !
        ```
        """

    static func run(_ context: StepContext) throws {
        let name = try context.args.name("name", default: "vocab")!
        var tokens: [String] = []
        var seen: [String: SourcePosition] = [:]
        for line in context.block.body {
            for (token, offset) in words(of: line.text) {
                let t = Tokenizer.normalize(token)
                let at = line.position(at: offset)
                if let first = seen[t] {
                    throw LessonError("vocabulary token '\(t)' appears twice (first at \(first)); every token needs its own id", at: at)
                }
                seen[t] = at
                tokens.append(t)
            }
        }
        guard !tokens.isEmpty else {
            throw LessonError("this vocabulary is empty; write its tokens in the block, separated by spaces or line breaks", at: context.block.infoPosition)
        }
        let list = Value.tokens(TokenList(tokens, ids: Array(tokens.indices)))
        try context.record("tokens", list)
        context.setResult(list, recorded: "tokens", storeAs: name)
    }
}
