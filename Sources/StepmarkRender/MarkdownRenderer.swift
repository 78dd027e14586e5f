import StepmarkCore
import StepmarkLesson

/// Report → GitHub-flavoured Markdown: the lesson's prose kept as written, each directive
/// block kept, followed by its sub-steps as titled tables with their formulas.
public struct MarkdownRenderer {
    /// Hide exercise results and teacher-only solution regions (student handouts).
    public var student: Bool
    /// The language of the words it writes (SPEC §8); `render(_ report:)` takes the report's.
    public var language: LessonLanguage
    /// The path from the folder the report is written to, to the lesson's folder: a local
    /// image (`![](fig.png)`, relative to the lesson) is linked through it, so that the
    /// picture shows beside a report written elsewhere (`render --out`). Nil for a report that
    /// stays beside its lesson or goes to standard output.
    public var imageBase: String?

    public init(student: Bool = false, language: LessonLanguage = .english, imageBase: String? = nil) {
        self.student = student
        self.language = language
        self.imageBase = imageBase
    }

    var words: Strings { Strings(language) }

    /// The prose with each local image's destination prefixed with `imageBase`, where it is
    /// written inline (`](fig.png`) on the image's own line, and in each one-line reference
    /// definition of the lesson (`[fig]: fig.png`, found by the parser, not a look-alike line
    /// in code) whose destination is one of `images`, the lesson's local images (only inline
    /// ones were rebased). A destination written otherwise (`<…>`, escapes) is left as it is.
    func rebasingImages(_ text: String, of prose: ProseBlock, images: Set<String> = []) -> String {
        guard let imageBase, imageBase != "." else { return text }
        guard !prose.images.isEmpty || (!images.isEmpty && !prose.definitionLines.isEmpty) else { return text }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var changed = false
        for line in prose.definitionLines where !images.isEmpty {
            let k = line - prose.line
            guard k >= 0, k < lines.count, let rebased = rebasedDefinition(lines[k], images: images) else { continue }
            lines[k] = rebased
            changed = true
        }
        for image in prose.images {
            let url = image.url
            guard Self.isLocal(url) else { continue }
            let k = image.position.line - prose.line
            guard k >= 0, k < lines.count, let found = lines[k].firstRange(of: "](" + url) else { continue }
            let after = found.upperBound
            guard after == lines[k].endIndex || [")", " ", "\t"].contains(lines[k][after]) else { continue }
            lines[k].replaceSubrange(found, with: "](" + FilePathText.join(imageBase, url))
            changed = true
        }
        return changed ? lines.joined(separator: "\n") : text
    }

    /// The destinations of the lesson's local images.
    func localImages(_ report: Report) -> Set<String> {
        guard let imageBase, imageBase != "." else { return [] }
        var found: Set<String> = []
        for case .prose(let prose) in report.blocks {
            for image in prose.images where Self.isLocal(image.url) { found.insert(image.url) }
        }
        return found
    }

    static func isLocal(_ url: String) -> Bool {
        !url.isEmpty && !url.hasPrefix("/") && !url.hasPrefix("#") && !url.contains(":")
    }

    /// A one-line reference definition whose destination is one of `images`, with `imageBase`
    /// in front of it; nil when it is not one or there is nothing to rebase.
    func rebasedDefinition(_ line: String, images: Set<String>) -> String? {
        guard let imageBase, imageBase != ".", let (range, url) = Self.definitionDestination(line), images.contains(url) else { return nil }
        var rebased = line
        rebased.replaceSubrange(range, with: FilePathText.join(imageBase, url))
        return rebased
    }

