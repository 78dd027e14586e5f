import FoundationEssentials
import StepmarkCore
import StepmarkLesson

/// The series of a `.chart` value and its axes, shared by the SVG (`PlotSVG`) and the terminal
/// (`TerminalPlot`) drawings. Nothing is computed here beyond placing the recorded points.
struct PlotModel {
    struct Series {
        var label: String
        var xs: [Double] = []
        var ys: [Double] = []
    }

    var series: [Series]
    var kind: ChartKind
    var log: Bool

    /// The series of a table with columns series, x, y (rows of one series together); nil when
    /// the table is not one, or holds nothing drawable.
    init?(_ table: Table, kind: ChartKind, log: Bool) {
        guard let si = table.columns.firstIndex(of: "series"), let xi = table.columns.firstIndex(of: "x"),
              let yi = table.columns.firstIndex(of: "y") else { return nil }
        var series: [Series] = []
        for row in table.rows {
            guard row.count > max(si, xi, yi), case .number(let x) = row[xi], case .number(let y) = row[yi],
                  x.isFinite, y.isFinite, !log || y > 0 else { continue }
            let label: String
            switch row[si] {
            case .text(let t): label = t
            case .number(let n): label = Format.shortest(n)
            }
            if series.last?.label != label { series.append(Series(label: label)) }
            series[series.count - 1].xs.append(x)
            series[series.count - 1].ys.append(y)
        }
        guard !series.isEmpty else { return nil }
        self.series = series
        self.kind = kind
        self.log = log
    }

    var allX: [Double] { series.flatMap(\.xs) }
    var allY: [Double] { series.flatMap(\.ys) }
    var pointCount: Int { series.reduce(0) { $0 + $1.xs.count } }

    /// The x axis: nice ticks over the data; whole-number data (steps) get whole-number ticks,
    /// so a one-step run is drawn on 0, 1 rather than 0.0 … 1.0. Bars get half a slot of room.
    var xAxis: Axis {
        let xs = allX
        var lo = xs.min()!, hi = xs.max()!
        let whole = xs.allSatisfy { $0 == $0.rounded() && abs($0) < 1e15 }
        if kind == .bar {
            let slot = barSlot
            lo -= slot / 2; hi += slot / 2
        }
        return Axis.linear(lo, hi, count: 6, whole: whole)
    }

    /// The y axis: logarithmic with log=true; bars always include 0; a line's axis includes 0
    /// when its lowest value is nearer 0 than the data's spread (a loss curve falls towards 0).
    var yAxis: Axis {
        let ys = allY
        var lo = ys.min()!, hi = ys.max()!
        if log { return Axis.logarithmic(lo, hi) }
        if kind == .bar || (kind == .line && lo > 0 && lo < hi - lo) { lo = min(lo, 0) }
        if kind == .bar || (kind == .line && hi < 0 && -hi < hi - lo) { hi = max(hi, 0) }
        return Axis.linear(lo, hi, count: 5, whole: false)
    }

    /// The distinct x values, sorted (the bar positions).
    var distinctX: [Double] { Array(Set(allX)).sorted() }

    /// The smallest gap between neighbouring x values (1 for a single one): the width a group
    /// of bars may take.
    var barSlot: Double {
        let xs = distinctX
        guard xs.count > 1 else { return 1 }
        return zip(xs, xs.dropFirst()).map { $1 - $0 }.min()!
    }

    /// A short description of every series, for the SVG's `<desc>`.
    func describe(precision: Int, words: PlotWords) -> String {
        series.map { s in
            let count = words.points(s.xs.count)
            let first = words.at(Axis.label(s.ys.first!, precision: precision), Format.shortest(s.xs.first!))
            let last = words.at(Axis.label(s.ys.last!, precision: precision), Format.shortest(s.xs.last!))
            return "\(s.label): \(count), " + (s.xs.count == 1 ? first : words.fromTo(first, last))
        }.joined(separator: "; ")
    }
}

/// One axis: the drawn range and its ticks. A logarithmic axis works in log10 units (`lo`,
/// `hi` and `position` are exponents) and labels its ticks with the values themselves.
struct Axis {
    var lo: Double
    var hi: Double
    var ticks: [Double]
    var labels: [String]
    var log: Bool

    /// Where value `v` lies on the axis, from 0 (lo) to 1 (hi).
    /// Halves keep the arithmetic finite for data near ±1.8e308; the result is always finite.
    func fraction(_ v: Double) -> Double {
        let u = log ? log10(v) : v
        let f = (u / 2 - lo / 2) / (hi / 2 - lo / 2)
        return f.isFinite ? min(2, max(-1, f)) : 0.5
    }

