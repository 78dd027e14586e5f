import FoundationEssentials
import StepmarkCore
import StepmarkLesson

/// Number and text formatting shared by the renderers.
public enum Format {
    /// A number at `precision` digits after the point; ∞, −∞ and NaN spelled as such; very large
    /// magnitudes in scientific notation; never "-0.0000".
    public static func number(_ x: Double, precision: Int) -> String {
        if x.isNaN { return "NaN" }
        if x == .infinity { return "∞" }
        if x == -.infinity { return "−∞" }
        let p = max(0, min(precision, 15))
        var s: String
        if abs(x) >= 1e9 {
            s = DecimalFormat.scientific(x, digits: p)
        } else {
            s = DecimalFormat.fixed(x, digits: p)
        }
        if s.utf8.first == UInt8(ascii: "-"), s.utf8.dropFirst().allSatisfy({ $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: ".") }) { s.removeFirst() }
        return s
    }

    /// A number as short as it can be while exact (for JSON-like contexts and formulas).
    public static func shortest(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "∞" : "−∞" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        return "\(x)"
    }

    /// Columns a string takes in a terminal: East Asian wide and fullwidth characters (Hangul,
    /// CJK, most emoji) take two, combining marks and zero-width characters none.
    public static func displayWidth(_ s: String) -> Int {
        // Printable ASCII takes one column and ASCII controls none (what the loop below gives
        // them, \r\n included): counted on the bytes, without breaking graphemes, which cost
        // a quarter of `stepmark run` of an attention lesson at N = 2048 (every cell is measured).
        var ascii = 0
        var allASCII = true
        for byte in s.utf8 {
            if byte >= 0x80 { allASCII = false; break }
            if byte >= 0x20 && byte != 0x7F { ascii += 1 }
        }
        if allASCII { return ascii }
        // Numbers and elided tables add only a few one-column symbols (− … ⋯ ⋮ ·), none of which
        // combines with a neighbour: counted per scalar, again without breaking graphemes.
        var simple = 0
        var allSimple = true
        for u in s.unicodeScalars {
            let v = u.value
            if v < 0x80 {
                if v >= 0x20 && v != 0x7F { simple += 1 }
            } else if v == 0x2212 || v == 0x2026 || v == 0x22EF || v == 0x22EE || v == 0xB7 {
                simple += 1
            } else {
                allSimple = false
                break
            }
        }
        if allSimple { return simple }
        var width = 0
        for character in s {
            guard let first = character.unicodeScalars.first else { continue }
            if character.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { width += 2; continue }
            width += scalarWidth(first)
        }
        return width
    }

    static func scalarWidth(_ u: Unicode.Scalar) -> Int {
        let v = u.value
        if v == 0 { return 0 }
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
        switch u.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if v == 0x200B { return 0 }
        for r in wideRanges where r.contains(v) { return 2 }
        return 1
    }

    /// East Asian wide and emoji-presentation ranges: two terminal columns.
    static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0, 0x23F3...0x23F3,
        0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F, 0x2693...0x2693, 0x26A1...0x26A1,
        0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE...0x26CE, 0x26D4...0x26D4, 0x26EA...0x26EA,
        0x26F2...0x26F3, 0x26F5...0x26F5, 0x26FA...0x26FA, 0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B,
        0x2728...0x2728, 0x274C...0x274C, 0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797,
        0x27B0...0x27B0, 0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
        0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
        0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
        0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F004...0x1F004, 0x1F0CF...0x1F0CF, 0x1F18E...0x1F18E,
        0x1F191...0x1F19A, 0x1F200...0x1F251, 0x1F300...0x1F64F, 0x1F680...0x1F6FF, 0x1F7E0...0x1F7EB,
        0x1F90C...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x3FFFD,
    ]

    /// `s` padded with spaces to `width` display columns, right- or left-aligned.
    public static func pad(_ s: String, to width: Int, right: Bool) -> String {
        let fill = String(repeating: " ", count: max(0, width - displayWidth(s)))
        return right ? fill + s : s + fill
    }

    /// Column indices to show of a wide matrix (HTML only; Markdown and terminal tables keep
    /// every column): all up to 30, else the first 20, a gap (nil) and the last 6.
    public static func columnsToShow(_ count: Int) -> [Int?] {
        guard count > 30 else { return Array(0..<count) }
        return Array(0..<20).map { Optional($0) } + [nil] + Array((count - 6)..<count).map { Optional($0) }
    }

    /// Row indices to show of a long table, the one rule of every renderer: all of them when there are at most `limit`,
    /// otherwise the first and last few and every k-th in between (nil marks a gap).
    public static func rowsToShow(_ count: Int, limit: Int = 24) -> [Int?] {
        guard count > limit else { return Array(0..<count) }
        let head = 5, tail = 5
        let every = Int((Double(count - head - tail) / Double(limit - head - tail)).rounded(.up))
        var picks = Set(0..<head).union((count - tail)..<count)
        picks.formUnion(Swift.stride(from: head - 1 + every, to: count - tail, by: every))
        return withGaps(picks.sorted())
    }

    /// Sorted indices with nil where some are left out between two of them.
    public static func withGaps(_ sorted: [Int]) -> [Int?] {
        var out: [Int?] = []
        for i in sorted {
            if let last = out.last ?? nil, i > last + 1 { out.append(nil) }
            out.append(i)
        }
        return out
    }
}

