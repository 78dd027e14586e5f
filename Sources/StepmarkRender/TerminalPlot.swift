import FoundationEssentials
import StepmarkCore
import StepmarkLesson

/// A `.chart` value drawn with characters, within a given width: a frame of box-drawing lines
/// with nice ticks, each series plotted with its own glyph (so series differ without colour;
/// with colour each also gets its own), lines joined cell by cell, bars as columns of block
/// characters; then the legend and the axis ranges.
enum TerminalPlot {
    /// One glyph per series (12 series at most, as `plot` allows).
    static let glyphs: [Character] = ["*", "o", "+", "x", "#", "@", "%", "=", "&", "$", "~", "^"]
    /// Bar fills, one per series.
    static let fills: [Character] = ["█", "▓", "▒", "░", "#", "=", "+", ":", "%", "@", "*", "o"]
    /// ANSI colours for the series when colour is on.
    static let colours = ["34", "31", "32", "35", "33", "36"]

    /// The drawing, every line at most `width` display columns (at least 40 are used).
    static func render(_ table: Table, kind: ChartKind, title: String, xlabel: String, ylabel: String, log: Bool,
                       width: Int, precision: Int, color: Bool, words: PlotWords = .english) -> String {
        guard let model = PlotModel(table, kind: kind, log: log) else { return "  (\(words.nothing))\n" }
        let width = max(width, 40)
        let xAxis = model.xAxis, yAxis = model.yAxis
        let height = 12
        let tickWidth = min(12, yAxis.labels.map(Format.displayWidth).max() ?? 1)
        // "  " indent, the tick labels, " ┤"; the plot; nothing after.
        let plotWidth = min(200, width - 2 - tickWidth - 2)
        var grid = [[Character]](repeating: [Character](repeating: " ", count: plotWidth), count: height)
        var owner = [[Int]](repeating: [Int](repeating: -1, count: plotWidth), count: height)

        func col(_ x: Double) -> Int { min(plotWidth - 1, max(0, Int((xAxis.fraction(x) * Double(plotWidth - 1)).rounded()))) }
        func row(_ y: Double) -> Int { min(height - 1, max(0, height - 1 - Int((yAxis.fraction(y) * Double(height - 1)).rounded()))) }
        func put(_ r: Int, _ c: Int, _ ch: Character, _ series: Int) {
            grid[r][c] = ch
            owner[r][c] = series
        }

        let bars = model.series.count
        for (i, s) in model.series.enumerated() {
            let glyph = glyphs[i % glyphs.count]
            switch kind {
            case .line:
                var previous: (Int, Int)? = nil
                for j in s.xs.indices {
                    let point = (col(s.xs[j]), row(s.ys[j]))
                    if let (c0, r0) = previous {
                        // Join the cells between neighbouring points (the longer direction steps).
                        let steps = max(abs(point.0 - c0), abs(point.1 - r0))
                        if steps > 1 {
                            for k in 1..<steps {
                                let t = Double(k) / Double(steps)
                                put(Int((Double(r0) + t * Double(point.1 - r0)).rounded()), Int((Double(c0) + t * Double(point.0 - c0)).rounded()), glyph, i)
                            }
                        }
                    }
                    put(point.1, point.0, glyph, i)
                    previous = point
                }
            case .scatter:
                for j in s.xs.indices { put(row(s.ys[j]), col(s.xs[j]), glyph, i) }
            case .bar:
                let share = model.barSlot / 2 / max(xAxis.hi / 2 - xAxis.lo / 2, 1e-300)
                let slot = max(1, share.isFinite ? Int(min(1, share) * Double(plotWidth - 1) * 0.8) : 1)
                let each = max(1, slot / bars)
                let base = log ? height - 1 : row(min(max(0, yAxis.lo), yAxis.hi))
                for j in s.xs.indices {
                    let start = col(s.xs[j]) - (each * bars) / 2 + i * each
                    let top = row(s.ys[j])
                    for c in start..<(start + each) where c >= 0 && c < plotWidth {
                        for r in min(top, base)...max(top, base) { put(r, c, fills[i % fills.count], i) }
                    }
                }
            }
        }

        var out = ""
        if !title.isEmpty { out += "  " + fit(title, width - 2) + "\n" }
        if !ylabel.isEmpty { out += "  " + fit(ylabel + (log ? words.logScale : ""), width - 2) + "\n" }
        // A tick label on the row nearest each tick, when that row is still free.
        var rowLabels = [String?](repeating: nil, count: height)
        for (t, label) in zip(yAxis.ticks, yAxis.labels) where rowLabels[row(t)] == nil {
            rowLabels[row(t)] = label
        }
        for r in 0..<height {
            let label = rowLabels[r] ?? ""
            var line = "  " + String(repeating: " ", count: max(0, tickWidth - Format.displayWidth(label))) + label
            line += rowLabels[r] == nil ? " │" : " ┤"
            var cells = ""
            for c in 0..<plotWidth {
                let ch = String(grid[r][c])
                cells += owner[r][c] >= 0 && color ? "\u{1B}[\(colours[owner[r][c] % colours.count])m\(ch)\u{1B}[0m" : ch
            }
            out += trimEnd(line + cells) + "\n"
        }
        // The x axis with a mark under each tick, and the tick labels that do not overlap.
        var axis = [Character](repeating: "─", count: plotWidth)
        var labels = [Character](repeating: " ", count: plotWidth + 12)
        var free = 0
        for (t, label) in zip(xAxis.ticks, xAxis.labels) {
            let c = col(t)
            axis[c] = "┬"
            let chars = Array(label)
            let start = max(0, c - chars.count / 2)
            guard start >= free, start + chars.count <= plotWidth else { continue }
            for (k, ch) in chars.enumerated() { labels[start + k] = ch }
            free = start + chars.count + 1
        }
        let pad = String(repeating: " ", count: tickWidth + 1)
        out += "  " + pad + "└" + String(axis) + "\n"
        out += trimEnd("  " + pad + " " + String(labels)) + "\n"
        do {
            let label = fit(xlabel.isEmpty ? words.index : xlabel, plotWidth)
            let centre = max(0, plotWidth / 2 - Format.displayWidth(label) / 2)
            out += "  " + pad + " " + String(repeating: " ", count: centre) + label + "\n"
        }
        // The legend, wrapped to the width.
        var line = " ", lineWidth = 1
        for (i, s) in model.series.enumerated() {
            var mark = String(kind == .bar ? fills[i % fills.count] : glyphs[i % glyphs.count])
            if color { mark = "\u{1B}[\(colours[i % colours.count])m\(mark)\u{1B}[0m" }
            let label = fit(s.label, width - 5)
            let entryWidth = 3 + Format.displayWidth(label)
            if lineWidth + entryWidth > width, lineWidth > 1 {
                out += line + "\n"
                line = " "; lineWidth = 1
            }
            line += " " + mark + " " + label
            lineWidth += entryWidth
        }
        out += line + "\n"
        let xs = model.allX, ys = model.allY
        let ranges = "x \(Format.shortest(xs.min()!)) … \(Format.shortest(xs.max()!)) · y \(Axis.label(ys.min()!, precision: precision)) … \(Axis.label(ys.max()!, precision: precision))\(log ? words.logScale : "")"
        let count = " · " + words.points(model.pointCount)
        out += "  " + fit(Format.displayWidth(ranges + count) <= width - 2 ? ranges + count : ranges, width - 2) + "\n"
        return out
    }

    /// `s` cut to `width` display columns, with an ellipsis when cut.
    static func fit(_ s: String, _ width: Int) -> String {
        guard Format.displayWidth(s) > width else { return s }
        var out = ""
        for ch in s {
            if Format.displayWidth(out + String(ch)) > width - 1 { break }
            out.append(ch)
        }
        return out + "…"
    }

    private static func trimEnd(_ s: String) -> String {
        var s = s
        while s.last == " " { s.removeLast() }
        return s
    }
}
