import FoundationEssentials
import StepmarkCore
import StepmarkLesson

/// One sub-step as an `<li>`: its name, its formula in MathML, and its value drawn by its kind
/// and its role (`ValueRole`): a curve is a line chart over its numbers, a scatter a plot of
/// labelled points, candidates a bar chart with the chosen one highlighted, a picture an image,
/// a distribution or attention matrix a sequential heat map with each row's maximum marked,
/// other signed numbers a diverging heat map. Nothing here looks at a directive's or a value's
/// name, so a new directive gets its pictures by choosing roles.
struct ValueWriter {
    let named: NamedValue
    let id: String
    let s: HTMLStrings

    func esc(_ text: String) -> String { HTML.escape(text) }

    var name: String { named.name }
    var role: ValueRole { named.role }
    var precision: Int { named.precision }

    func render() -> String {
        var out = "<li class=\"substep\" id=\"\(id)\" data-name=\"\(esc(name))\">\n<div class=\"sub-head\"><span class=\"sub-name\">\(esc(name))</span>"
        // The formula's tree, read when the value was recorded (in the lesson's language, a
        // long `let` shortened to `X = label(…)`).
        if let formula = named.typeset {
            out += "<span class=\"formula\">\(MathML.render(formula))</span>"
        }
        out += "</div>\n<div class=\"sub-body\">"
        out += body()
        return out + "</div>\n</li>\n"
    }

    func body() -> String {
        switch named.value {
        case .tensor(let t):
            if t.isScalar { return "<p class=\"scalar\">\(esc(Format.number(t.data[0], precision: precision)))</p>" }
            if let chart = chart(for: t) { return chart }
            return heatTable(t)
        case .tokens(let list):
            return tokens(list)
        case .text(let text):
            return "<pre class=\"text\">\(esc(text))</pre>"
        case .table(let table):
            if let chart = chart(for: table) { return chart }
            return plainTable(table)
        case .network:
            return "<p class=\"note\">\(esc(named.value.kind))</p>"
        }
    }

    // MARK: charts, chosen by role

    func chart(for t: Tensor) -> String? {
        switch role {
        case .curve(let x, let y):
            guard t.isMatrix, let labels = t.colLabels, let yColumn = labels.firstIndex(of: y) else { return nil }
            let xColumn = x.flatMap { labels.firstIndex(of: $0) }
            let xs = (0..<t.rows).map { r in xColumn.map { c in t[r, c] } ?? Double(r) }
            let ys = (0..<t.rows).map { t[$0, yColumn] }
            guard let svg = curve(xs: xs, ys: ys, xLabel: xColumn.map { labels[$0] } ?? "row", yLabel: y) else { return nil }
            let table = heatTable(t, shade: false)
            return svg + (t.rows <= 24 ? table : details(table))
        case .scatter:
            guard t.isMatrix, t.cols == 2, t.rows >= 1 else { return nil }
            let labels = t.rowLabels ?? (0..<t.rows).map { String($0) }
            let points = (0..<t.rows).map { (label: labels[$0], x: t[$0, 0], y: t[$0, 1]) }
            guard let svg = SVGChart.scatter(points, xLabel: t.colLabels?[0] ?? s.words[.componentOne], yLabel: t.colLabels?[1] ?? s.words[.componentTwo],
                                             title: s.words(.scatterTitle, name, t.rows), id: id + "-c", words: s.words) else { return nil }
            return "<figure class=\"figure\">" + svg + "</figure>" + details(heatTable(t))
        case .candidates(let chosen):
            guard t.isMatrix, t.cols == 1 else { return nil }
            let labels = t.rowLabels ?? (0..<t.rows).map { String($0) }
            return bars((0..<t.rows).map { (label: labels[$0], value: t[$0, 0]) }, chosen: chosen)
        case .picture(let title):
            guard t.isMatrix, let svg = SVGChart.pixels(t, title: s.words(.pictureTitle, title, t.rows, t.cols), id: id + "-c", words: s.words) else { return nil }
            return "<figure class=\"figure\">" + svg + "</figure>" + details(heatTable(t))
        case .plain, .distribution, .attention, .chart:
            return nil
        }
    }

