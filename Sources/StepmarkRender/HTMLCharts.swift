import FoundationEssentials
import StepmarkCore
import StepmarkLesson

/// Inline SVG charts: loss curves, scatter plots, bar charts and pixel pictures. Each chart has a
/// `<title>` and `<desc>` (referenced by `aria-labelledby`), axes with ticks and labels, and
/// colours from the page's CSS, so it follows the light and dark schemes. Coordinates are
/// rounded to two decimals so the output is compact and the same on every run.
public enum SVGChart {
    /// A value rounded for SVG coordinates.
    static func c(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        let hundredths = (x * 100).rounded()
        let r = hundredths / 100
        if r == r.rounded() { return String(Int(r)) }
        guard hundredths.magnitude < 1e15 else {
            var s = DecimalFormat.fixed(r, digits: 2)
            while s.hasSuffix("0") { s.removeLast() }
            return s
        }
        // In integer hundredths: what "%.2f" of r writes (r is the double nearest n/100), without
        // the trailing zero. Thousands of coordinates per chart make this worth it.
        let n = Int(hundredths)
        let whole = n.magnitude / 100, fraction = n.magnitude % 100
        var s = n < 0 ? "-" : ""
        s += String(whole)
        s += fraction % 10 == 0 ? "." + String(fraction / 10) : (fraction < 10 ? ".0" : ".") + String(fraction)
        return s
    }

    /// "Nice" tick values covering [lo, hi]: steps of 1, 2 or 5 × 10^k. `whole` (the data are
    /// whole numbers, such as steps or epochs) keeps the step at 1 or more, so the ticks are
    /// whole too (a one-step loss curve: 0 and 1, not 0.0, 0.2, … 1.0), and a single value gets
    /// one unit either side (5: 4, 5, 6; 0: 0, 1) rather than ± 0.5.
    static func ticks(_ lo: Double, _ hi: Double, count: Int = 5, whole: Bool = false) -> (values: [Double], step: Double) {
        var lo = lo, hi = hi
        if !(lo.isFinite && hi.isFinite) { return ([0], 1) }
        if hi - lo < 1e-12 {
            let pad = whole ? 1.0 : 0.5
            // Whole numbers from 0 up (steps) do not go below 0.
            lo = whole && lo >= 0 ? max(lo - pad, 0) : lo - pad
            hi += pad
        }
        let raw = (hi - lo) / Double(max(count, 1))
        let magnitude = pow(10, floor(log10(raw)))
        let residual = raw / magnitude
        var step = (residual > 5 ? 10 : residual > 2 ? 5 : residual > 1 ? 2 : 1) * magnitude
        if whole { step = max(step, 1) }
        let first = (lo / step).rounded(.down) * step
        var values: [Double] = []
        var v = first
        var guardCount = 0
        while v <= hi + step * 1e-9, guardCount < 100 {
            values.append(abs(v) < step * 1e-9 ? 0 : v)
            v += step
            guardCount += 1
        }
        if values.last.map({ $0 < hi - step * 1e-9 }) ?? true { values.append(v) }
        return (values, step)
    }

    /// A tick label with as many decimals as the step needs.
    static func tickLabel(_ v: Double, step: Double) -> String {
        let decimals = max(0, min(6, Int(-floor(log10(step) + 1e-9))))
        return Format.number(v, precision: decimals)
    }

    static func open(id: String, width: Double, height: Double, title: String, desc: String, cls: String) -> String {
        "<svg class=\"chart \(cls)\" viewBox=\"0 0 \(c(width)) \(c(height))\" width=\"\(c(width))\" height=\"\(c(height))\" role=\"img\" aria-labelledby=\"\(id)-t \(id)-d\">"
            + "<title id=\"\(id)-t\">\(HTML.escape(title))</title><desc id=\"\(id)-d\">\(HTML.escape(desc))</desc>"
    }

    /// Axes with ticks, grid lines and labels for a plot area.
    struct Frame {
        var left = 64.0, right = 20.0, top = 16.0, bottom = 46.0
        var width: Double, height: Double
        var x0: Double, x1: Double, y0: Double, y1: Double

        var plotWidth: Double { width - left - right }
        var plotHeight: Double { height - top - bottom }
        func x(_ v: Double) -> Double { left + (v - x0) / (x1 - x0) * plotWidth }
        func y(_ v: Double) -> Double { top + plotHeight - (v - y0) / (y1 - y0) * plotHeight }