/// How a value is laid out as a grid of strings: the shared first step of every table renderer.
public struct Grid {
    /// Column labels whose whole-number values are shown without decimals, in every renderer.
    static let countingColumns: Set<String> = ["step", "epoch", "count", "id", "rank", "index"]

    public var columnHeaders: [String]?
    public var rowHeaders: [String]?
    /// Cells, row by row; nil rows mark elided rows ("⋮").
    public var rows: [[String]?]
    /// Whether each column holds numbers (right-aligned).
    public var numeric: [Bool]
    /// Total rows before elision.
    public var totalRows: Int

    /// Lays a value out; long tables keep their first and last rows.
    /// - Parameter cutColumns: cut long rows too (`elide` must be on); off where the caller
    ///   fits the columns to a width itself (`stepmark step`, `TerminalFit`).
    public static func of(_ value: Value, precision: Int, elide: Bool = true, cutColumns: Bool = true) -> Grid? {
        switch value {
        case .tensor(let t):
            if t.isScalar { return nil }
            // Long rows are cut as the HTML cuts them, before anything is formatted: a vector of
            // 300,000 entries was one line of 12 MB in the Markdown report.
            if t.isVector {
                let columns: [Int?] = elide && cutColumns ? Format.columnsToShow(t.count) : Array(0..<t.count)
                let headers = t.rowLabels.map { labels in columns.map { $0.map { labels[$0] } ?? "…" } }
                return Grid(columnHeaders: headers, rowHeaders: nil,
                            rows: [columns.map { $0.map { Format.number(t.data[$0], precision: precision) } ?? "…" }],
                            numeric: Array(repeating: true, count: columns.count), totalRows: 1)
            }
            let c = t.cols
            let columns: [Int?] = elide && cutColumns ? Format.columnsToShow(c) : Array(0..<c)
            let indices: [Int?] = elide ? Format.rowsToShow(t.rows) : Array(0..<t.rows)
            // Counting columns (a history's step or epoch) read better as whole numbers.
            let counting = (0..<c).map { j in
                t.colLabels.map { Grid.countingColumns.contains($0[j]) } == true
                    && (0..<t.rows).allSatisfy { let x = t.data[$0 * c + j]; return x == x.rounded() && abs(x) < 1e15 }
            }
            let rows: [[String]?] = indices.map { i in
                i.map { r in columns.map { column in
                    guard let j = column else { return "…" }
                    let x = t.data[r * c + j]
                    return counting[j] ? String(Int(x)) : Format.number(x, precision: precision)
                } }
            }
            let rowHeaders: [String]? = t.rowLabels.map { labels in indices.map { $0.map { labels[$0] } ?? "⋮" } }
            return Grid(columnHeaders: t.colLabels.map { labels in columns.map { $0.map { labels[$0] } ?? "…" } }, rowHeaders: rowHeaders, rows: rows,
                        numeric: Array(repeating: true, count: columns.count), totalRows: t.rows)
        case .table(let table):
            let indices: [Int?] = elide ? Format.rowsToShow(table.rows.count) : Array(0..<table.rows.count)
            let rows: [[String]?] = indices.map { i in
                i.map { r in table.rows[r].map { cell in
                    switch cell {
                    case .number(let x): return x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : Format.number(x, precision: precision)
                    case .text(let s): return s
                    }
                } }
            }
            let numeric = table.columns.indices.map { j in
                table.rows.allSatisfy { row in j < row.count && { if case .number = row[j] { return true } else { return false } }() }
            }
            return Grid(columnHeaders: table.columns, rowHeaders: nil, rows: rows, numeric: numeric, totalRows: table.rows.count)
        default:
            return nil
        }
    }
}
