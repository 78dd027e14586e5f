import StepmarkCore
import StepmarkLesson

/// Report → text for a terminal: prose as written, each step as a ruled section with its
/// sub-steps as aligned tables. Colour only when asked (the CLI asks when stdout is a TTY).
public struct TerminalRenderer {
    public var color: Bool
    /// Shorten long tables to their first and last rows.
    public var elide: Bool

    public init(color: Bool = false, elide: Bool = true) {
        self.color = color
        self.elide = elide
    }

    func style(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    func bold(_ s: String) -> String { style(s, "1") }
    public func dim(_ s: String) -> String { style(s, "2") }
    public func red(_ s: String) -> String { style(s, "31") }
    func yellow(_ s: String) -> String { style(s, "33") }
    public func cyan(_ s: String) -> String { style(s, "36") }

    public func render(_ report: Report) -> String {
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
            out += "\n" + red("error: ") + "\(report.lessonPath):\(d.line):\(d.column): \(d.message)\n"
        }
        for w in report.warnings {
            out += "\n" + yellow("warning: ") + "\(report.lessonPath):\(w.line):\(w.column): \(w.message)\n"
        }
        out += "\n" + summary(report) + "\n"
        return out
    }

    public func summary(_ report: Report) -> String {
        let failed = report.steps.filter { !$0.ok }.count
        let total = report.steps.count
        if report.ok { return dim("\(total) step\(total == 1 ? "" : "s") ran, no errors") }
        let errorCount = report.errors.count
        return red("\(failed) of \(total) step\(total == 1 ? "" : "s") failed") + " (\(errorCount) error\(errorCount == 1 ? "" : "s"))"
    }

    public func render(_ step: Step, path: String) -> String {
        let info = step.block.info.trimmingWhitespace()
        var out = cyan("── step \(step.index) · \(info) ") + dim("(\(path):\(step.position.line))") + "\n"
        if let hidden = step.hidden { out += dim(hidden.note) + "\n" }
        for value in step.values {
            out += renderValue(value)
        }
        for w in step.warnings { out += yellow("warning: ") + w + "\n" }
        if let e = step.error {
            out += red("error: ") + "\(path):\(e.line):\(e.column): \(e.message)\n"
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
        if let f = value.formula, f != value.name { out += "   " + dim(f) }
        out += "\n"
        if case .chart(let kind, let title, let xlabel, let ylabel, let log) = value.role, case .table(let table) = value.value {
            out += TerminalPlot.render(table, kind: kind, title: title, xlabel: xlabel, ylabel: ylabel, log: log,
                                       width: chartWidth, precision: value.precision, color: color)
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
            if let ids = list.ids { out += dim("  ids: " + ids.map(String.init).joined(separator: " ")) + "\n" }
            return out
        case .text(let s):
            return s.split(separator: "\n", omittingEmptySubsequences: false).map { "  │ " + $0 }.joined(separator: "\n") + "\n"
        case .record(let r):
            return "  " + dim("(\(r.kind): \(r.fields.map(\.name).joined(separator: ", ")))") + "\n"
        default:
            guard let grid = Grid.of(value, precision: precision, elide: elide) else { return "" }
            return renderGrid(grid)
        }
    }

    /// Columns padded to the widest cell in display cells, so Hangul labels stay aligned.
    func renderGrid(_ grid: Grid) -> String {
        let columnCount = grid.numeric.count
        var widths = [Int](repeating: 0, count: columnCount)
        for row in grid.rows.compactMap({ $0 }) {
            for (j, cell) in row.enumerated() where j < columnCount { widths[j] = max(widths[j], Format.displayWidth(cell)) }
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
        for (i, row) in grid.rows.enumerated() {
            var line = "  "
            if let labels = grid.rowHeaders { line += Format.pad(labels[i], to: labelWidth, right: false) + "  " }
            if let row {
                line += row.enumerated().map { j, c in Format.pad(c, to: widths[j], right: grid.numeric[j]) }.joined(separator: "  ")
            } else {
                line += widths.map { Format.pad("⋮", to: $0, right: true) }.joined(separator: "  ")
            }
            out += trimEnd(line) + "\n"
        }
        if grid.rows.contains(where: { $0 == nil }) {
            out += dim("  (\(grid.totalRows) rows; the full table is in the JSON output)") + "\n"
        }
        return out
    }

    private func trimEnd(_ s: String) -> String {
        var s = s
        while s.last == " " { s.removeLast() }
        return s
    }
}