    /// Ticks at 1, 2 or 5 × 10^k covering [lo, hi], the range widened to the outer ticks.
    /// `whole` keeps the step at 1 or more (the data are whole numbers, such as steps).
    static func linear(_ lo: Double, _ hi: Double, count: Int, whole: Bool) -> Axis {
        var lo = lo, hi = hi
        if hi / 2 - lo / 2 <= max(abs(lo), abs(hi)) * 5e-13 {
            // One value: a range of one unit around it (whole numbers), or of ± half its size.
            let pad = whole ? 1 : (lo == 0 ? 1 : abs(lo) / 2)
            lo -= pad; hi += pad
        }
        let count = Double(max(count, 1))
        let raw = hi / count - lo / count
        let magnitude = pow(10, floor(log10(raw)))
        let residual = raw / magnitude
        var step = (residual > 5 ? 10 : residual > 2 ? 5 : residual > 1 ? 2 : 1) * magnitude
        if whole { step = max(step, 1) }
        var ticks: [Double] = []
        if step.isFinite, step > 0 {
            let first = (lo / step).rounded(.down), last = (hi / step).rounded(.up)
            var k = first
            while k <= last, ticks.count < 64 {
                let v = k * step
                if v.isFinite { ticks.append(abs(v) < step * 1e-9 ? 0 : v) }
                k += 1
            }
        }
        // Data at the edge of Double (±1e308): the range itself, unrounded.
        if ticks.count < 2 || !(lo.isFinite && hi.isFinite) {
            let ends = [lo, hi].map { $0.isFinite ? $0 : ($0 > 0 ? Double.greatestFiniteMagnitude : -Double.greatestFiniteMagnitude) }
            return Axis(lo: ends[0], hi: ends[1], ticks: ends, labels: ends.map { DecimalFormat.general($0, significant: 3) }, log: false)
        }
        let decimals = max(0, min(8, Int(-floor(log10(step) + 1e-9))))
        let labels = ticks.map { Format.number($0, precision: decimals) }
        return Axis(lo: ticks.first!, hi: ticks.last!, ticks: ticks, labels: labels, log: false)
    }

    /// Decades 10^k around [lo, hi] (both above 0); with two decades or fewer also 2 and 5 ×
    /// 10^k; with many, every second or third decade.
    static func logarithmic(_ lo: Double, _ hi: Double) -> Axis {
        var a = floor(log10(lo)), b = ceil(log10(hi))
        if a == b { b += 1 }
        let decades = Int(b - a)
        let every = decades > 12 ? Int((Double(decades) / 6).rounded(.up)) : decades > 6 ? 2 : 1
        var ticks: [Double] = []
        var k = Int(a)
        while k <= Int(b), ticks.count < 64 {
            if (k - Int(a)) % every == 0 { ticks.append(pow(10, Double(k))) }
            if decades <= 2, k < Int(b) {
                ticks.append(2 * pow(10, Double(k)))
                ticks.append(5 * pow(10, Double(k)))
            }
            k += 1
        }
        // 10^-324 is 0 and 10^309 is ∞ in Double: those decades have no tick.
        ticks = ticks.filter { $0 > 0 && $0.isFinite }
        return Axis(lo: a, hi: b, ticks: ticks, labels: ticks.map(powerLabel), log: true)
    }

    /// 0.001, 1, 1000, 1e-6, 2e+07: plain decimals between 10⁻⁴ and 10⁵.
    static func powerLabel(_ v: Double) -> String {
        guard v > 0, v.isFinite else { return Format.shortest(v) }
        let k = Int(floor(log10(v) + 1e-9))
        if (-4...5).contains(k) { return Format.shortest(v) }
        let mantissa = (v / pow(10, Double(k))).rounded()
        return "\(Int(mantissa))e\(k < 0 ? "-" : "+")\(abs(k) < 10 ? "0" : "")\(abs(k))"
    }

    /// A data value in a description: its precision, or three significant digits when tiny or huge.
    static func label(_ v: Double, precision: Int) -> String {
        if v != 0, abs(v) < 1e-4 || abs(v) >= 1e6 { return DecimalFormat.general(v, significant: 3) }
        return Format.number(v, precision: min(precision, 4))
    }
}

/// The words a chart writes itself, in the lesson's language (`HTMLStrings.plot`).
struct PlotWords: Sendable {
    var logScale = " (log scale)", index = "index", nothing = "nothing to draw"
    var kinds: [ChartKind: String] = [.line: "Line chart", .scatter: "Scatter plot", .bar: "Bar chart"]
    var seriesCount: @Sendable (Int) -> String = { "of \($0) series" }
    var logarithmic = ", y on a logarithmic scale"
    var points: @Sendable (Int) -> String = { "\($0) point\($0 == 1 ? "" : "s")" }
    var at: @Sendable (_ y: String, _ x: String) -> String = { "\($0) at x = \($1)" }
    var fromTo: @Sendable (String, String) -> String = { "from \($0) to \($1)" }
    var by = "by"

    static let english = PlotWords.of(.english)
    static let korean = PlotWords.of(.korean)

    /// The chart's words from the one strings table.
    static func of(_ language: LessonLanguage) -> PlotWords {
        let s = Strings(language)
        var w = PlotWords()
        w.logScale = s[.plotLogScale]; w.index = s[.plotIndex]; w.nothing = s[.plotNothing]
        w.kinds = [.line: s[.plotLine], .scatter: s[.plotScatter], .bar: s[.plotBar]]
        w.seriesCount = { s(.plotSeriesCount, $0) }
        w.logarithmic = s[.plotLogarithmic]
        w.points = { s.count($0, one: .plotPointsOne, many: .plotPointsMany) }
        w.at = { s(.plotAt, $0, $1) }
        w.fromTo = { s(.plotFromTo, $0, $1) }
        w.by = s[.plotBy]
        return w
    }
}