    func chart(for table: Table) -> String? {
        func number(_ row: [Table.Cell], _ j: Int) -> Double {
            if j < row.count, case .number(let x) = row[j] { return x }
            return .nan
        }
        switch role {
        case .curve(let x, let y):
            guard let yColumn = table.columns.firstIndex(of: y) else { return nil }
            let xColumn = x.flatMap { table.columns.firstIndex(of: $0) }
            let xs = table.rows.enumerated().map { i, row in xColumn.map { number(row, $0) } ?? Double(i) }
            let ys = table.rows.map { number($0, yColumn) }
            guard let svg = curve(xs: xs, ys: ys, xLabel: xColumn.map { table.columns[$0] } ?? "row", yLabel: y) else { return nil }
            return svg + (table.rows.count <= 24 ? plainTable(table) : details(plainTable(table)))
        case .candidates(let chosen):
            // The first numeric column is the score; the first other column names the candidate.
            guard let valueColumn = table.rows.first.flatMap({ row in row.indices.first { number(row, $0).isFinite } })
                ?? table.columns.indices.last else { return nil }
            let labelColumn = table.columns.indices.first { $0 != valueColumn } ?? 0
            var items: [(label: String, value: Double)] = []
            for row in table.rows {
                guard valueColumn < row.count, case .number(let p) = row[valueColumn] else { return nil }
                var label = ""
                if labelColumn < row.count {
                    switch row[labelColumn] {
                    case .text(let t): label = t
                    case .number(let x): label = Format.shortest(x)
                    }
                }
                items.append((label, p))
            }
            return bars(items, chosen: chosen)
        case .chart(let kind, let title, let xlabel, let ylabel, let log):
            return PlotSVG.figure(table, kind: kind, title: title, xlabel: xlabel, ylabel: ylabel, log: log, name: name, id: id + "-c", precision: precision, words: s.plot) + details(plainTable(table))
        default:
            return nil
        }
    }

    /// A line chart of a curve in its figure.
    func curve(xs: [Double], ys: [Double], xLabel: String, yLabel: String) -> String? {
        SVGChart.line(xs: xs, ys: ys, xLabel: xLabel, yLabel: yLabel, title: s.words(.lineTitle, name, yLabel, xLabel), id: id + "-c", words: s.words)
            .map { "<figure class=\"figure\">" + $0 + "</figure>" }
    }

    /// The candidates of a `generate` step, best first, the chosen one highlighted: the top 20 as bars (and the chosen one,
    /// wherever it ranks), and the table cut as every long table is. A red-team lesson of 1,000
    /// steps × 1,000 candidates wrote every one of them, a 285 MB page.
    func bars(_ items: [(label: String, value: Double)], chosen: String?) -> String? {
        let highlight = chosen.flatMap { c in items.firstIndex { $0.label == c } }
        var charted = Array(0..<min(items.count, Self.chartedCandidates))
        if let highlight, highlight >= charted.count { charted.append(highlight) }
        // A bar's label is cut to 40 characters (the table below has the whole token): a
        // lesson of 20,000-letter tokens drew each in every bar, its title and its tooltip.
        func clipped(_ label: String) -> String { label.count <= 40 ? label : String(label.prefix(39)) + "…" }
        guard let svg = SVGChart.bars(charted.map { (label: clipped(items[$0].label), value: items[$0].value) }, precision: precision,
                                      title: s.words(.candidatesTitle, name, min(items.count, Self.chartedCandidates)), id: id + "-c",
                                      highlight: highlight.flatMap { charted.firstIndex(of: $0) }) else { return nil }
        // The same numbers as a table, for a screen reader and for anyone who wants them exactly.
        var table = "<table class=\"m\"><caption>\(esc(name)) · \(items.count)</caption><thead><tr><th scope=\"col\">\(esc(s.candidate))</th><th scope=\"col\">\(esc(s.value))</th></tr></thead><tbody>\n"
        // The chosen candidate is always listed, in its place among the rows shown.
        var listed = Format.rowsToShow(items.count).compactMap { $0 }
        if let highlight, !listed.contains(highlight) { listed = (listed + [highlight]).sorted() }
        for row in Format.withGaps(listed) {
            guard let i = row else {
                table += "<tr><th class=\"gap\">⋮</th><td class=\"gap\">⋮</td></tr>\n"
                continue
            }
            let item = items[i]
            let mark = i == highlight ? " <span class=\"chosen\">(\(esc(s.chosen)))</span>" : ""
            table += "<tr><th scope=\"row\" class=\"t\">\(esc(item.label))\(mark)</th><td>\(esc(Format.number(item.value, precision: precision)))</td></tr>\n"
        }
        table += "</tbody></table>"
        return "<figure class=\"figure\">" + svg + "</figure>" + details(table)
    }

    /// How many candidates get a bar: more would not be read, and each costs a row of SVG.
    static let chartedCandidates = 20

