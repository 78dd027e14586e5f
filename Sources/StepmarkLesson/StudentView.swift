/// What students see of a lesson (SPEC §4), in one place: the blank `?` template of an answer,
/// the blanked answer block, and the report with every exercise's value and the key's answers
/// taken out. `stepmark assign`, `render --student` (Markdown, HTML, JSON) and the grader's
/// handouts all go through here, so the pages and the assignment agree.
public enum StudentView {
    /// The report as a handout: no exercise results; each `answer` block's body replaced by a
    /// template of the expected shape (or of its own shape when the exercise is unknown) and its
    /// value dropped; every value an exercise step recorded left out, and so are the values of
    /// every later step that reads a name the exercise step defined (followed transitively, by
    /// the names each step read while it ran); such a step's warnings go and its error says
    /// nothing of its values; steps inside a solution region are left out whole, and problems
    /// found inside one quote nothing. Applying it twice changes nothing.
    public static func apply(_ report: Report) -> Report {
        guard !report.isStudentView else { return report }
        // The first step with an id asks the exercise (a repeated id is the key's error); its
        // shape is taken before the solution regions go (an exercise may sit in one).
        var shapes: [String: [Int]] = [:]
        var seen: Set<String> = []
        for step in report.steps {
            guard let spec = step.exercise, seen.insert(spec.id).inserted else { continue }
            if let v = step.expectedAnswer { shapes[spec.id] = answerShape(of: v) }
        }
        var report = withoutSolutionSteps(report)
        report.isStudentView = true
        report.exercises = []
        // An answer the lesson holds where it cannot be blanked (in a quote, a list item or an
        // HTML block) is prose: any page of it would show the answer. The handout is then its
        // errors alone, which say where the answer is and how to fix the key. So is the handout
        // of a lesson whose solution markers may show teacher-only text (a red-team pass found
        // render --student writing it while assign refused).
        if !report.unblankableAnswerLines.isEmpty || !report.markerProblemLines.isEmpty {
            report.blocks = []
            report.handoutLooseDefinitions = []
            return report
        }
        // Names an exercise step (or a solution's step) defined, and every name defined from
        // them further down.
        var derived: Set<String> = []
        report.blocks = report.blocks.map { block in
            guard case .step(var step) = block else { return block }
            if step.hidden != nil {
                derived.formUnion(step.defines)
                return .step(step)
            }
            if let answer = step.answer {
                let own = (try? answer.literal.get())?.shape ?? []
                let shape = answer.id.flatMap { shapes[$0] } ?? own
                step.block.source = blankedSource(of: step.block, shape: shape)
                // The info string too (a page's step header, the JSON's arguments): the id alone.
                if let id = step.positional.first {
                    step.block.info = AnswerDirective.name + " " + id
                    step.positional = [id]
                    step.arguments = []
                }
                step.block.body = []
                step.values = []
                step.result = nil
                return .step(step)
            }
            let readsDerived = step.reads.filter { derived.contains($0) }
            if let spec = step.exercise {
                step.hidden = .exercise(id: spec.id)
            } else if !readsDerived.isEmpty {
                step.hidden = .derived(from: readsDerived)
            } else {
                return .step(step)
            }
            hideValues(of: &step)
            derived.formUnion(step.defines)
            return .step(step)
        }
        return report
    }

    /// The report without its teacher-only solution regions' steps (what `step` shows without
    /// `--teacher`, and the first part of a handout): a step inside a region is left out whole,
    /// and every later step that reads what it defined (transitively) shows its source only;
    /// a problem found inside a region quotes nothing. Exercises are untouched. The prose keeps
    /// its regions: each renderer leaves them out (`ProseBlock.handoutMarkdown`).
    public static func withoutSolutionSteps(_ report: Report) -> Report {
        var report = report
        // A problem found in a solution region would quote it (a missing image's file name):
        // the error stays, at its place, saying only where it is; a warning goes.
        // So would a marker's error, which quotes the comment (a red-team pass found
        // `<!-- Solution: … -->` quoted in a handout).
        func inSolution(_ e: LessonError) -> Bool { report.solutionLines.contains { $0.contains(e.line) } }
        report.diagnostics = report.diagnostics.map {
            inSolution($0) || report.markerProblemLines.contains($0.line) ? LessonError(Self.solutionErrorMessage, at: $0.position) : $0
        }
        report.warnings = report.warnings.filter { !inSolution($0) }
        var derived: Set<String> = []
        report.blocks = report.blocks.compactMap { block in
            guard case .step(var step) = block else { return block }
            // A step inside a solution region is the teacher's working: left out whole, and
            // what it defined hides the steps that read it.
            if step.block.inSolution {
                derived.formUnion(step.defines)
                return nil
            }
            let readsDerived = step.reads.filter { derived.contains($0) }
            guard !readsDerived.isEmpty, step.hidden == nil else { return block }
            step.hidden = .fromSolution(from: readsDerived)
            hideValues(of: &step)
            derived.formUnion(step.defines)
            return .step(step)
        }
        return report
    }