        func axes(xTicks: [Double], xStep: Double, yTicks: [Double], yStep: Double, xLabel: String, yLabel: String) -> String {
            var out = "<g class=\"grid\">"
            for t in yTicks { out += "<line x1=\"\(c(left))\" x2=\"\(c(width - right))\" y1=\"\(c(y(t)))\" y2=\"\(c(y(t)))\"/>" }
            for t in xTicks { out += "<line x1=\"\(c(x(t)))\" x2=\"\(c(x(t)))\" y1=\"\(c(top))\" y2=\"\(c(top + plotHeight))\"/>" }
            out += "</g><g class=\"axis\">"
            out += "<line x1=\"\(c(left))\" x2=\"\(c(width - right))\" y1=\"\(c(top + plotHeight))\" y2=\"\(c(top + plotHeight))\"/>"
            out += "<line x1=\"\(c(left))\" x2=\"\(c(left))\" y1=\"\(c(top))\" y2=\"\(c(top + plotHeight))\"/>"
            out += "</g><g class=\"ticks\">"
            for t in yTicks {
                out += "<text x=\"\(c(left - 6))\" y=\"\(c(y(t) + 4))\" text-anchor=\"end\">\(HTML.escape(tickLabel(t, step: yStep)))</text>"
            }
            for t in xTicks {
                out += "<text x=\"\(c(x(t)))\" y=\"\(c(top + plotHeight + 16))\" text-anchor=\"middle\">\(HTML.escape(tickLabel(t, step: xStep)))</text>"
            }
            out += "</g>"
            out += "<text class=\"label\" x=\"\(c(left + plotWidth / 2))\" y=\"\(c(height - 6))\" text-anchor=\"middle\">\(HTML.escape(xLabel))</text>"
            out += "<text class=\"label\" transform=\"translate(14 \(c(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(HTML.escape(yLabel))</text>"
            return out
        }
    }

    /// A line chart of y over x (a loss curve). Non-finite points are left out.
    public static func line(xs: [Double], ys: [Double], xLabel: String, yLabel: String, title: String, id: String, words: Strings = .english) -> String? {
        let points = zip(xs, ys).filter { $0.0.isFinite && $0.1.isFinite }
        guard !points.isEmpty else { return nil }
        let minX = points.map(\.0).min()!, maxX = points.map(\.0).max()!
        var minY = points.map(\.1).min()!, maxY = points.map(\.1).max()!
        if minY >= 0 { minY = 0 }
        if maxY - minY < 1e-12 { maxY = minY + 1 }
        func isWhole(_ v: Double) -> Bool { v == v.rounded() && abs(v) < 1e15 }
        let xt = ticks(minX, maxX, count: 6, whole: points.allSatisfy { isWhole($0.0) })
        let yt = ticks(minY, maxY, count: 5, whole: points.allSatisfy { isWhole($0.1) })
        let frame = Frame(width: 560, height: 260, x0: xt.values.first!, x1: xt.values.last!, y0: yt.values.first!, y1: yt.values.last!)
        let first = points.first!, last = points.last!
        let desc = words(.lineDescription, yLabel, Format.number(first.1, precision: 4), xLabel, Format.shortest(first.0),
                         Format.number(last.1, precision: 4), Format.shortest(last.0), points.count)
        var out = open(id: id, width: frame.width, height: frame.height, title: title, desc: desc, cls: "line-chart")
        out += frame.axes(xTicks: xt.values, xStep: xt.step, yTicks: yt.values, yStep: yt.step, xLabel: xLabel, yLabel: yLabel)
        // At most ~600 vertices: every k-th point, always keeping the last.
        let stride = max(1, points.count / 600)
        var kept: [(Double, Double)] = []
        for (i, p) in points.enumerated() where i % stride == 0 || i == points.count - 1 { kept.append(p) }
        let path = kept.map { "\(c(frame.x($0.0))),\(c(frame.y($0.1)))" }.joined(separator: " ")
        out += "<polyline class=\"series\" points=\"\(path)\"/>"
        if points.count <= 40 {
            out += "<g class=\"dots\">"
            for p in points {
                out += "<circle cx=\"\(c(frame.x(p.0)))\" cy=\"\(c(frame.y(p.1)))\" r=\"3\"><title>\(HTML.escape("\(xLabel) \(Format.shortest(p.0)): \(Format.number(p.1, precision: 4))"))</title></circle>"
            }
            out += "</g>"
        } else {
            out += "<circle class=\"end\" cx=\"\(c(frame.x(last.0)))\" cy=\"\(c(frame.y(last.1)))\" r=\"3.5\"/>"
        }
        return out + "</svg>"
    }