    func details(_ content: String) -> String {
        "<details class=\"numbers\"><summary>\(esc(s.numbers))</summary>\(content)</details>"
    }

    func tokens(_ list: TokenList) -> String {
        var out = "<ul class=\"tokens\" aria-label=\"\(esc(s.words.count(list.tokens.count, one: .tokenCountOne, many: .tokenCountMany)))\">"
        for (i, token) in list.tokens.enumerated() {
            out += "<li><span class=\"t\">\(esc(token))</span>"
            if let ids = list.ids, i < ids.count { out += "<span class=\"id\">\(ids[i])</span>" }
            out += "</li>"
        }
        return out + "</ul>"
    }

    // MARK: tables

    enum Scale {
        case none
        case sequential(Double)
        case diverging(Double)
    }

    func scale(of t: Tensor) -> Scale {
        let finite = t.data.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max() else { return .none }
        if lo >= 0 {
            if hi <= 0 { return .none }
            return .sequential(role.isDistribution && hi <= 1 ? 1 : hi)
        }
        return .diverging(max(abs(lo), abs(hi)))
    }

    /// A matrix or vector as a table with its labels, shaded as a heat map.
    func heatTable(_ tensor: Tensor, shade: Bool = true) -> String {
        let t = tensor.asMatrix()
        let vectorLabels = tensor.isVector ? tensor.rowLabels : nil
        let colLabels = tensor.isVector ? vectorLabels : t.colLabels
        let rowLabels = tensor.isVector ? nil : t.rowLabels
        let scale = shade ? scale(of: tensor) : .none
        let markMax = shade && role.isDistribution
        // Elided before anything is formatted: only the cells shown are ever written.
        let rows = Format.rowsToShow(t.rows)
        let cols = Format.columnsToShow(t.cols)
        var out = t.cols > 8 ? "<table class=\"m wide\">" : "<table class=\"m\">"
        let caption = "\(name) · " + (tensor.isVector ? "\(tensor.count)" : "\(t.rows)×\(t.cols)")
        out += "<caption>\(esc(caption))\(shadingCaption(scale, markMax: markMax, tensor: tensor))</caption>"
        if let colLabels {
            out += "<thead><tr>" + (rowLabels != nil ? "<td></td>" : "")
            for c in cols {
                out += c.map { "<th scope=\"col\">\(esc(colLabels[$0]))</th>" } ?? "<th class=\"gap\">…</th>"
            }
            out += "</tr></thead>"
        }
        out += "<tbody>\n"
        for r in rows {
            out += "<tr>"
            guard let r else {
                if rowLabels != nil { out += "<th class=\"gap\">⋮</th>" }
                out += cols.map { _ in "<td class=\"gap\">⋮</td>" }.joined() + "</tr>\n"
                continue
            }
            if let rowLabels { out += "<th scope=\"row\">\(esc(rowLabels[r]))</th>" }
            var rowMax = -Double.infinity
            if markMax { for c in 0..<t.cols where t[r, c].isFinite { rowMax = max(rowMax, t[r, c]) } }
            for c in cols {
                guard let c else { out += "<td class=\"gap\">…</td>"; continue }
                let v = t[r, c]
                if let colLabels, Grid.countingColumns.contains(colLabels[c]), v == v.rounded(), abs(v) < 1e15 {
                    out += "<td>\(Int(v))</td>"
                    continue
                }
                out += cell(v, scale: scale, isMax: markMax && v == rowMax && rowMax.isFinite)
            }
            out += "</tr>\n"
        }
        out += "</tbody></table>"
        var notes: [String] = []
        if rows.contains(where: { $0 == nil }) { notes.append("\(rows.compactMap { $0 }.count) \(s.rowsShown) \(t.rows)") }
        if cols.contains(where: { $0 == nil }) { notes.append("\(cols.compactMap { $0 }.count) \(s.colsShown) \(t.cols)") }
        if !notes.isEmpty { out += "<p class=\"note\">\(esc(notes.joined(separator: " · ")))</p>" }
        out += legend(scale, markMax: markMax, hint: role.isAttention && !tensor.isVector ? s.attentionCaption : nil,
                      hatched: shade && tensor.data.contains(where: \.isInfinite))
        return out
    }