    /// A hidden step shows its source only. Warnings go too: they quote values (a diverging
    /// loss, a stopping step). An error quotes values too (`log(-9) is undefined` gives the
    /// answer 11 away): the step still fails, at its place, with a message that says nothing
    /// of them.
    static func hideValues(of step: inout Step) {
        step.values = []
        step.hiddenValues = []
        step.result = nil
        step.warnings = []
        if let error = step.error { step.error = LessonError(Self.hiddenErrorMessage, at: error.position) }
    }

    /// What a handout says in place of a problem found inside a teacher-only solution region.
    public static let solutionErrorMessage = "there is a problem in a part of the lesson only the teacher sees"

    /// What a handout says in place of the error of a step whose values it hides.
    public static let hiddenErrorMessage = "this step failed; its message is hidden until the answers are published, since it may quote a value an exercise asks for"

    /// The shape of the answer an expected value calls for (`[]`, `[n]` or `[rows, cols]`).
    public static func answerShape(of expected: Value) -> [Int] {
        switch expected {
        case .tensor(let t): return t.shape
        case .tokens(let l): return [l.tokens.count]
        case .text, .network: return []
        case .table(let t): return [t.rows.count, t.columns.count]
        }
    }

    /// A blank answer of the given shape, one line per matrix row: `?`, `[?, ?, ?]`,
    /// `[[?, ?],` / ` [?, ?]]`. Token lists use the same `[?, ?, ?]` (a student replaces each `?`
    /// with a "quoted" token).
    public static func template(shape: [Int]) -> [String] {
        switch shape.count {
        case 0: return ["?"]
        case 1: return ["[" + Array(repeating: "?", count: shape[0]).joined(separator: ", ") + "]"]
        default:
            let rows = shape[0], cols = shape[1]
            guard rows > 0 else { return ["[]"] }
            let row = "[" + Array(repeating: "?", count: cols).joined(separator: ", ") + "]"
            return (0..<rows).map { r in (r == 0 ? "[" : " ") + row + (r == rows - 1 ? "]" : ",") }
        }
    }

    /// The template for a value's shape as one string (`?` when there is no value).
    public static func template(for value: Value?) -> String {
        template(shape: value.map(answerShape(of:)) ?? []).joined(separator: "\n")
    }

    /// An answer block's source with its body replaced by the template: the opening fence line,
    /// the template indented as the fence is, and the closing fence when the block had one.
    public static func blankedSource(of block: DirectiveBlock, shape: [Int]) -> String {
        let lines = LessonParser.lines(of: block.source)
        let indent = String(repeating: " ", count: max(0, block.position.column - 1))
        let body = template(shape: shape).map { indent + $0 }
        return ([answerOpening(lines.first ?? "", of: block)] + body + (block.isClosed && lines.count > 1 ? [lines.last!] : [])).joined(separator: "\n")
    }

    /// An answer block's opening line as a handout shows it: the fence as written, then
    /// `answer ID` alone. Extra words and arguments are the key's slips (each an error, which
    /// only --force writes past), and may hold the value: ```` ```answer a 0.787 ```` reached
    /// the handout (a red-team pass).
    public static func answerOpening(_ line: String, of block: DirectiveBlock) -> String {
        guard let info = try? InfoString.parse(block.info, at: block.infoPosition),
              info.positional.count > 1 || !info.arguments.isEmpty else { return line }
        let fence = String(line.prefix(max(0, block.infoPosition.column - 1)))
        return fence + AnswerDirective.name + (info.positional.first.map { " " + $0.text } ?? "")
    }
}

extension Step {
    /// The value the step's exercise expects: its `check=` sub-step or its result; nil when the
    /// step failed or carries no exercise.
    public var expectedAnswer: Value? {
        guard ok, let spec = exercise else { return nil }
        if let name = spec.check { return value(named: name)?.value }
        return result
    }
}
