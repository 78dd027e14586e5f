import StepmarkCore
import StepmarkLesson

/// Tables that fit the terminal: `stepmark step` draws each value at the terminal's width.
extension TerminalRenderer {
    /// One sub-step drawn within `width` display columns: a table too wide keeps as many
    /// columns as fit, taken alternately from its left and right ends, with one `⋯` column
    /// where the others were, and a line that states the value's shape and how many columns
    /// are shown. Without a width (not a terminal) it is `renderValue(_:)`.
    public func renderValue(_ value: NamedValue, width: Int?) -> String {
        if case .chart = value.role { return renderValue(value, chartWidth: width ?? 80) }
        guard let width, let grid = Grid.of(value.value, precision: value.precision, elide: elide, cutColumns: false) else {
            return renderValue(value)
        }
        let fitted = grid.fitted(width: width)
        guard fitted.shown < grid.numeric.count else { return renderValue(value) }
        var out = "\n" + bold(value.name)
        if let f = formula(of: value) { out += "   " + dim(f) }
        out += "\n" + renderGrid(fitted.grid)
        out += dim("  " + words(.fitColumnsShown, Self.shape(of: value.value, words), fitted.shown, grid.numeric.count)) + "\n"
        return out
    }

    /// `3 × 40`, or `40` for a vector, or `12 rows × 5 columns` for a table.
    static func shape(of value: Value, _ words: Strings = .english) -> String {
        switch value {
        case .tensor(let t): return t.isVector ? "\(t.count)" : "\(t.rows) × \(t.cols)"
        case .table(let table): return words(.tableShape, table.rows.count, table.columns.count)
        default: return ""
        }
    }
}

extension Grid {
    /// The display width of one drawn line (as `TerminalRenderer.renderGrid` lays it out:
    /// two spaces of indent, the row labels and two spaces, then the columns two apart).
    func lineWidth(columns: [Int]) -> Int {
        let widths = columnWidths
        let labelWidth = rowHeaders.map { $0.map(Format.displayWidth).max() ?? 0 } ?? 0
        let cells = columns.map { $0 < 0 ? 1 : widths[$0] }
        return 2 + (labelWidth > 0 ? labelWidth + 2 : 0) + cells.reduce(0, +) + 2 * max(0, cells.count - 1)
    }

    /// Each column's width: its widest cell or header, in display columns.
    var columnWidths: [Int] {
        var widths = [Int](repeating: 0, count: numeric.count)
        for row in rows.compactMap({ $0 }) {
            for (j, cell) in row.enumerated() where j < widths.count { widths[j] = Swift.max(widths[j], Format.displayWidth(cell)) }
        }
        for (j, h) in (columnHeaders ?? []).enumerated() where j < widths.count { widths[j] = Swift.max(widths[j], Format.displayWidth(h)) }
        return widths
    }

    /// The grid cut to `width`: columns from both ends (left first) while they fit, and a `⋯`
    /// column between them; at least one column even when that one is too wide.
    func fitted(width: Int) -> (grid: Grid, shown: Int) {
        let count = numeric.count
        guard count > 1, lineWidth(columns: Array(0..<count)) > width else { return (self, count) }
        var left: [Int] = [0], right: [Int] = []
        var takeRight = true
        while left.count + right.count < count {
            let candidateLeft = takeRight ? left : left + [left.count]
            let candidateRight = takeRight ? [count - 1 - right.count] + right : right
            if lineWidth(columns: candidateLeft + [-1] + candidateRight) > width { break }
            left = candidateLeft
            right = candidateRight
            takeRight.toggle()
        }
        let kept = left + [-1] + right
        func pick(_ cells: [String]) -> [String] { kept.map { $0 < 0 ? "⋯" : cells[$0] } }
        let grid = Grid(columnHeaders: columnHeaders.map(pick), rowHeaders: rowHeaders,
                        rows: rows.map { $0.map(pick) },
                        numeric: kept.map { $0 < 0 ? true : numeric[$0] }, totalRows: totalRows)
        return (grid, left.count + right.count)
    }
}
