import StepmarkCore

/// A list of tokens, with their vocabulary ids when known.
public struct TokenList: Sendable, Equatable {
    public var tokens: [String]
    public var ids: [Int]?
    public init(_ tokens: [String], ids: [Int]? = nil) { self.tokens = tokens; self.ids = ids }
}

/// A table with named columns of mixed cells (numbers and text), such as BPE merges or a
/// ranking.
public struct Table: Sendable, Equatable {
    public enum Cell: Sendable, Equatable {
        case number(Double)
        case text(String)
    }
    public var columns: [String]
    public var rows: [[Cell]]
    /// The columns that count things (a BPE merge's `count`): JSON writes them as integers
    /// (SPEC §6's `9`), and every other number as a float (a probability of 1 stays `1.0`).
    public var countColumns: Set<Int> = []
    public init(columns: [String], rows: [[Cell]], countColumns: Set<Int> = []) {
        self.columns = columns; self.rows = rows; self.countColumns = countColumns
    }
}

/// How a value made of named parts (a network) is written out: its kind and its fields in
/// order. Only a view for JSON and the renderers' short notes; the environment keeps the typed
/// value (`Value.network`), so no directive reads a part back by name.
public struct Record: Sendable, Equatable {
    public var kind: String
    public var fields: [(name: String, value: Value)]
    public init(kind: String, fields: [(name: String, value: Value)]) { self.kind = kind; self.fields = fields }
    public subscript(name: String) -> Value? { fields.first { $0.name == name }?.value }
    public static func == (a: Record, b: Record) -> Bool {
        a.kind == b.kind && a.fields.count == b.fields.count
            && zip(a.fields, b.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// A network's parts: `layers` (a vector of sizes), `activation` and `output` (text), then
    /// `W1`, `b1`, `W2`, `b2`, … (the JSON of SPEC §7).
    public init(network net: Network) {
        var fields: [(name: String, value: Value)] = [
            ("layers", .tensor(.vector(net.layers.map(Double.init)))),
            ("activation", .text(net.hidden.rawValue)),
            ("output", .text(net.output.rawValue)),
        ]
        for (name, t) in net.namedValues { fields.append((name, .tensor(t))) }
        self.init(kind: "network", fields: fields)
    }
}

/// Everything a name in a lesson can stand for.
public enum Value: Sendable, Equatable {
    case tensor(Tensor)
    case tokens(TokenList)
    case text(String)
    case table(Table)
    /// A network (`network`, trained by `backprop`, used by `forward`): stored typed.
    case network(Network)

    /// The value's parts when it has named parts (a network), for JSON and the renderers.
    public var record: Record? {
        if case .network(let net) = self { return Record(network: net) }
        return nil
    }

    /// "number", "tokens", "text", "table" — the JSON `kind`.
    public var kind: String {
        switch self {
        case .tensor: "number"
        case .tokens: "tokens"
        case .text: "text"
        case .table: "table"
        case .network: "network"
        }
    }

    /// How the value is described in errors: "a [3, 2] matrix", "a token list of 4".
    public var summary: String {
        switch self {
        case .tensor(let t):
            switch t.rank {
            case 0: return "a number"
            case 1: return "a vector of \(t.count)"
            default: return "a \(t.shape[0])×\(t.shape[1]) matrix"
            }
        case .tokens(let l): return "a token list of \(l.tokens.count)"
        case .text: return "text"
        case .table(let t): return "a table of \(t.rows.count) rows"
        case .network: return "a network"
        }
    }

    /// The number of entries, for the size limit (an empty tensor is charged its
    /// `footprint`: one entry per row or column it still has).
    public var entryCount: Int {
        switch self {
        case .tensor(let t): t.footprint
        case .tokens(let l): l.tokens.count
        case .text(let s): s.utf8.count / 8
        case .table(let t): t.rows.count * max(t.columns.count, 1)
        case .network(let net): net.namedValues.reduce(net.layers.count) { $0 + $1.value.count }
        }
    }

    /// What the value is charged against the lesson's total (`Limits.maxLessonEntries`): its
    /// entries weighed by what they hold in memory, in units of eight bytes. A number is 1; a label
    /// or a token (a string) 2, and 1 more per 8 bytes of text past 15; a table cell 3 and each
    /// row 12 more (a table's rows are arrays of enum cells, some 90 bytes a row of two, and
    /// its JSON some 230 while a page is written). A
    /// red-team lesson of 5 KB recorded 5 million rows of `generate` candidates, charged as 10
    /// million entries of the 16 million allowed, and took 690 MB.
    public var lessonCharge: Int {
        func text(_ s: String) -> Int { 2 + max(0, s.utf8.count - 15) / 8 }
        switch self {
        case .tensor(let t):
            return t.footprint + (t.rowLabels ?? []).reduce(0) { $0 + text($1) } + (t.colLabels ?? []).reduce(0) { $0 + text($1) }
        case .tokens(let l):
            return l.tokens.reduce(0) { $0 + text($1) } + (l.ids?.count ?? 0)
        case .text(let s):
            return 1 + s.utf8.count / 8
        case .table(let t):
            let cells = t.rows.reduce(0) { total, row in
                total + 12 + row.reduce(0) { if case .text(let s) = $1 { $0 + 1 + text(s) } else { $0 + 3 } }
            }
            return cells + t.columns.reduce(0) { $0 + text($1) }
        case .network:
            return entryCount
        }
    }

    public var tensor: Tensor? { if case .tensor(let t) = self { t } else { nil } }
}

/// Resource limits of SPEC §7. Each has a command-line flag that raises it for trusted lessons.
public struct Limits: Sendable, Equatable {
    /// The most entries any one value may have (`--max-entries`).
    public var maxEntries = 1_000_000
    /// The most `steps` or `epochs` of a training directive (`--max-steps`).
    public var maxSteps = 100_000
    /// The most tokens `generate` may produce (`--max-tokens`).
    public var maxTokens = 1_000
    /// The largest lesson or submission file in bytes (`--max-file-bytes`).
    public var maxFileBytes = 10_000_000
    /// Wall-clock seconds a lesson may run (`--max-seconds`).
    public var maxSeconds: Double = 10
    /// How deeply expressions and literals may nest (no flag: deeper is never a real lesson).
    public var maxNesting = 64
    /// Where `model from=NAME` looks for the folder NAME (`--model-dir`): not a limit, but a
    /// setting every run of a lesson carries along with them. Nil: `$STEPMARK_MODEL_DIR`, else
    /// the nearest `.cache/models` (`modelDirectories`).
    public var modelDirectory: String?

    /// How many times `maxEntries` the recorded values of a whole lesson may hold together
    /// (issue 15: the value limit also bounds a lesson, which keeps every recorded value).
    public static let lessonEntriesFactor = 16

    /// The most entries all recorded values of one lesson may hold (raised by `--max-entries`).
    /// The most values a lesson may record: 10,000, or a hundredth of `maxEntries` when that
    /// is more (`--max-entries` raises it). However small, each value has its record and its
    /// heading and table in every report: a 140 KB lesson of 70,000 network layers recorded
    /// hundreds of thousands of them, a 458 MB page in 26 s.
    public var maxLessonValues: Int { max(10_000, maxEntries / 100) }

    public var maxLessonEntries: Int {
        let (n, overflow) = maxEntries.multipliedReportingOverflow(by: Limits.lessonEntriesFactor)
        return overflow ? .max : n
    }

    public init() {}
}
