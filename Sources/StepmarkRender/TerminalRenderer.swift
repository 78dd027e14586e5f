import StepmarkCore
import StepmarkLesson

/// Report → text for a terminal: prose as written, each step as a ruled section with its
/// sub-steps as aligned tables. Colour only when asked (the CLI asks when stdout is a TTY).
public struct TerminalRenderer {
    public var color: Bool
    /// Shorten long tables to their first and last rows.
    public var elide: Bool
    /// The language of the words it writes (SPEC §8). `render(_ report:)` takes the report's;
    /// callers that draw single steps or values (`stepmark step`) set it.
    public var language: LessonLanguage

    public init(color: Bool = false, elide: Bool = true, language: LessonLanguage = .english) {
        self.color = color
        self.elide = elide
        self.language = language
    }

    var words: Strings { Strings(language) }

    /// A formula in the renderer's language (a `let` line's own source stays as written).
    func formula(of value: NamedValue) -> String? {
        guard let f = value.formula, f != value.name else { return nil }
        return value.formulaRepeatsSource ? f : Phrasebook.formula(f, language)
    }

    func style(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    func bold(_ s: String) -> String { style(s, "1") }
    public func dim(_ s: String) -> String { style(s, "2") }
    public func red(_ s: String) -> String { style(s, "31") }
    func yellow(_ s: String) -> String { style(s, "33") }
    public func cyan(_ s: String) -> String { style(s, "36") }

    public func render(_ report: Report) -> String {
        guard report.language == language else {
            var renderer = self
            renderer.language = report.language
            return renderer.render(report)
        }
        var out = bold(report.title) + "\n" + dim(report.lessonPath) + "\n"
        for block in report.blocks {
            switch block {
            case .prose(let p):
                out += "\n" + p.markdown + "\n"
            case .step(let step) where !step.isHiddenEntirely:
                out += "\n" + render(step, path: report.lessonPath)
            case .step:
                continue
            }
        }
        for d in report.diagnostics {
            out += "\n" + red(words[.errorLabel]) + "\(report.lessonPath):\(d.line):\(d.column): \(Phrasebook.message(d.message, language))\n"
        }
        for w in report.warnings {
            out += "\n" + yellow(words[.warningLabel]) + "\(report.lessonPath):\(w.line):\(w.column): \(Phrasebook.message(w.message, language))\n"
        }
        out += "\n" + summary(report) + "\n"
        if let exercises = exerciseSummary(report) { out += dim(exercises) + "\n" }
        return out
    }

    /// A key's exercises in one line, as its pages list them: how many, the points in all and
    /// whether the key's own answers pass (`run` of a key said nothing of them). Nil for a
    /// lesson without exercises and for a student's copy or handout, whose answers `check`
    /// judges.
    public func exerciseSummary(_ report: Report) -> String? {
        guard !report.exercises.isEmpty, !report.isAssignment, !report.isStudentView else { return nil }
        let words = Strings(report.language)
        let points = report.exercises.reduce(0) { $0 + $1.points }
        var line = words.count(report.exercises.count, one: .keyExercisesOne, many: .keyExercisesMany,
                               Format.shortest(points), words[points == 1 ? .point : .points])
        let passed = report.exercises.filter(\.passed).count
        line += passed == report.exercises.count ? words[.keyAnswersPass] : words(.keyAnswersSomePass, passed)
        return line
    }

    public func summary(_ report: Report) -> String {
        let words = Strings(report.language)
        let failed = report.steps.filter { !$0.ok }.count
        let total = report.steps.count
        if report.ok { return dim(words.count(total, one: .stepsRanOne, many: .stepsRanMany)) }
        let errorCount = report.errors.count
        // Every step ran, and the errors are the lesson's own (its prose, a key's answers):
        // "0 of 0 steps failed (1 error)" read as a contradiction.
        let steps = failed == 0 ? words.count(total, one: .stepsRanErrorsElsewhereOne, many: .stepsRanErrorsElsewhereMany)
                                : words.count(failed, of: total, one: .stepsFailedOne, many: .stepsFailedMany)
        return red(steps) + " " + words.count(errorCount, one: .errorCountOne, many: .errorCountMany)
    }

    public func render(_ step: Step, path: String) -> String {
        let info = step.block.info.trimmingWhitespace()
        var out = cyan("── \(words[.stepHeader]) \(step.index) · \(info) ") + dim("(\(path):\(step.position.line))") + "\n"
        if let hidden = step.hidden { out += dim(hidden.note(language)) + "\n" }
        for value in step.values {
            out += renderValue(value)
        }
        for w in step.warnings { out += yellow(words[.warningLabel]) + Phrasebook.message(w, language) + "\n" }
        if let e = step.error {
            out += red(words[.errorLabel]) + "\(path):\(e.line):\(e.column): \(Phrasebook.message(e.message, language))\n"
        }
        return out
    }

    /// One sub-step: its name and formula, then the value.
    public func renderValue(_ value: NamedValue) -> String {
        renderValue(value, chartWidth: 80)
    }

    /// One sub-step, a chart drawn within `chartWidth` columns above its numbers.
    func renderValue(_ value: NamedValue, chartWidth: Int) -> String {
        var out = "\n" + bold(value.name)
        if let f = formula(of: value) { out += "   " + dim(f) }
        out += "\n"
        if case .chart(let kind, let title, let xlabel, let ylabel, let log) = value.role, case .table(let table) = value.value {
            out += TerminalPlot.render(table, kind: kind, title: title, xlabel: xlabel, ylabel: ylabel, log: log,
                                       width: chartWidth, precision: value.precision, color: color, words: PlotWords.of(language))
        }
        out += renderBody(value.value, precision: value.precision)
        return out
    }

    func renderBody(_ value: Value, precision: Int) -> String {
        switch value {
        case .tensor(let t) where t.isScalar:
            return "  " + Format.number(t.data[0], precision: precision) + "\n"
        case .tokens(let list):
            var out = "  " + list.tokens.map { "[\($0)]" }.joined(separator: " ") + "\n"
            if let ids = list.ids { out += dim("  \(words[.ids]): " + ids.map(String.init).joined(separator: " ")) + "\n" }
            return out
        case .text(let s):
            return s.split(separator: "\n", omittingEmptySubsequences: false).map { "  │ " + $0 }.joined(separator: "\n") + "\n"
        case .network:
            guard let r = value.record else { return "" }
            return "  " + dim("(\(r.kind): \(r.fields.map(\.name).joined(separator: ", ")))") + "\n"
        default:
            guard let grid = Grid.of(value, precision: precision, elide: elide) else { return "" }
            return renderGrid(grid)
        }
    }

    /// Columns padded to the widest cell in display cells, so Hangul labels stay aligned.
    func renderGrid(_ grid: Grid) -> String {
        let columnCount = grid.numeric.count
        // Each cell's width is measured once (an attention lesson at N = 2048 shows some
        // 600,000 cells a matrix), and each line is laid out in bytes: the same text as
        // padding each cell with `Format.pad` and joining, without a String per cell.
        let cellWidths: [[Int]?] = grid.rows.map { $0?.map(Format.displayWidth) }
        var widths = [Int](repeating: 0, count: columnCount)
        for row in cellWidths.compactMap({ $0 }) {
            for (j, w) in row.enumerated() where j < columnCount { widths[j] = max(widths[j], w) }
        }
        if let headers = grid.columnHeaders {
            for (j, h) in headers.enumerated() where j < columnCount { widths[j] = max(widths[j], Format.displayWidth(h)) }
        }
        let labelWidth = grid.rowHeaders.map { $0.map(Format.displayWidth).max() ?? 0 } ?? 0
        var out = ""
        if let headers = grid.columnHeaders {
            var line = "  " + (labelWidth > 0 ? String(repeating: " ", count: labelWidth) + "  " : "")
            line += headers.enumerated().map { j, h in Format.pad(h, to: widths[j], right: grid.numeric[j]) }.joined(separator: "  ")
            out += dim(trimEnd(line)) + "\n"
        }
        var bytes: [UInt8] = []
        func spaces(_ n: Int) { if n > 0 { bytes.append(contentsOf: repeatElement(0x20, count: n)) } }
        for (i, row) in grid.rows.enumerated() {
            bytes.removeAll(keepingCapacity: true)
            spaces(2)
            if let labels = grid.rowHeaders {
                bytes.append(contentsOf: Format.pad(labels[i], to: labelWidth, right: false).utf8)
                spaces(2)
            }
            if let row, let measured = cellWidths[i] {
                for (j, cell) in row.enumerated() {
                    if j > 0 { spaces(2) }
                    // Columns past the widths (a ragged table row) are padded to nothing, as pad does.
                    let fill = j < columnCount ? max(0, widths[j] - measured[j]) : 0
                    let right = j < columnCount && grid.numeric[j]
                    if right { spaces(fill) }
                    bytes.append(contentsOf: cell.utf8)
                    if !right { spaces(fill) }
                }
            } else {
                // An elided run of rows: one ⋮ (one column wide) right-aligned in every column.
                for (j, width) in widths.enumerated() {
                    if j > 0 { spaces(2) }
                    spaces(width - 1)
                    bytes.append(contentsOf: "⋮".utf8)
                }
            }
            out += trimEnd(String(decoding: bytes, as: UTF8.self)) + "\n"
        }
        if grid.rows.contains(where: { $0 == nil }) {
            out += dim("  " + words(.rowsInJSONTerminal, grid.totalRows)) + "\n"
        }
        return out
    }

    private func trimEnd(_ s: String) -> String {
        var s = s
        while s.last == " " { s.removeLast() }
        return s
    }
}
