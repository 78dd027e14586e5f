import CYAML

/// One YAML document (a lesson's front matter, a `course.yml`) read into Swift values by
/// libyaml's event parser. The only Swift file that touches libyaml.
///
/// libyaml does all the reading (quoting, block and flow style, comments, anchors, positions
/// and its error messages); this file only turns its events into values, the way Yams did
/// before it (Yams imports all of Foundation, whose ICU data was 40+ MB of the static binary):
///
/// - Plain scalars resolve by YAML 1.2's core schema (SPEC §8: `~`, `null` and nothing are
///   null; `true` and `false` are booleans; integers in decimal, `0o` and `0x`; floats
///   including `.inf` and `.nan`); quoted scalars are always text.
///   Timestamps (`2026-12-05`) stay text, as written. `!!str`, `!!int`, `!!float`, `!!bool`
///   and `!!null` are honoured; other tags are ignored.
/// - Aliases (`*name`) stand for the anchored value, merge keys (`<<: *base`) merge mappings.
/// - A key given twice in one mapping is an error, as are aliases that would repeat more than
///   `maxAliasedValues` values (a "billion laughs" document is refused, not expanded) and
///   lists and mappings nested deeper than `maxDepth`.
enum YAMLDocument {
    /// Lists and mappings inside one another, aliases included; front matter needs two or three.
    static let maxDepth = 64
    /// Values that aliases may repeat, in all.
    static let maxAliasedValues = 10_000

    /// Reads the one document of `text`. Empty text, or only comments, is `.null`.
    static func load(_ text: String, maxDepth: Int = maxDepth, maxAliasedValues: Int = maxAliasedValues) throws(YAMLError) -> YAMLNode {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { bytes = [0] }  // a valid pointer; the length below stays 0
        let count = text.utf8.count
        return try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLError) -> YAMLNode in
            let loader = Loader(buffer.baseAddress!, count: count, text: text, maxDepth: maxDepth, maxAliasedValues: maxAliasedValues)
            return try loader.document()
        }
    }
}

/// A position in the YAML text, both numbers from 1 (libyaml counts from 0); the column counts
/// Unicode scalars.
struct YAMLMark: Sendable, Equatable, CustomStringConvertible {
    var line: Int
    var column: Int
    var description: String { "\(line):\(column)" }
}

/// A value and where it starts.
struct YAMLNode: Sendable, Equatable {
    var value: YAMLValue
    /// A scalar as written (after unquoting and folding, before resolving): `yes`, `0x10`,
    /// `2026-12-05`. Nil for lists and mappings.
    var text: String?
    var mark: YAMLMark

    /// The value's text for a message: a scalar as written (`null` when nothing is), `[a, b]`,
    /// `{k: v}`.
    var written: String {
        switch value {
        case .list(let items): return "[" + items.map(\.written).joined(separator: ", ") + "]"
        case .map(let entries): return "{" + entries.map { "\($0.key): \($0.node.written)" }.joined(separator: ", ") + "}"
        case .null where text == "": return "null"
        default: return text ?? ""
        }
    }
}

indirect enum YAMLValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([YAMLNode])
    /// Keys in the document's order, each once.
    case map([YAMLEntry])

    /// The value of `key` in a mapping; nil for a key it does not have, or when not a mapping.
    subscript(key: String) -> YAMLNode? {
        guard case .map(let entries) = self else { return nil }
        return entries.entry(key)?.node
    }

    var isCollection: Bool {
        switch self {
        case .list, .map: return true
        default: return false
        }
    }
}

/// One `key: value` of a mapping.
struct YAMLEntry: Sendable, Equatable {
    /// The key as written (keys are always text: `1:` is the key "1").
    var key: String
    var keyMark: YAMLMark
    var node: YAMLNode

    /// Where a message about this key's value points: at the value when it starts on the key's
    /// line, else just after `key: ` (the value is empty, or a block list or mapping below).
    var valueMark: YAMLMark {
        if node.mark.line == keyMark.line && !(node.value == .null && node.text == "") { return node.mark }
        return YAMLMark(line: keyMark.line, column: keyMark.column + key.unicodeScalars.count + 2)
    }
}

