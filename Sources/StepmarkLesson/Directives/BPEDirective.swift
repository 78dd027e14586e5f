import StepmarkCore

/// `bpe`: learns byte-pair-encoding merges from a corpus (subword-nmt's `learn_bpe`), showing
/// every merge with its count and the corpus segmented by all of them.
enum BPEDirective: Directive {
    static let name = "bpe"
    static let summary = "learn byte-pair-encoding merges from a corpus, each with its pair count"
    static let body = "the corpus text (or empty to use the text stored as corpus)"
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("merges", nil, "how many merges to learn (required); learning stops earlier when no pair occurs twice"),
        ArgumentSpec("name", "merges", "the name the merges table is stored under (for tokenize method=bpe)"),
    ]
    static let subSteps = "merges (a table: left, right, count, in the order learned), tokens (the corpus after the merges)"
    static let example = """
        ```bpe merges=10
        low low low low low lower lower
        newest newest newest newest newest newest
        widest widest widest
        ```
        """

    static func run(_ context: StepContext) throws {
        let args = context.args
        guard args.has("merges") else {
            throw LessonError("bpe needs merges=N: how many merges to learn (for example merges=10)", at: context.block.infoPosition)
        }
        let count = try args.integer("merges", default: 0, in: 0...context.limits.maxSteps, limitFlag: "--max-steps")
        let name = try args.name("name", default: "merges")!
        var corpus = context.block.bodyText
        if corpus.trimmingWhitespace().isEmpty {
            guard case .text(let stored)? = context.environment.value("corpus") else {
                throw LessonError("bpe needs a corpus: write its text in the block, or define one above with a corpus block", at: context.block.infoPosition)
            }
            corpus = stored
        }
        if !Tokenizer.normalize(corpus).unicodeScalars.elementsEqual(corpus.unicodeScalars) {
            context.warn("input was NFC-normalised: decomposed characters (such as Hangul jamo) were composed before counting pairs")
        }
        let words = BPE.wordCounts(corpus)
        guard !words.isEmpty else {
            throw LessonError("the corpus has no words to learn merges from", at: context.block.infoPosition)
        }
        try context.checkDeadline()
        let learned: BPELearning
        do {
            learned = try BPE.learn(words: words, merges: count, checkpoint: context.checkDeadline)
        } catch let e as TensorError {
            throw LessonError(e.message, at: args.position(of: "merges"))
        }
        try context.checkDeadline()
        if learned.stoppedEarly {
            context.warn("stopped after \(learned.merges.count) of \(count) merges: no pair of symbols occurs twice any more")
        }
        let table = Table(columns: ["left", "right", "count"], rows: learned.merges.map {
            [.text($0.left), .text($0.right), .number(Double($0.count))]
        }, countColumns: [2])
        try context.record("merges", .table(table), formula: "each round merges the most frequent adjacent pair (counts weighted by word frequency; ties: the largest pair)")
        let tokens = try BPE.tokenize(corpus, merges: learned.merges, deadline: context.timeLimit)
        try context.record("tokens", .tokens(TokenList(tokens)), formula: "the corpus words split by the merges (</w> marks the end of a word)")
        context.setResult(.table(table), recorded: "merges", storeAs: name)
    }
}
