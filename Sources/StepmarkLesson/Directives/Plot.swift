import StepmarkCore

/// `plot`: a line, scatter or bar chart of vectors and table columns, one series per body line.
///
/// A line is `NAME` or `label: NAME` (the label is everything before the first `:`). NAME is a
/// vector (or a number: one point), or a column of a labelled matrix or table written
/// `TABLE.column` — `h.loss` for the loss column of a `train … history=h` run. A series is
/// drawn against `x=` (a vector or a column, the same for every series) or, by default, against
/// its table's first column when that column rises strictly (a step or epoch column), else
/// against 0, 1, …, n − 1. The one value recorded, `series`, holds every point the renderers
/// draw (a table: series, x, y), so the chart and the numbers are the same thing.
enum PlotDirective: Directive {
    static let name = "plot"
    static let summary = "a line, scatter or bar chart of vectors and table columns, several series with a legend"
    static let body = "one series per line: `NAME` or `label: NAME`, where NAME is a vector or a table's column `TABLE.column` (like `h.loss` after `train history=h`)"
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("kind", "line", "line, scatter or bar", choices: ChartKind.allCases.map(\.rawValue)),
        ArgumentSpec("x", nil, "the x values of every series: a vector or TABLE.column (default: the table's step column, else 0, 1, 2, …)"),
        ArgumentSpec("title", "\"\"", "the chart's title"),
        ArgumentSpec("xlabel", "\"\"", "the x axis label (default: the x column's name)"),
        ArgumentSpec("ylabel", "\"\"", "the y axis label (default: the column's name when every series shares it)"),
        ArgumentSpec("log", "false", "draw y on a logarithmic axis (every y must then be above 0)", choices: ["true", "false"]),
    ]
    static let subSteps = "series (a table: series, x, y; one row per point)"
    static let example = """
        ```train x=2 y=3 w=0.5 lr=0.1 steps=10 history=fast
        ```

        ```train x=2 y=3 w=0.5 lr=0.01 steps=10 history=slow
        ```

        ```plot title="Loss per step" log=true
        lr=0.1: fast.loss
        lr=0.01: slow.loss
        ```
        """

    /// More series than this make an unreadable legend (and no two would share a colour and a
    /// marker): a readability cap, like the Markdown shape caps, with no flag.
    static let maxSeries = 12

    /// One body line, resolved.
    struct Series {
        var label: String
        var ref: String
        var at: SourcePosition
        var ys: [Double]
        /// The x values that come with the series (its table's step column), when no x= is given.
        var ownX: (name: String, values: [Double])?
        var column: String?
    }

    static func run(_ context: StepContext) throws {
        let args = context.args
        let kind = ChartKind(rawValue: try args.choice("kind", ChartKind.allCases.map(\.rawValue), default: "line"))!
        let title = try args.word("title") ?? ""
        let log = try args.bool("log", default: false)
        let lines = context.block.body.filter {
            let t = $0.text.trimmingWhitespace()
            return !t.isEmpty && !t.hasPrefix("#")
        }
        guard !lines.isEmpty else {
            throw LessonError("plot needs at least one series: write a NAME (a vector) or `label: NAME` per line, like `loss: h.loss`", at: context.block.infoPosition)
        }
        // Counted before anything is looked up, so 10,000 lines cost nothing.
        if lines.count > maxSeries {
            throw LessonError("plot draws at most \(maxSeries) series (a legend of more is unreadable); this block has \(lines.count) lines — split it into several plots", at: lines[maxSeries].position)
        }
        let budget = context.limits.maxEntries
        var points = 0
        var series: [Series] = []
        for line in lines {
            var s = try resolve(line, context)
            if let same = series.first(where: { $0.label == s.label }) {
                throw LessonError("two series are labelled '\(s.label.quotable)' (the first is \(same.ref)); give each line its own label, like `label: \(s.ref)`", at: s.at)
            }
            // Three entries a point in `series`: checked before the table is built.
            let (total, overflow) = (points + s.ys.count).multipliedReportingOverflow(by: 3)
            if overflow || total > budget {
                throw LessonError("plotting \(s.ref) would bring series to \(overflow ? "more than \(Int.max)" : String(total)) entries (3 a point: series, x, y), over the limit of \(budget) (raise it with --max-entries)", at: s.at)
            }
            points += s.ys.count
            try finite(s.ys, s.ref, at: s.at)
            if let own = s.ownX, own.values.contains(where: { !$0.isFinite }) { s.ownX = nil }
            if log, let i = s.ys.firstIndex(where: { $0 <= 0 }) {
                throw LessonError("log=true draws y on a logarithmic axis, which has no place for \(Runner.format(s.ys[i])): \(s.ref) is \(Runner.format(s.ys[i])) at index \(i); plot it without log=true", at: s.at)
            }
            series.append(s)
            try context.checkDeadline()
        }

        // The x values: x=, else each series' own step column, else the index.
        var xName: String? = nil
        var xs: [Double]? = nil
        if args.has("x") {
            let at = args.position(of: "x")
            guard let ref = try args.name("x") else { throw LessonError("x= expects a name", at: at) }
            let values = try numbers(ref, context, at: at)
            try finite(values.ys, ref, at: at)
            xs = values.ys
            xName = values.column ?? ref
            for s in series {
                let fits = kind == .line ? s.ys.count <= values.ys.count : s.ys.count == values.ys.count
                if !fits {
                    let need = kind == .line ? "at most as many points as x=" : "one point per x (kind=\(kind.rawValue))"
                    throw LessonError("\(s.ref) has \(s.ys.count) point\(s.ys.count == 1 ? "" : "s") but x=\(ref) has \(values.ys.count); a series needs \(need)", at: s.at)
                }
            }
        }
        let ownNames = Set(series.compactMap { $0.ownX?.name })
        let xlabel = try args.word("xlabel") ?? xName ?? (ownNames.count == 1 && series.allSatisfy({ $0.ownX != nil }) ? ownNames.first! : "")
        let columns = Set(series.map { $0.column ?? "" })
        let ylabel = try args.word("ylabel") ?? (columns.count == 1 && columns.first! != "" ? columns.first! : "")

        var rows: [[Table.Cell]] = []
        rows.reserveCapacity(points)
        var described: [String] = []
        for s in series {
            let x = xs ?? s.ownX?.values
            for (i, y) in s.ys.enumerated() {
                rows.append([.text(s.label), .number(x.map { $0[i] } ?? Double(i)), .number(y)])
            }
            let against = xs != nil ? "x=\(xName!)" : s.ownX.map { "its \($0.name) column" } ?? "0…\(max(s.ys.count - 1, 0))"
            described.append("\(s.label == s.ref ? s.ref : "\(s.label): \(s.ref)") (\(s.ys.count) point\(s.ys.count == 1 ? "" : "s") against \(against))")
        }
        let table = Table(columns: ["series", "x", "y"], rows: rows)
        try context.record("series", .table(table), formula: "one row per point: " + described.joined(separator: "; ") + (log ? "; y on a log scale" : ""),
                           role: .chart(kind: kind, title: title, xlabel: xlabel, ylabel: ylabel, log: log))
        context.setResult(.table(table), recorded: "series", storeAs: nil)
    }

    /// A body line: `NAME` or `label: NAME`.
    static func resolve(_ line: BodyLine, _ context: StepContext) throws -> Series {
        let chars = Array(line.text)
        var start = 0
        while start < chars.count, chars[start] == " " || chars[start] == "\t" { start += 1 }
        var label: String? = nil
        var refStart = start
        if let colon = chars[start...].firstIndex(of: ":") {
            label = String(chars[start..<colon]).trimmingWhitespace()
            if label!.isEmpty {
                throw LessonError("the label before ':' is empty; write `label: NAME`, or only NAME", at: line.position(at: start))
            }
            refStart = colon + 1
            while refStart < chars.count, chars[refStart] == " " || chars[refStart] == "\t" { refStart += 1 }
        }
        // A trailing `# comment` is not part of the name.
        var end = chars.count
        if let hash = chars[refStart...].firstIndex(of: "#") { end = hash }
        let ref = String(chars[refStart..<end]).trimmingWhitespace()
        let at = line.position(at: refStart)
        guard !ref.isEmpty else {
            throw LessonError("'\(label ?? "")' labels nothing: write the vector or column after the ':', like `\(label ?? "label"): h.loss`", at: at)
        }
        let values = try numbers(ref, context, at: at)
        guard !values.ys.isEmpty else { throw LessonError("\(ref) holds no numbers, so there is nothing to plot", at: at) }
        return Series(label: label ?? ref, ref: ref, at: at, ys: values.ys, ownX: values.ownX, column: values.column)
    }

    /// A vector, a number, or the column of a labelled matrix or table, by name.
    static func numbers(_ ref: String, _ context: StepContext, at: SourcePosition) throws
        -> (ys: [Double], ownX: (name: String, values: [Double])?, column: String?) {
        let env = context.environment
        // A name that itself holds a dot is taken whole; otherwise NAME.column.
        var base = ref, column: String? = nil
        if env.value(ref) == nil, let dot = ref.firstIndex(of: ".") {
            base = String(ref[..<dot])
            column = String(ref[ref.index(after: dot)...])
        }
        guard let initial = base.first, initial.isLetter || initial == "_",
              base.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw LessonError("expected a NAME or TABLE.column, found '\(ref.quotable)'", at: at)
        }
        let value = try env.lookup(base, at: at)
        guard let column else {
            guard case .tensor(let t) = value, t.rank <= 1 else {
                var message = "\(base) is \(value.summary), not a vector: plot draws vectors and table columns"
                if let cols = columnNames(value), !cols.isEmpty {
                    message += "; name a column, like \(base).\(cols.count > 1 ? cols[1] : cols[0]) (columns: \(cols.prefix(12).joined(separator: ", ")))"
                }
                throw LessonError(message, at: at)
            }
            return (t.data, nil, nil)
        }
        guard let cols = columnNames(value) else {
            throw LessonError("\(base) is \(value.summary) without named columns, so \(ref) names nothing; plot \(base) itself if it is a vector", at: at)
        }
        guard let j = cols.firstIndex(of: column) else {
            var message = "\(base) has no column '\(column.quotable)'"
            if let best = suggestion(for: column, among: cols) { message += "; did you mean '\(base).\(best)'?" }
            message += " (columns: \(cols.prefix(12).joined(separator: ", "))\(cols.count > 12 ? ", …" : ""))"
            throw LessonError(message, at: SourcePosition(line: at.line, column: at.column + base.count + 1))
        }
        var ys: [Double] = [], first: [Double] = []
        switch value {
        case .tensor(let t):
            ys = (0..<t.rows).map { t[$0, j] }
            if j > 0 { first = (0..<t.rows).map { t[$0, 0] } }
        case .table(let table):
            for (r, row) in table.rows.enumerated() {
                guard j < row.count, case .number(let y) = row[j] else {
                    throw LessonError("\(ref) holds text in row \(r + 1); plot draws numbers only", at: at)
                }
                ys.append(y)
                if j > 0, case .number(let x) = row[0] { first.append(x) }
            }
        default:
            break
        }
        // The table's first column is its x axis when it rises strictly (step, epoch).
        var ownX: (String, [Double])? = nil
        if j > 0, first.count == ys.count, first.allSatisfy(\.isFinite), zip(first, first.dropFirst()).allSatisfy({ $0 < $1 }) {
            ownX = (cols[0], first)
        }
        return (ys, ownX, column)
    }

    /// The column names of a labelled matrix or a table.
    static func columnNames(_ value: Value) -> [String]? {
        switch value {
        case .tensor(let t) where t.isMatrix: t.colLabels
        case .table(let table): table.columns
        default: nil
        }
    }

    /// NaN and ±∞ have no place on an axis: an error naming the first one.
    static func finite(_ values: [Double], _ ref: String, at: SourcePosition) throws {
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            let v = values[i]
            let what = v.isNaN ? "NaN" : v > 0 ? "∞" : "−∞"
            throw LessonError("\(ref) is \(what) at index \(i); plot draws finite numbers only (a run that overflowed can be plotted with fewer steps)", at: at)
        }
    }
}