extension YAMLEntry {
    /// The value as text, as written (`date: 2026-12-05`, `lang: no` stay as they are); nil when
    /// it is null, and nil with an error at `position` when it is a list or mapping.
    func text(errors: inout [LessonError], at position: SourcePosition) -> String? {
        switch node.value {
        case .null: return nil
        case .list, .map:
            errors.append(LessonError("\(key): expects text, not a list or mapping", at: position))
            return nil
        default: return node.text
        }
    }
}

extension Array where Element == YAMLEntry {
    /// The entry of `key` (keys are unique: one given twice is an error when loading).
    func entry(_ key: String) -> YAMLEntry? { first { $0.key == key } }
}

/// libyaml's error (its `context` and `problem`, and where), or one of the loader's: a key given
/// twice, an undefined alias, too many aliased values, too deep, a list or mapping as a key.
struct YAMLError: Error, Equatable, CustomStringConvertible {
    var context: String?
    var problem: String
    /// Where the problem is (libyaml's `problem_mark`).
    var mark: YAMLMark

    /// `context, problem`, as Yams's errors read before, and what to do for the two a newcomer
    /// meets first (libyaml's words name the rule, not the fix; a teacher's first-hour review).
    var description: String {
        let said = [context, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
        if problem.contains("mapping values are not allowed") {
            return said + "; a value that holds ': ' needs quotes, as in title: \"Attention: a first look\""
        }
        if problem.contains("found a tab character") { return said + "; indent with spaces, not tabs" }
        return said
    }
}

// MARK: - The loader

/// libyaml's events, one at a time, into nodes. Recursion is as deep as the document's nesting,
/// which `maxDepth` bounds.
private final class Loader {
    /// On the heap: `yaml_parser_set_input_string` keeps a pointer to the parser itself.
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let text: String
    private let maxDepth: Int
    private let maxAliasedValues: Int
    /// Values the aliases so far repeat.
    private var aliased = 0

    /// What an anchor names, with what a key and the limits need.
    private struct Loaded {
        var node: YAMLNode
        /// The scalar as written and its resolved tag (for keys); nil for lists and mappings.
        var scalar: (text: String, tag: String)?
        /// Nodes in the value once aliases are expanded.
        var weight: Int
        /// Lists and mappings inside one another, 0 for a scalar.
        var height: Int
    }
    private var anchors: [String: Loaded] = [:]

    init(_ input: UnsafePointer<UInt8>, count: Int, text: String, maxDepth: Int, maxAliasedValues: Int) {
        parser = .allocate(capacity: 1)
        yaml_parser_initialize(parser)
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, input, count)
        self.text = text
        self.maxDepth = maxDepth
        self.maxAliasedValues = maxAliasedValues
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
    }

    /// The stream's one document, in the order of events Yams read them (so that the same error
    /// comes first).
    func document() throws(YAMLError) -> YAMLNode {
        _ = try next()  // STREAM-START
        guard try next().kind != .streamEnd else { return YAMLNode(value: .null, text: "", mark: YAMLMark(line: 1, column: 1)) }
        let root = try load(try next(), depth: 1)
        _ = try next()  // DOCUMENT-END
        let after = try next()
        guard after.kind == .streamEnd else {
            throw YAMLError(context: "expected a single document in the stream", problem: "but found another document", mark: after.mark)
        }
        return root.node
    }

    // MARK: Events

    private struct Event {
        enum Kind { case streamStart, streamEnd, documentStart, documentEnd, alias, scalar, sequenceStart, sequenceEnd, mappingStart, mappingEnd, other }
        var kind: Kind
        var anchor: String?
        var tag: String?
        var value = ""
        var plain = false
        var quotedImplicit = false
        var mark: YAMLMark
    }