    /// A labelled scatter plot (the 2-D points of `project`), with dashed zero lines.
    public static func scatter(_ points: [(label: String, x: Double, y: Double)], xLabel: String, yLabel: String, title: String, id: String,
                               words: Strings = .english) -> String? {
        let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
        guard !finite.isEmpty else { return nil }
        let xs = finite.map(\.x), ys = finite.map(\.y)
        // Equal units on both axes (distances in the picture are true distances), the plot's
        // height following the data between 200 and 420 pixels.
        var x0 = min(xs.min()!, 0), x1 = max(xs.max()!, 0), y0 = min(ys.min()!, 0), y1 = max(ys.max()!, 0)
        let span = max(x1 - x0, y1 - y0, 1e-9)
        let pad = span * 0.1
        x0 -= pad; x1 += pad; y0 -= pad; y1 += pad
        var frame = Frame(width: 560, height: 0, x0: x0, x1: x1, y0: y0, y1: y1)
        frame.right = 28
        let plotWidth = frame.width - frame.left - frame.right
        var plotHeight = plotWidth * (y1 - y0) / (x1 - x0)
        if plotHeight < 200 {
            plotHeight = 200
            let grow = (x1 - x0) * plotHeight / plotWidth - (y1 - y0)
            frame.y0 -= grow / 2; frame.y1 += grow / 2
        } else if plotHeight > 420 {
            plotHeight = 420
            let grow = (y1 - y0) * plotWidth / plotHeight - (x1 - x0)
            frame.x0 -= grow / 2; frame.x1 += grow / 2
        }
        frame.height = plotHeight + frame.top + frame.bottom
        let xAll = ticks(frame.x0, frame.x1, count: 6), yAll = ticks(frame.y0, frame.y1, count: 5)
        let step = max(xAll.step, yAll.step)
        func inside(_ lo: Double, _ hi: Double) -> [Double] {
            var out: [Double] = []
            var v = (lo / step).rounded(.up) * step
            while v <= hi + step * 1e-9, out.count < 100 { out.append(abs(v) < step * 1e-9 ? 0 : v); v += step }
            return out
        }
        let xt = (values: inside(frame.x0, frame.x1), step: step), yt = (values: inside(frame.y0, frame.y1), step: step)
        let desc = words(.scatterDescription, finite.count, finite.prefix(40).map { "\($0.label) (\(Format.number($0.x, precision: 2)), \(Format.number($0.y, precision: 2)))" }.joined(separator: ", "))
        var out = open(id: id, width: frame.width, height: frame.height, title: title, desc: desc, cls: "scatter")
        out += frame.axes(xTicks: xt.values, xStep: xt.step, yTicks: yt.values, yStep: yt.step, xLabel: xLabel, yLabel: yLabel)
        out += "<g class=\"zero\">"
        if frame.x0 < 0, frame.x1 > 0 { out += "<line x1=\"\(c(frame.x(0)))\" x2=\"\(c(frame.x(0)))\" y1=\"\(c(frame.top))\" y2=\"\(c(frame.top + frame.plotHeight))\"/>" }
        if frame.y0 < 0, frame.y1 > 0 { out += "<line x1=\"\(c(frame.left))\" x2=\"\(c(frame.width - frame.right))\" y1=\"\(c(frame.y(0)))\" y2=\"\(c(frame.y(0)))\"/>" }
        out += "</g><g class=\"points\">"
        for p in finite {
            let px = frame.x(p.x), py = frame.y(p.y)
            let anchorEnd = px > frame.left + frame.plotWidth * 0.8
            out += "<g><title>\(HTML.escape("\(p.label): (\(Format.number(p.x, precision: 4)), \(Format.number(p.y, precision: 4)))"))</title>"
            out += "<circle cx=\"\(c(px))\" cy=\"\(c(py))\" r=\"4.5\"/>"
            out += "<text x=\"\(c(anchorEnd ? px - 8 : px + 8))\" y=\"\(c(py - 6))\"\(anchorEnd ? " text-anchor=\"end\"" : "")>\(HTML.escape(p.label))</text></g>"
        }
        return out + "</g></svg>"
    }

    /// Horizontal bars, one per labelled value (the candidates of a `generate` step), on a
    /// 0…1 axis when every value is a probability.
    /// `highlight` marks one bar (the token that was chosen).
    public static func bars(_ items: [(label: String, value: Double)], precision: Int, title: String, id: String, highlight: Int? = nil) -> String? {
        guard !items.isEmpty, items.allSatisfy({ $0.value.isFinite }) else { return nil }
        let maxValue = items.map(\.value).max()!
        let minValue = items.map(\.value).min()!
        guard minValue >= 0 else { return nil }
        let top = maxValue <= 1 ? 1.0 : maxValue
        let labelWidth = Double(min(200, max(48, (items.map { Format.displayWidth($0.label) }.max() ?? 4) * 8 + 16)))
        let rowHeight = 26.0
        let width = 480.0, valueWidth = 64.0
        let barMax = width - labelWidth - valueWidth - 8
        let height = Double(items.count) * rowHeight + 28
        let desc = items.map { "\($0.label): \(Format.number($0.value, precision: precision))" }.joined(separator: "; ")
        var out = open(id: id, width: width, height: height, title: title, desc: desc, cls: "bars")
        let axisY = Double(items.count) * rowHeight + 4
        out += "<g class=\"grid\">"
        for t in stride(from: 0.0, through: 1.0001, by: 0.25) {
            let x = labelWidth + t * barMax
            out += "<line x1=\"\(c(x))\" x2=\"\(c(x))\" y1=\"2\" y2=\"\(c(axisY))\"/>"
        }
        out += "</g><g class=\"ticks\">"
        for t in stride(from: 0.0, through: 1.0001, by: 0.5) {
            out += "<text x=\"\(c(labelWidth + t * barMax))\" y=\"\(c(axisY + 16))\" text-anchor=\"middle\">\(HTML.escape(tickLabel(t * top, step: top / 2)))</text>"
        }
        out += "</g>"
        for (i, item) in items.enumerated() {
            let y = Double(i) * rowHeight + 4
            let w = max(1, item.value / top * barMax)
            out += "<g class=\"bar\(i == highlight ? " chosen" : "")\"><title>\(HTML.escape("\(item.label): \(Format.number(item.value, precision: precision))"))</title>"
            out += "<text class=\"tok\" x=\"\(c(labelWidth - 8))\" y=\"\(c(y + 16))\" text-anchor=\"end\">\(HTML.escape(item.label))</text>"
            out += "<rect x=\"\(c(labelWidth))\" y=\"\(c(y + 2))\" width=\"\(c(w))\" height=\"\(c(rowHeight - 8))\" rx=\"3\"/>"
            out += "<text class=\"val\" x=\"\(c(labelWidth + w + 6))\" y=\"\(c(y + 16))\">\(HTML.escape(Format.number(item.value, precision: precision)))</text></g>"
        }
        return out + "</svg>"
    }

    /// A picture: one grey square per pixel, 0 dark and 1 light (values outside are clamped).
    public static func pixels(_ t: Tensor, title: String, id: String, words: Strings = .english) -> String? {
        let m = t.asMatrix()
        guard m.rows > 0, m.cols > 0, m.rows * m.cols <= 16384 else { return nil }
        let cell = Double(max(3, min(28, 280 / max(m.rows, m.cols))))
        let width = Double(m.cols) * cell, height = Double(m.rows) * cell
        let desc = words(.pictureDescription, m.rows, m.cols)
        var out = open(id: id, width: width, height: height, title: title, desc: desc, cls: "pixels")
        out += "<g shape-rendering=\"crispEdges\">"
        for r in 0..<m.rows {
            for col in 0..<m.cols {
                let v = m[r, col]
                let level = v.isFinite ? Int((min(1, max(0, v)) * 255).rounded()) : 0
                let byte = DecimalFormat.hexByte(UInt8(level))
                let hex = "#" + byte + byte + byte
                out += "<rect x=\"\(c(Double(col) * cell))\" y=\"\(c(Double(r) * cell))\" width=\"\(c(cell))\" height=\"\(c(cell))\" fill=\"\(hex)\"/>"
            }
        }
        out += "</g>"
        if cell >= 10 {
            out += "<g class=\"pixel-grid\">"
            for r in 1..<max(m.rows, 1) { out += "<line x1=\"0\" x2=\"\(c(width))\" y1=\"\(c(Double(r) * cell))\" y2=\"\(c(Double(r) * cell))\"/>" }
            for col in 1..<max(m.cols, 1) { out += "<line y1=\"0\" y2=\"\(c(height))\" x1=\"\(c(Double(col) * cell))\" x2=\"\(c(Double(col) * cell))\"/>" }
            out += "</g>"
        }
        out += "<rect class=\"frame\" x=\"0.5\" y=\"0.5\" width=\"\(c(width - 1))\" height=\"\(c(height - 1))\"/>"
        return out + "</svg>"
    }
}
