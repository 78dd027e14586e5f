import StepmarkCore

/// `corpus`: a text the later steps learn from (`bpe`, `generate model=bigram`).
enum CorpusDirective: Directive {
    static let name = "corpus"
    static let summary = "a text corpus, kept verbatim for bpe and generate"
    static let body = "lines of text"
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("name", "corpus", "the name the text is stored under"),
    ]
    static let subSteps = "text"
    static let example = """
        ```corpus
        the cat sat on the mat
        the dog sat on the log
        ```
        """

    static func run(_ context: StepContext) throws {
        let name = try context.args.name("name", default: "corpus")!
        guard !context.block.contentLines.isEmpty else {
            throw LessonError("this corpus is empty; write its text in the block, one or more lines", at: context.block.infoPosition)
        }
        let text = Value.text(context.block.bodyText)
        try context.record("text", text)
        context.setResult(text, recorded: "text", storeAs: name)
    }
}
