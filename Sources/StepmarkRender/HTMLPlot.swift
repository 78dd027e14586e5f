import FoundationEssentials
import StepmarkCore
import StepmarkLesson

/// The SVG of a `.chart` value (the `plot` directive's `series`): line, scatter or bar charts of
/// several series with a legend, axis labels and a logarithmic y axis on request.
///
/// Accessibility: the `<svg>` is `role="img"` with a `<title>` and a `<desc>` that states every
/// series' range; the numbers follow as a table (the caller adds it). Series differ in colour
/// (a palette safe for red–green colour blindness, lighter in the dark scheme), in marker shape
/// and in dash pattern, so they are told apart without colour too. Text takes the page's
/// colours through CSS classes and `currentColor` (at least 4.5:1 in both schemes). Every
/// label, title and tick is escaped.
enum PlotSVG {
    /// The series colours (Okabe–Ito, darkened for a light page and lightened for a dark one, so
    /// lines keep at least 3:1 against the card), dash patterns and markers, by series class.
    static let style = """
        svg.plot{color:var(--fg)}
        svg.plot .plot-legend text,svg.plot .ptitle{fill:currentColor}
        svg.plot .ptitle{font-size:14px;font-weight:600}
        svg.plot .ln{fill:none;stroke:var(--c);stroke-width:2.25;stroke-linejoin:round;stroke-linecap:round}
        svg.plot .mk{fill:var(--card);stroke:var(--c);stroke-width:1.8}
        svg.plot .pbar{fill:var(--c);fill-opacity:.78;stroke:var(--c)}
        svg.plot .d1 .ln{stroke-dasharray:7 4}svg.plot .d2 .ln{stroke-dasharray:2 3}svg.plot .d3 .ln{stroke-dasharray:10 3 2 3}
        svg.plot .c0{--c:#0072b2}svg.plot .c1{--c:#c04f00}svg.plot .c2{--c:#007a5a}svg.plot .c3{--c:#b03f82}svg.plot .c4{--c:#8f6400}svg.plot .c5{--c:currentColor}
        @media (prefers-color-scheme:dark){svg.plot .c0{--c:#56b4e9}svg.plot .c1{--c:#ff8a4c}svg.plot .c2{--c:#2fc99b}svg.plot .c3{--c:#ec94c8}svg.plot .c4{--c:#e6b200}}

        """

    static let colours = 6, dashes = 4

    /// The classes of series `i`: its colour and its dash pattern (together unique for 12 series).
    static func classes(_ i: Int) -> String { "s c\(i % colours) d\(i % dashes)" }

    /// A marker of shape `i % 6` centred on (x, y): circle, square, triangle, diamond, inverted
    /// triangle, plus.
    static func marker(_ i: Int, _ x: Double, _ y: Double, r: Double = 4) -> String {
        let c = SVGChart.c
        switch i % 6 {
        case 0: return "<circle class=\"mk\" cx=\"\(c(x))\" cy=\"\(c(y))\" r=\"\(c(r))\"/>"
        case 1: return "<rect class=\"mk\" x=\"\(c(x - r * 0.85))\" y=\"\(c(y - r * 0.85))\" width=\"\(c(r * 1.7))\" height=\"\(c(r * 1.7))\"/>"
        case 2: return "<path class=\"mk\" d=\"M\(c(x)) \(c(y - r * 1.1))L\(c(x + r)) \(c(y + r * 0.8))L\(c(x - r)) \(c(y + r * 0.8))Z\"/>"
        case 3: return "<path class=\"mk\" d=\"M\(c(x)) \(c(y - r * 1.2))L\(c(x + r * 1.2)) \(c(y))L\(c(x)) \(c(y + r * 1.2))L\(c(x - r * 1.2)) \(c(y))Z\"/>"
        case 4: return "<path class=\"mk\" d=\"M\(c(x)) \(c(y + r * 1.1))L\(c(x + r)) \(c(y - r * 0.8))L\(c(x - r)) \(c(y - r * 0.8))Z\"/>"
        default: return "<path class=\"mk\" d=\"M\(c(x - r)) \(c(y))H\(c(x + r))M\(c(x)) \(c(y - r))V\(c(y + r))\"/>"
        }
    }