    /// The next event, copied out of libyaml's and freed.
    private func next() throws(YAMLError) -> Event {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { throw error() }
        defer { yaml_event_delete(&event) }
        var next = Event(kind: .other, mark: YAMLMark(line: event.start_mark.line + 1, column: event.start_mark.column + 1))
        switch event.type {
        case YAML_STREAM_START_EVENT: next.kind = .streamStart
        case YAML_STREAM_END_EVENT: next.kind = .streamEnd
        case YAML_DOCUMENT_START_EVENT: next.kind = .documentStart
        case YAML_DOCUMENT_END_EVENT: next.kind = .documentEnd
        case YAML_ALIAS_EVENT:
            next.kind = .alias
            next.anchor = Self.string(event.data.alias.anchor)
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            next.kind = .scalar
            next.anchor = Self.string(scalar.anchor)
            next.tag = Self.string(scalar.tag)
            // Counted, not NUL-terminated: a double-quoted scalar may hold "\0".
            next.value = scalar.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self) } ?? ""
            next.plain = scalar.style == YAML_PLAIN_SCALAR_STYLE
            next.quotedImplicit = scalar.quoted_implicit != 0
        case YAML_SEQUENCE_START_EVENT:
            next.kind = .sequenceStart
            next.anchor = Self.string(event.data.sequence_start.anchor)
        case YAML_SEQUENCE_END_EVENT: next.kind = .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            next.kind = .mappingStart
            next.anchor = Self.string(event.data.mapping_start.anchor)
        case YAML_MAPPING_END_EVENT: next.kind = .mappingEnd
        default: break
        }
        return next
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(decodingCString: $0, as: UTF8.self) }
    }

    /// libyaml's error, with its marks from 1.
    private func error() -> YAMLError {
        let p = parser.pointee
        let problem = p.problem.map { String(cString: $0) } ?? "unknown problem"
        switch p.error {
        case YAML_MEMORY_ERROR:
            return YAMLError(problem: "out of memory", mark: YAMLMark(line: 1, column: 1))
        case YAML_READER_ERROR:
            // The reader gives a byte offset, not a mark.
            return YAMLError(problem: problem, mark: mark(ofByte: p.problem_offset))
        default:
            return YAMLError(context: p.context.map { String(cString: $0) }, problem: problem,
                             mark: YAMLMark(line: p.problem_mark.line + 1, column: p.problem_mark.column + 1))
        }
    }

    private func mark(ofByte offset: Int) -> YAMLMark {
        var line = 1, column = 1, at = 0
        for scalar in text.unicodeScalars {
            if at >= offset { break }
            at += UTF8.width(scalar)
            if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return YAMLMark(line: line, column: column)
    }

    // MARK: Nodes

    private func load(_ event: Event, depth: Int) throws(YAMLError) -> Loaded {
        switch event.kind {
        case .alias:
            guard let name = event.anchor, var loaded = anchors[name] else {
                throw YAMLError(problem: "found undefined alias", mark: event.mark)
            }
            aliased += loaded.weight
            if aliased > maxAliasedValues {
                throw YAMLError(problem: "the aliases (*) repeat more than \(maxAliasedValues) values", mark: event.mark)
            }
            if depth - 1 + loaded.height > maxDepth { throw tooDeep(event) }
            loaded.node.mark = event.mark
            return loaded
        case .scalar:
            let (value, tag) = Self.resolve(event)
            return register(event, Loaded(node: YAMLNode(value: value, text: event.value, mark: event.mark), scalar: (event.value, tag), weight: 1, height: 0))
        case .sequenceStart:
            if depth > maxDepth { throw tooDeep(event) }
            var items: [YAMLNode] = []
            var weight = 1, height = 1
            while true {
                let item = try next()
                if item.kind == .sequenceEnd { break }
                let loaded = try load(item, depth: depth + 1)
                items.append(loaded.node)
                weight += loaded.weight
                height = max(height, loaded.height + 1)
            }
            return register(event, Loaded(node: YAMLNode(value: .list(items), mark: event.mark), weight: weight, height: height))
        case .mappingStart:
            if depth > maxDepth { throw tooDeep(event) }
            var pairs: [(key: (text: String, tag: String), keyMark: YAMLMark, value: Loaded)] = []
            var weight = 1, height = 1
            while true {
                let keyEvent = try next()
                if keyEvent.kind == .mappingEnd { break }
                let key = try load(keyEvent, depth: depth + 1)
                guard let scalar = key.scalar else {
                    throw YAMLError(problem: "a key must be a single value, not a list or mapping", mark: key.node.mark)
                }
                let value = try load(try next(), depth: depth + 1)
                pairs.append((scalar, key.node.mark, value))
                weight += key.weight + value.weight
                height = max(height, value.height + 1)
            }
            try checkDuplicates(pairs.map { ($0.key, $0.keyMark) })
            let entries = Self.merged(pairs.map { ($0.key, YAMLEntry(key: $0.key.text, keyMark: $0.keyMark, node: $0.value.node)) })
            return register(event, Loaded(node: YAMLNode(value: .map(entries), mark: event.mark), weight: weight, height: height))
        default:
            throw YAMLError(problem: "found an unexpected event", mark: event.mark)
        }
    }

    private func tooDeep(_ event: Event) -> YAMLError {
        YAMLError(problem: "lists and mappings are nested more than \(maxDepth) deep", mark: event.mark)
    }

    private func register(_ event: Event, _ loaded: Loaded) -> Loaded {
        // An anchor defined again names the later value from there on.
        if let name = event.anchor { anchors[name] = loaded }
        return loaded
    }

    /// Yams's rule: keys equal as written and in resolved tag (`1` and `"1"` differ); the
    /// message names each such key (sorted), the position is the first of the first.
    private func checkDuplicates(_ keys: [(key: (text: String, tag: String), mark: YAMLMark)]) throws(YAMLError) {
        // Each key seen, and the place it is given again: the error points there (the
        // repetition is the mistake, as a compiler points at a redefinition), the first such.
        var seen = Set<String>()
        var again: [String: Int] = [:]
        for (i, key) in keys.enumerated() {
            let id = key.key.tag + "\u{0}" + key.key.text
            if !seen.insert(id).inserted, again[id] == nil { again[id] = i }
        }
        guard let head = again.values.min() else { return }
        let twice = again.values.map { keys[$0].key.text }.sorted()
        throw YAMLError(problem: "a key is given twice: " + twice.joined(separator: ", "), mark: keys[head].mark)
    }

    /// The mapping's entries with merge keys (`<<: *base`, `<<: [*a, *b]`) replaced by the
    /// entries they bring (the mapping's own win, then the earlier of a list), each key once
    /// (the last one: `1:` and `"1":` are both the key "1").
    private static func merged(_ pairs: [(key: (text: String, tag: String), entry: YAMLEntry)]) -> [YAMLEntry] {
        var brought: [YAMLEntry] = []
        var own: [YAMLEntry] = []
        for (key, entry) in pairs {
            guard key.tag == Tag.merge else { own.append(entry); continue }
            switch entry.node.value {
            case .map(let entries): brought += entries
            case .list(let items):
                for item in items.reversed() { if case .map(let entries) = item.value { brought += entries } }
            default: break  // Yams ignored a merge of anything else
            }
        }
        let all = brought + own
        guard all.count > 1 else { return all }
        var seen: Set<String> = []
        var unique: [YAMLEntry] = []
        for entry in all.reversed() where seen.insert(entry.key).inserted { unique.append(entry) }
        return unique.reversed()
    }

    // MARK: Scalars

    private enum Tag {
        static let prefix = "tag:yaml.org,2002:"
        static let str = prefix + "str", bool = prefix + "bool", int = prefix + "int", float = prefix + "float"
        static let null = prefix + "null", merge = prefix + "merge"
    }

    /// The value of a scalar and its tag: the explicit one, `str` when quoted, else the first
    /// of the YAML 1.2 core schema's rules its text matches.
    private static func resolve(_ event: Event) -> (YAMLValue, String) {
        let text = event.value
        let tag: String
        if event.quotedImplicit || event.tag == "!" {
            tag = Tag.str
        } else if let explicit = event.tag {
            tag = explicit
        } else {
            tag = implicitTag(text)
        }
        let value: YAMLValue?
        switch tag {
        case Tag.bool: value = booleans[text].map(YAMLValue.bool)
        case Tag.int: value = event.plain && isInteger(Array(text.utf8)) ? integer(text).map(YAMLValue.int) : nil
        case Tag.float:
            // `!!float 3`: an integer is a float too when the tag says so.
            let s = Array(text.utf8)
            value = event.plain && (isFloat(s) || isInteger(s)) ? float(text).map(YAMLValue.double) : nil
        case Tag.null: value = event.plain && nulls.contains(text) ? .null : nil
        default: value = nil  // str, timestamp (kept as written), merge (a key), binary, others
        }
        return (value ?? .string(text), tag)
    }

    /// The YAML 1.2 core schema (SPEC §8), in its order: null, bool, int, float; then the merge
    /// key `<<`, which YAML 1.2 dropped but libyaml's users still write. Everything else is
    /// text, timestamps too: a date stays as written. YAML 1.1's extra forms are text here:
    /// `yes`, `no`, `on`, `off`, `y`; `010` is ten, not eight; `0b11`, `1_000` and base 60
    /// (`1:30`) are not numbers (with YAML 1.1, `points: 010` gave 8 points and `partial: on`
    /// partial credit).
    private static func implicitTag(_ text: String) -> String {
        if nulls.contains(text) { return Tag.null }
        if booleans[text] != nil { return Tag.bool }
        let s = Array(text.utf8)
        if isInteger(s) { return Tag.int }
        if isFloat(s) { return Tag.float }
        if text == "<<" { return Tag.merge }
        return Tag.str
    }

    /// The plain scalars that are null.
    private static let nulls: Set<String> = ["", "~", "null", "Null", "NULL"]

    private static let booleans: [String: Bool] = [
        "true": true, "True": true, "TRUE": true, "false": false, "False": false, "FALSE": false,
    ]

    // The core schema's patterns, over UTF-8 bytes (each is ASCII).

    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    /// `c` and what follows while `allowed`; returns the index after them.
    private static func skip(_ s: [UInt8], from i: Int, while allowed: (UInt8) -> Bool) -> Int {
        var j = i
        while j < s.count && allowed(s[j]) { j += 1 }
        return j
    }

    private static func optionalSign(_ s: [UInt8]) -> Int {
        s.first == UInt8(ascii: "-") || s.first == UInt8(ascii: "+") ? 1 : 0
    }

    /// `[-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+`
    private static func isInteger(_ s: [UInt8]) -> Bool {
        if s.count > 2, s[0] == UInt8(ascii: "0"), s[1] == UInt8(ascii: "o") {
            return skip(s, from: 2) { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") } == s.count
        }
        if s.count > 2, s[0] == UInt8(ascii: "0"), s[1] == UInt8(ascii: "x") {
            return skip(s, from: 2) { isDigit($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0 | 0x20) } == s.count
        }
        let i = optionalSign(s)
        return i < s.count && skip(s, from: i, while: isDigit) == s.count
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)`
    private static func isFloat(_ s: [UInt8]) -> Bool {
        let dot = UInt8(ascii: ".")
        let text = String(decoding: s, as: UTF8.self)
        if [".nan", ".NaN", ".NAN"].contains(text) { return true }
        let sign = optionalSign(s)
        if [".inf", ".Inf", ".INF"].contains(String(decoding: s[sign...], as: UTF8.self)) { return true }
        var end: Int
        if sign < s.count, s[sign] == dot {
            end = skip(s, from: sign + 1, while: isDigit)
            if end == sign + 1 { return false }
        } else {
            end = skip(s, from: sign, while: isDigit)
            if end == sign { return false }
            if end < s.count, s[end] == dot { end = skip(s, from: end + 1, while: isDigit) }
        }
        if end == s.count { return true }
        // [eE][-+]?[0-9]+ to the end.
        guard s[end] | 0x20 == UInt8(ascii: "e") else { return false }
        var j = end + 1
        if j < s.count && (s[j] == UInt8(ascii: "-") || s[j] == UInt8(ascii: "+")) { j += 1 }
        return j < s.count && skip(s, from: j, while: isDigit) == s.count
    }

    /// An integer of the core schema (`isInteger`): decimal, whatever its leading zeros, or
    /// `0o` octal or `0x` hexadecimal; nil (the scalar stays text) when it does not fit.
    private static func integer(_ text: String) -> Int? {
        if text.hasPrefix("0o") { return Int(text.dropFirst(2), radix: 8) }
        if text.hasPrefix("0x") { return Int(text.dropFirst(2), radix: 16) }
        return Int(text)
    }

    /// A float of the core schema (`isFloat`, or an integer tagged `!!float`).
    private static func float(_ text: String) -> Double? {
        switch text.lowercased() {
        case ".inf", "+.inf": return .infinity
        case "-.inf": return -.infinity
        case ".nan": return .nan
        default:
            if text.hasPrefix("0o") || text.hasPrefix("0x") { return integer(text).map(Double.init) }
            // `1.` and `1.e3` are floats in YAML; Double's parser wants a digit after the point.
            var written = text
            if let point = written.firstIndex(of: ".") {
                let next = written.index(after: point)
                if next == written.endIndex || !("0"..."9").contains(written[next]) { written.insert("0", at: next) }
            }
            return Double(written)
        }
    }
}