    func cell(_ v: Double, scale: Scale, isMax: Bool) -> String {
        let text = esc(Format.number(v, precision: precision))
        if v.isNaN { return "<td>\(text)</td>" }
        // Hatched, the text on a plain patch of its own so it stays readable over the stripes.
        if v.isInfinite { return "<td class=\"\(v > 0 ? "pinf" : "ninf")\"><span>\(text)</span></td>" }
        var cls: String? = nil
        var h = 0.0
        switch scale {
        case .none: break
        case .sequential(let top):
            cls = "s"; h = v / top
        case .diverging(let m):
            cls = v < 0 ? "n" : "p"; h = abs(v) / m
        }
        let level = (min(1, max(0, h)) * 100).rounded() / 100
        var classes = [String]()
        if let cls, level > 0 { classes.append(cls) }
        if isMax { classes.append("max") }
        var out = "<td"
        if !classes.isEmpty { out += " class=\"\(classes.joined(separator: " "))\"" }
        if let _ = cls, level > 0 { out += " style=\"--h:\(SVGChart.c(level))\"" }
        if isMax { out += " title=\"\(esc(s.rowMax))\"" }
        return out + ">\(text)</td>"
    }

    /// What the shading means, in words, for a screen reader (the legend under the table says it
    /// to the eye): which way the colours go, the outlined row maxima, the hatched infinities.
    func shadingCaption(_ scale: Scale, markMax: Bool, tensor: Tensor) -> String {
        let p = min(precision, 4)
        var parts: [String] = []
        switch scale {
        case .none: break
        case .sequential(let top):
            parts.append("\(s.shading) 0 – \(Format.number(top, precision: top == 1 ? 0 : p)), \(s.shadeSequential)")
        case .diverging(let m):
            parts.append("\(s.shading) \(Format.number(-m, precision: p)) – \(Format.number(m, precision: p)), \(s.shadeDiverging)")
        }
        if markMax { parts.append(s.rowMaxMark) }
        if tensor.data.contains(where: \.isInfinite) { parts.append(s.hatched) }
        guard !parts.isEmpty else { return "" }
        return "<span class=\"visually-hidden\">. \(esc(parts.joined(separator: "; ")))</span>"
    }

    func legend(_ scale: Scale, markMax: Bool, hint: String? = nil, hatched: Bool = false) -> String {
        let p = min(precision, 4)
        let hintText = hint.map { "<span class=\"hint\">\(esc($0))</span>" } ?? ""
        switch scale {
        case .none:
            return hint == nil ? "" : "<div class=\"legend\">\(hintText)</div>"
        case .sequential(let top):
            var out = "<div class=\"legend seq\" aria-hidden=\"true\"><span>0</span><i></i><span>\(esc(Format.number(top, precision: top == 1 ? 0 : p)))</span><span class=\"words\">\(esc(s.shadeSequential))</span>"
            if markMax { out += "<span class=\"mark\"></span><span>\(esc(s.rowMax))</span>" }
            if hatched { out += "<span class=\"hatch\"></span><span>\(esc(s.hatched))</span>" }
            return out + hintText + "</div>"
        case .diverging(let m):
            return "<div class=\"legend div\" aria-hidden=\"true\"><span>\(esc(Format.number(-m, precision: p)))</span><i></i><span>\(esc(Format.number(m, precision: p)))</span><span class=\"words\">\(esc(s.shadeDiverging))</span>\(hintText)</div>"
        }
    }

    /// A table of mixed cells (BPE merges, a ranking).
    func plainTable(_ table: Table) -> String {
        let rows = Format.rowsToShow(table.rows.count)
        var out = "<table class=\"m\"><caption>\(esc(name)) · \(table.rows.count)</caption><thead><tr>"
        out += table.columns.map { "<th scope=\"col\">\(esc($0))</th>" }.joined() + "</tr></thead><tbody>\n"
        for r in rows {
            guard let r else {
                out += "<tr>" + table.columns.map { _ in "<td class=\"gap\">⋮</td>" }.joined() + "</tr>\n"
                continue
            }
            out += "<tr>"
            for (j, _) in table.columns.enumerated() {
                guard j < table.rows[r].count else { out += "<td></td>"; continue }
                switch table.rows[r][j] {
                case .number(let x):
                    let text = x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : Format.number(x, precision: precision)
                    out += "<td>\(esc(text))</td>"
                case .text(let t):
                    out += "<td class=\"t\">\(esc(t))</td>"
                }
            }
            out += "</tr>\n"
        }
        out += "</tbody></table>"
        if rows.contains(where: { $0 == nil }) {
            out += "<p class=\"note\">\(esc("\(rows.compactMap { $0 }.count) \(s.rowsShown) \(table.rows.count)"))</p>"
        }
        return out
    }
}