    /// The chart in a `<figure>` (with the visible title as its caption), or a note when the
    /// table holds nothing to draw.
    static func figure(_ table: Table, kind: ChartKind, title: String, xlabel: String, ylabel: String, log: Bool,
                       name: String, id: String, precision: Int, words: PlotWords = .english) -> String {
        guard let model = PlotModel(table, kind: kind, log: log) else {
            return "<p class=\"note\">\(HTML.escape("\(name): \(words.nothing)"))</p>"
        }
        let svg = self.svg(model, title: title, xlabel: xlabel.isEmpty ? words.index : xlabel, ylabel: ylabel, name: name, id: id,
                           precision: precision, words: words)
        return "<figure class=\"figure\">" + svg + "</figure>"
    }

    static func svg(_ model: PlotModel, title: String, xlabel: String, ylabel: String, name: String, id: String, precision: Int,
                    words: PlotWords = .english) -> String {
        let c = SVGChart.c
        let esc = HTML.escape
        let width = 600.0
        // The legend below the plot: entries laid out in rows, each as wide as its label.
        var legend: [(x: Double, row: Int)] = []
        var lx = 64.0, row = 0
        for s in model.series {
            let w = 34 + Double(min(Format.displayWidth(s.label), 48)) * 7.5 + 18
            if lx + w > width - 8, lx > 64 { lx = 64; row += 1 }
            legend.append((lx, row))
            lx += w
        }
        let titleHeight = title.isEmpty ? 0.0 : 24
        let plotHeight = 230.0
        let frame = (left: 64.0, right: 20.0, top: 14 + titleHeight, plotWidth: width - 84, plotHeight: plotHeight,
                     height: 14 + titleHeight + plotHeight + 50 + Double(row + 1) * 22 + 6)
        let legendTop = frame.top + plotHeight + 50
        let xAxis = model.xAxis, yAxis = model.yAxis
        func px(_ v: Double) -> Double { frame.left + xAxis.fraction(v) * frame.plotWidth }
        func py(_ v: Double) -> Double { frame.top + (1 - yAxis.fraction(v)) * frame.plotHeight }

        let heading = title.isEmpty ? "\(name): \(ylabel.isEmpty ? "y" : ylabel) \(words.by) \(xlabel)" : title
        let desc = "\(words.kinds[model.kind]!) \(words.seriesCount(model.series.count))\(yAxis.log ? words.logarithmic : ""): "
            + model.describe(precision: precision, words: words) + "."
        var out = "<svg class=\"chart plot \(model.kind.rawValue)\" viewBox=\"0 0 \(c(width)) \(c(frame.height))\" width=\"\(c(width))\" height=\"\(c(frame.height))\" role=\"img\" aria-labelledby=\"\(id)-t \(id)-d\">"
        out += "<title id=\"\(id)-t\">\(esc(heading))</title><desc id=\"\(id)-d\">\(esc(desc))</desc>"
        if !title.isEmpty {
            out += "<text class=\"ptitle\" x=\"\(c(frame.left + frame.plotWidth / 2))\" y=\"18\" text-anchor=\"middle\">\(esc(title))</text>"
        }

        // Grid, axes, ticks and labels.
        out += "<g class=\"grid\">"
        for t in yAxis.ticks { out += "<line x1=\"\(c(frame.left))\" x2=\"\(c(width - frame.right))\" y1=\"\(c(py(t)))\" y2=\"\(c(py(t)))\"/>" }
        for t in xAxis.ticks { out += "<line x1=\"\(c(px(t)))\" x2=\"\(c(px(t)))\" y1=\"\(c(frame.top))\" y2=\"\(c(frame.top + plotHeight))\"/>" }
        out += "</g><g class=\"axis\">"
        out += "<line x1=\"\(c(frame.left))\" x2=\"\(c(width - frame.right))\" y1=\"\(c(frame.top + plotHeight))\" y2=\"\(c(frame.top + plotHeight))\"/>"
        out += "<line x1=\"\(c(frame.left))\" x2=\"\(c(frame.left))\" y1=\"\(c(frame.top))\" y2=\"\(c(frame.top + plotHeight))\"/>"
        out += "</g><g class=\"ticks\(yAxis.log ? " log" : "")\">"
        for (t, label) in zip(yAxis.ticks, yAxis.labels) {
            out += "<text x=\"\(c(frame.left - 6))\" y=\"\(c(py(t) + 4))\" text-anchor=\"end\">\(esc(label))</text>"
        }
        for (t, label) in zip(xAxis.ticks, xAxis.labels) {
            out += "<text x=\"\(c(px(t)))\" y=\"\(c(frame.top + plotHeight + 16))\" text-anchor=\"middle\">\(esc(label))</text>"
        }
        out += "</g>"
        out += "<text class=\"label\" x=\"\(c(frame.left + frame.plotWidth / 2))\" y=\"\(c(frame.top + plotHeight + 38))\" text-anchor=\"middle\">\(esc(xlabel))</text>"
        if !ylabel.isEmpty {
            out += "<text class=\"label\" transform=\"translate(14 \(c(frame.top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(esc(ylabel + (yAxis.log ? words.logScale : "")))</text>"
        }

        // The series.
        let bars = model.kind == .bar ? model.series.count : 0
        let share = model.barSlot / 2 / (xAxis.hi / 2 - xAxis.lo / 2)
        let slotWidth = bars > 0 ? (share.isFinite ? min(1, share) : 0.05) * frame.plotWidth * 0.8 : 0
        for (i, s) in model.series.enumerated() {
            out += "<g class=\"\(classes(i))\"><title>\(esc(s.label))</title>"
            switch model.kind {
            case .line:
                // At most ~600 vertices: every k-th point, always keeping the last.
                let stride = max(1, s.xs.count / 600)
                let path = s.xs.indices.filter { $0 % stride == 0 || $0 == s.xs.count - 1 }
                    .map { "\(c(px(s.xs[$0]))),\(c(py(s.ys[$0])))" }.joined(separator: " ")
                if s.xs.count > 1 { out += "<polyline class=\"ln\" points=\"\(path)\"/>" }
                // Markers on every point of a short series, on about a dozen of a long one.
                let every = s.xs.count <= 40 ? 1 : (s.xs.count + 11) / 12
                for j in s.xs.indices where j % every == 0 || j == s.xs.count - 1 {
                    out += marker(i, px(s.xs[j]), py(s.ys[j]))
                }
            case .scatter:
                let stride = max(1, s.xs.count / 2000)
                for j in s.xs.indices where j % stride == 0 { out += marker(i, px(s.xs[j]), py(s.ys[j]), r: 3.5) }
            case .bar:
                let w = max(1, slotWidth / Double(bars))
                let base = yAxis.log ? frame.top + plotHeight : py(min(max(0, yAxis.lo), yAxis.hi))
                for j in s.xs.indices {
                    let left = px(s.xs[j]) - slotWidth / 2 + Double(i) * w
                    let top = py(s.ys[j])
                    out += "<rect class=\"pbar\" x=\"\(c(left))\" y=\"\(c(min(top, base)))\" width=\"\(c(w))\" height=\"\(c(max(abs(base - top), 0.5)))\"/>"
                    if w >= 6 { out += marker(i, left + w / 2, top, r: min(3.5, w / 3)) }
                }
            }
            out += "</g>"
        }

        // The legend: a line sample with the series' dash and marker, then its label.
        out += "<g class=\"plot-legend\">"
        for (i, s) in model.series.enumerated() {
            let (x, r) = legend[i]
            let y = legendTop + Double(r) * 22
            out += "<g class=\"\(classes(i))\">"
            if model.kind == .line { out += "<line class=\"ln\" x1=\"\(c(x))\" x2=\"\(c(x + 28))\" y1=\"\(c(y))\" y2=\"\(c(y))\"/>" }
            if model.kind == .bar { out += "<rect class=\"pbar\" x=\"\(c(x + 6))\" y=\"\(c(y - 7))\" width=\"16\" height=\"14\"/>" }
            out += marker(i, x + 14, y)
            out += "<text x=\"\(c(x + 34))\" y=\"\(c(y + 4))\">\(esc(s.label))</text></g>"
        }
        return out + "</g></svg>"
    }
}
