import StepmarkCore

/// `show`: displays values by name (or any expression), one per line.
enum ShowDirective: Directive {
    static let name = "show"
    static let summary = "show values: one name (or expression) per line"
    static let body = "names or expressions, one per line"
    static let arguments: [ArgumentSpec] = []
    static let subSteps = "each named value"
    static let example = """
        ```let
        E = [[1, 0], [0, 1]]
        ```

        ```show precision=2
        E
        E @ E.T
        ```
        """

    static func run(_ context: StepContext) throws {
        let lines = context.block.body.filter {
            let t = $0.text.trimmingWhitespace()
            return !t.isEmpty && !t.hasPrefix("#")
        }
        guard !lines.isEmpty else {
            throw LessonError("this show block names nothing; write one name per line", at: context.block.infoPosition)
        }
        var last: (String, Value)?
        for line in lines {
            let value = try context.evaluate([line])
            let source = line.text.split(separator: "#", maxSplits: 1).first.map { $0.trimmingWhitespace() } ?? ""
            try context.record(source, value)
            last = (source, value)
        }
        if let (name, value) = last { context.setResult(value, recorded: name, storeAs: nil) }
    }
}
