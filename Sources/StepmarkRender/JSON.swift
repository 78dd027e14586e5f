import StepmarkCore
import StepmarkLesson

/// A JSON value whose objects keep their keys in the order written, so output is stable and
/// reads in the order of SPEC §6.
public enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    /// A list of numbers, each written as `finite` writes it: a tensor's data without a JSON
    /// value per entry (a lesson's 15 million recorded entries took 1 GB as `.number`s).
    case numbers([Double])
    /// A whole number written without a fraction (indices, lines, shapes).
    case int(Int)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    public static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.number(let x), .number(let y)): x == y || (x.isNaN && y.isNaN)
        case (.int(let x), .int(let y)): x == y
        case (.numbers(let x), .numbers(let y)): x.count == y.count && zip(x, y).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
        case (.string(let x), .string(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    /// A number, or the strings "inf", "-inf", "nan" for non-finite values (SPEC §6).
    public static func finite(_ x: Double) -> JSON {
        if x.isNaN { return .string("nan") }
        if x.isInfinite { return .string(x > 0 ? "inf" : "-inf") }
        return .number(x)
    }

    /// A number that is whole within ±2^53 written as an integer (a BPE merge's count, `merges=3`
    /// in a step's arguments: SPEC §6 shows `9`, not `9.0`); any other number as `finite` writes it.
    public static func counting(_ x: Double) -> JSON {
        if x.rounded() == x, abs(x) <= 9_007_199_254_740_992, let n = Int(exactly: x) { return .int(n) }
        return finite(x)
    }

    /// Compact serialisation (`pretty` indents by two spaces).
    public func serialized(pretty: Bool = false) -> String {
        var out = ""
        write(into: &out, indent: pretty ? 0 : nil, flush: nil)
        return out
    }

    /// Compact serialisation handed to `chunk` a piece at a time (about 1 MB each, cut between
    /// values), so that a large report is never held whole as text: 15 million recorded
    /// entries are 300 MB of JSON.
    public func serialize(chunk: (String) -> Void) {
        var out = ""
        withoutActuallyEscaping(chunk) { chunk in
            write(into: &out, indent: nil, flush: { chunk($0); $0 = "" })
        }
        chunk(out)
    }

    private func write(into out: inout String, indent: Int?, flush: ((inout String) -> Void)?) {
        func flushed() { if let flush, out.utf8.count >= 1 << 20 { flush(&out) } }
        /// `[…]` of `count` elements, one a line when indented, handed on every `every` elements.
        func list(_ count: Int, every: Int, _ element: (Int) -> Void) {
            if count == 0 { out += "[]"; return }
            out += "["
            for i in 0..<count {
                if i > 0 { out += "," }
                if let indent { out += "\n" + String(repeating: "  ", count: indent + 1) }
                element(i)
                if (i + 1) % every == 0 { flushed() }
            }
            if let indent { out += "\n" + String(repeating: "  ", count: indent) }
            out += "]"
        }
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let x): out += JSON.numberText(x)
        case .int(let n): out += String(n)
        case .numbers(let xs):
            list(xs.count, every: 1024) { i in
                let x = xs[i]
                if x.isNaN { out += "\"nan\"" } else if x.isInfinite { out += x > 0 ? "\"inf\"" : "\"-inf\"" } else { out += JSON.numberText(x) }
            }
        case .string(let s): JSON.escape(s, into: &out)
        case .array(let items):
            list(items.count, every: 1) { i in items[i].write(into: &out, indent: indent.map { $0 + 1 }, flush: flush) }
        case .object(let pairs):
            if pairs.isEmpty { out += "{}"; return }
            out += "{"
            for (i, (key, value)) in pairs.enumerated() {
                if i > 0 { out += "," }
                if let indent { out += "\n" + String(repeating: "  ", count: indent + 1) }
                JSON.escape(key, into: &out)
                out += indent == nil ? ":" : ": "
                value.write(into: &out, indent: indent.map { $0 + 1 }, flush: flush)
            }
            if let indent { out += "\n" + String(repeating: "  ", count: indent) }
            out += "}"
        }
    }

    /// The shortest text that reads back as the same Double; whole numbers keep ".0" so that a
    /// reader sees a float, as numpy's JSON would.
    static func numberText(_ x: Double) -> String {
        guard x.isFinite else { return "null" }
        if x == 0 { return x.sign == .minus ? "-0.0" : "0.0" }
        return x.description
    }

    static func escape(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"   // keeps JSON safe to embed in an HTML <script> block
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                // C0, DEL and C1 as escapes: standard output neutralises the raw characters
                // (`ControlCharacters`), which would change the text a reader gets back.
                if u.value < 0x20 || (0x7F...0x9F).contains(u.value) {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }
}

/// Report → JSON exactly as SPEC §6 (plus `column` and `warnings` on steps, and `formula` on
/// values, which readers may ignore). Messages and formulas' words are in the lesson's
/// language (SPEC §8), as every renderer writes them; names, keys and numbers never change.
public enum JSONRenderer {
    public static func render(_ report: Report) -> String {
        encode(report).serialized() + "\n"
    }

    public static func render(_ reports: [Report]) -> String {
        JSON.array(reports.map(encode)).serialized() + "\n"
    }

    /// `render`, handed to `chunk` a piece at a time (`JSON.serialize(chunk:)`); several
    /// reports make one array.
    public static func write(_ reports: [Report], asArray: Bool, chunk: (String) -> Void) {
        (asArray ? JSON.array(reports.map(encode)) : encode(reports[0])).serialize(chunk: chunk)
        chunk("\n")
    }