    /// The destination of a one-line link reference definition (`   [label]: dest "title"`):
    /// its range in `line` and its text, when written bare (not in `<…>`, no backslash).
    static func definitionDestination(_ line: String) -> (Range<String.Index>, String)? {
        guard let match = line.firstMatch(of: /^ {0,3}\[(?:[^\]\\]|\\.)+\]:[ \t]*([^\s<\\]\S*)(?:[ \t]|$)/) else { return nil }
        let url = String(match.output.1)
        guard isLocal(url), !url.contains("\\") else { return nil }
        return (match.output.1.startIndex..<match.output.1.endIndex, url)
    }

    public func render(_ report: Report) -> String {
        guard report.language == language else {
            var renderer = self
            renderer.language = report.language
            return renderer.render(report)
        }
        // A handout shows what StudentView leaves: blank answers, no exercise values.
        let report = student ? StudentView.apply(report) : report
        var parts: [String] = []
        if let t = report.titleBlock {
            var head = "# " + escape(t.title)
            if let s = t.subtitle { head += "\n\n*" + escape(s) + "*" }
            let byline = (t.authors + [t.date].compactMap { $0 }).map(escape).joined(separator: " · ")
            if !byline.isEmpty { head += "\n\n" + byline }
            parts.append(head)
        }
        let images = localImages(report)
        for block in report.blocks {
            switch block {
            case .prose(let p):
                let text = rebasingImages(student ? p.handoutMarkdown : p.shownMarkdown, of: p, images: images)
                if !text.trimmingWhitespace().isEmpty { parts.append(text) }
            case .step(let step) where !step.isHiddenEntirely:
                parts.append(render(step, path: report.lessonPath))
            case .step:
                continue
            }
        }
        // Definitions in no stretch of prose, so that reference-style links and images have a
        // destination. A handout's are those a link outside the solution regions uses (one
        // used only in a solution region would show there).
        let loose = student ? report.handoutLooseDefinitions : report.looseDefinitions
        if !loose.isEmpty {
            parts.append(loose.map { rebasedDefinition($0, images: images) ?? $0 }.joined(separator: "\n"))
        }
        if !report.diagnostics.isEmpty {
            parts.append(report.diagnostics.map { "> **\(words[.errorTitle])** `\(report.lessonPath):\($0.line):\($0.column)` — \(escape(Phrasebook.message($0.message, language)))" }
                .joined(separator: "\n>\n"))
        }
        // The author's warnings (a directive's name mistyped, say) are for the teacher's page.
        if !student, !report.warnings.isEmpty {
            parts.append(report.warnings.map { "> **\(words[.warningTitle])** `\(report.lessonPath):\($0.line):\($0.column)` — \(escape(Phrasebook.message($0.message, language)))" }
                .joined(separator: "\n>\n"))
        }
        if !student, !report.exercises.isEmpty {
            var table = "### \(words[.exercises])\n\n| \(words[.exercise]) | \(words[.score]) | \(words[.result]) |\n| --- | ---: | --- |\n"
            for e in report.exercises {
                table += "| \(escape(e.id)) | \(Format.shortest(e.score)) / \(Format.shortest(e.points)) | \(words[e.passed ? .passed : .notPassed]) |\n"
            }
            parts.append(table)
        }
        return parts.joined(separator: "\n\n") + "\n"
    }

    public func render(_ step: Step, path: String) -> String {
        var out = ""
        if step.showsSource {
            out = step.block.source
            if !step.block.isClosed { out += "\n" + String(repeating: "`", count: 3) }
        }
        if student && step.answer != nil { return out }
        if let hidden = step.hidden { out += "\n\n> *\(escape(hidden.note(language)))*" }
        for value in step.values { out += "\n\n" + renderValue(value) }
        for w in step.warnings { out += "\n\n> **\(words[.warningTitle]):** \(escape(Phrasebook.message(w, language)))" }
        if let e = step.error {
            out += "\n\n> **\(words[.errorTitle])** `\(path):\(e.line):\(e.column)` — \(escape(Phrasebook.message(e.message, language)))"
        }
        return out
    }

    public func renderValue(_ named: NamedValue) -> String {
        var title = "**\(escape(named.name))**"
        if let f = named.formula, f != named.name {
            title += " — " + code(named.formulaRepeatsSource ? f : Phrasebook.formula(f, language))
        }
        let p = named.precision
        switch named.value {
        case .tensor(let t) where t.isScalar:
            return title + " = " + Format.number(t.data[0], precision: p)
        case .tokens(let list):
            var s = title + "\n\n" + list.tokens.map { code($0) }.joined(separator: " ")
            if let ids = list.ids { s += "\n\n\(words[.ids]): " + ids.map(String.init).joined(separator: ", ") }
            return s
        case .text(let text):
            let fence = String(repeating: "`", count: max(3, longestBacktickRun(text) + 1))
            return title + "\n\n" + fence + "text\n" + text + "\n" + fence
        case .network:
            return title + " — " + escape(named.value.kind)
        default:
            guard let grid = Grid.of(named.value, precision: p) else { return title }
            return title + "\n\n" + table(grid)
        }
    }

    func table(_ grid: Grid) -> String {
        let n = grid.numeric.count
        let headers = grid.columnHeaders ?? (0..<n).map { _ in "" }
        var header = "|"
        var rule = "|"
        if grid.rowHeaders != nil { header += "   |"; rule += " --- |" }
        for (j, h) in headers.enumerated() {
            header += " " + (h.isEmpty ? " " : escape(h)) + " |"
            rule += grid.numeric[j] ? " ---: |" : " --- |"
        }
        var lines = [header, rule]
        for (i, row) in grid.rows.enumerated() {
            var line = "|"
            if let labels = grid.rowHeaders { line += " **" + escape(labels[i]) + "** |" }
            let cells = row ?? Array(repeating: "⋮", count: n)
            for c in cells { line += " " + escape(c) + " |" }
            lines.append(line)
        }
        var out = lines.joined(separator: "\n")
        if grid.rows.contains(where: { $0 == nil }) {
            out += "\n\n_" + escape(words(.rowsInJSONMarkdown, grid.totalRows)) + "_"
        }
        return out
    }

    /// Text made inert in Markdown: table pipes, emphasis and HTML characters escaped.
    func escape(_ s: String) -> String {
        // Most text has nothing to escape: one pass over the bytes says so, and the text is
        // returned as it is (the loop below would copy it Character by Character).
        if !s.utf8.contains(where: { Self.escapedBytes[Int($0)] }) { return s }
        var out = ""
        for c in s {
            switch c {
            case "|": out += "\\|"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "*", "_", "`", "[", "]", "\\", "#": out += "\\" + String(c)
            case "\n": out += " "
            default: out.append(c)
            }
        }
        return out
    }

    /// The ASCII bytes `escape` changes; no other byte can start a Character it changes.
    static let escapedBytes: [Bool] = (0..<256).map { b in "|<>&*_`[]\\#\n".utf8.contains(UInt8(b)) }

    /// An inline code span that survives backticks in its content.
    func code(_ s: String) -> String {
        // One pass, native: newlines become spaces and pipes are escaped for tables.
        var flat = ""
        flat.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "\n": flat += " "
            case "|": flat += "\\|"
            default: flat.unicodeScalars.append(c)
            }
        }
        let ticks = String(repeating: "`", count: longestBacktickRun(flat) + 1)
        let pad = flat.hasPrefix("`") || flat.hasSuffix("`") ? " " : ""
        return ticks + pad + flat + pad + ticks
    }

    func longestBacktickRun(_ s: String) -> Int {
        var best = 0, run = 0
        for c in s { if c == "`" { run += 1; best = max(best, run) } else { run = 0 } }
        return best
    }
}