    public static func encode(_ report: Report) -> JSON {
        let language = report.language
        return .object([
            ("format", .int(1)),
            ("lesson", .string(report.lessonPath)),
            ("title", .string(report.title)),
            ("ok", .bool(report.ok)),
            ("steps", .array(report.steps.map { encode($0, language: language) })),
            ("errors", .array(report.diagnostics.map { encode($0, language: language) })),
            ("warnings", .array(report.warnings.map { encode($0, language: language) })),
            ("exercises", .array(report.exercises.map(encode))),
        ])
    }

    public static func encode(_ step: Step, language: LessonLanguage = .english) -> JSON {
        .object([
            ("index", .int(step.index)),
            ("directive", .string(step.directive)),
            ("line", .int(step.position.line)),
            ("column", .int(step.position.column)),
            ("args", .object(arguments(step))),
            ("ok", .bool(step.ok)),
            ("error", step.error.map { encode($0, language: language) } ?? .null),
            ("warnings", .array(step.warnings.map { .string(Phrasebook.message($0, language)) })),
            ("values", .array(step.values.map { encode($0, language: language) })),
        ] + (step.hidden.map { [("hidden", JSON.string($0.note(language)))] } ?? [])
          + (step.hide.map { [("hide", JSON.string($0.rawValue))] } ?? []))
    }

    /// The info string's arguments; the one positional word (an `answer` block's exercise id,
    /// SPEC §3) first, as `id`.
    static func arguments(_ step: Step) -> [(String, JSON)] {
        let id: [(String, JSON)] = step.positional.prefix(1).map { ("id", .string($0)) }
        return id + step.arguments.map { ($0.key, encode($0.value)) }
    }

    public static func encode(_ error: LessonError, language: LessonLanguage = .english) -> JSON {
        .object([("message", .string(Phrasebook.message(error.message, language))), ("line", .int(error.line)),
                 ("column", .int(error.column))])
    }

    public static func encode(_ value: ArgValue) -> JSON {
        switch value {
        case .number(let x, _): .counting(x)
        case .word(let w): .string(w)
        case .string(let s): .string(s)
        case .list(let items): .array(items.map(encode))
        }
    }

    /// An exercise's result; `visibility` and `tags` appear only when the key sets them.
    public static func encode(_ exercise: ExerciseResult) -> JSON {
        var pairs: [(String, JSON)] = [
            ("id", .string(exercise.id)),
            ("points", .number(exercise.points)),
            ("score", .number(exercise.score)),
            ("passed", .bool(exercise.passed)),
            ("feedback", .string(exercise.feedback)),
        ]
        if exercise.visibility != .visible { pairs.append(("visibility", .string(exercise.visibility.rawValue))) }
        if !exercise.tags.isEmpty { pairs.append(("tags", .array(exercise.tags.map { .string($0) }))) }
        return .object(pairs)
    }

    public static func encode(_ named: NamedValue, language: LessonLanguage = .english) -> JSON {
        var pairs: [(String, JSON)] = [("name", .string(named.name))]
        pairs.append(contentsOf: encodeValue(named.value))
        if let f = named.formula { pairs.append(("formula", .string(named.formulaRepeatsSource ? f : Phrasebook.formula(f, language)))) }
        // How renderers draw it (SPEC §6 leaves it out; readers may ignore it). A chart also
        // gives what the picture needs beyond the table.
        if named.role != .plain { pairs.append(("role", .string(named.role.name))) }
        if case .chart(let kind, let title, let xlabel, let ylabel, let log) = named.role {
            pairs.append(("chart", .object([("kind", .string(kind.rawValue)), ("title", .string(title)),
                                            ("xlabel", .string(xlabel)), ("ylabel", .string(ylabel)), ("log", .bool(log))])))
        }
        return .object(pairs)
    }

    /// The `kind` and payload keys of a value.
    public static func encodeValue(_ value: Value) -> [(String, JSON)] {
        switch value {
        case .tensor(let t):
            var pairs: [(String, JSON)] = [("kind", .string("number")),
                                          ("shape", .array(t.shape.map { .int($0) }))]
            let data: JSON
            switch t.rank {
            case 0: data = .finite(t.data[0])
            case 1: data = .numbers(Array(t.data))
            default:
                let c = t.cols
                data = .array((0..<t.rows).map { r in .numbers(Array(t.data[r * c ..< r * c + c])) })
            }
            pairs.append(("data", data))
            if let rows = t.rowLabels { pairs.append(("rows", .array(rows.map { .string($0) }))) }
            if let cols = t.colLabels { pairs.append(("cols", .array(cols.map { .string($0) }))) }
            return pairs
        case .tokens(let list):
            var pairs: [(String, JSON)] = [("kind", .string("tokens")), ("tokens", .array(list.tokens.map { .string($0) }))]
            if let ids = list.ids { pairs.append(("ids", .array(ids.map { .int($0) }))) }
            return pairs
        case .text(let s):
            return [("kind", .string("text")), ("text", .string(s))]
        case .table(let table):
            return [("kind", .string("table")), ("columns", .array(table.columns.map { .string($0) })),
                    ("rows", .array(table.rows.map { row in .array(row.enumerated().map { j, cell in
                        switch cell {
                        case .number(let x): return table.countColumns.contains(j) ? JSON.counting(x) : JSON.finite(x)
                        case .text(let s): return .string(s)
                        }
                    }) }))]
        case .network:
            guard let record = value.record else { return [] }
            return [("kind", .string(record.kind)),
                    ("fields", .object(record.fields.map { ($0.name, .object(encodeValue($0.value))) }))]
        }
    }
}
