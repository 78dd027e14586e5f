/// A lesson's YAML front matter (SPEC §8): the `---` block at the very top of the file.
///
/// Read by libyaml (`YAMLDocument`), a well-kept YAML parser, rather than by hand: front matter
/// is written by people used to Quarto and Jekyll, with quoting, lists and comments. Keys
/// stepmark does not know are kept out of the way (Quarto's own keys may be there too).
public struct FrontMatter: Sendable, Equatable {
    public var title: String?
    public var subtitle: String?
    public var authors: [String] = []
    public var date: String?
    /// BCP-47 language tag (`ko`, `en`).
    public var lang: String?
    public var description: String?
    /// An assignment's variant (SPEC §4): present only in assignments written by
    /// `stepmark assign`, so its presence is what marks a file as an assignment.
    public var variant: Int?
    /// True when the YAML could not be read and `variant` is the grader's reading of its line
    /// (`declaredVariant`).
    public var variantReadWithoutYAML = false
    /// `exercise-defaults`: `points`, `tol`, `partial` for every exercise that does not set them.
    public var defaultPoints: Double?
    public var defaultTolerance: Double?
    public var defaultPartial: Bool?
    /// The number of lines the front matter takes, fences included.
    public var lineCount: Int
    /// What reads like a slip (a key one letter off one stepmark reads, a `lang` it does not
    /// write in): warnings, since other tools' keys may stand there too.
    public var warnings: [LessonError] = []

    /// The keys stepmark reads (SPEC §8), and those of `exercise-defaults`.
    public static let keys = ["title", "subtitle", "author", "date", "lang", "description", "variant", "exercise-defaults"]
    public static let defaultKeys = ["points", "tol", "partial"]

    /// The largest variant `assign` writes (SPEC §4: the hash mod 1,000,000).
    public static let variantLimit = 1_000_000

    /// The `variant:` of a submission's front matter, read without a YAML parser: a submission
    /// is untrusted, and this needs one integer from the first lines only (linear, bounded).
    public static func declaredVariant(in text: String) -> VariantDeclaration {
        var lineNumber = 0
        var inFrontMatter = false
        // A second `variant:` line (a YAML reader would keep one or the other) is not a variant.
        var found: (n: Int, text: String)? = nil
        var indent: Int? = nil
        let all = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        // The whole of a closed front matter, as YAML reads it (a variant line past line 200
        // was the check's and not the grade's; a red-team pass); of one never closed, the
        // first 200 lines.
        let closes = all.count > 1 && all.dropFirst().contains { let t = $0.trimmingTrailingSpaces(); return t == "---" || t == "..." }
        for line in all {
            lineNumber += 1
            if !closes && lineNumber > 200 { break }
            let trimmed = line.trimmingTrailingSpaces()
            if lineNumber == 1 {
                let first = trimmed.hasPrefix("\u{FEFF}") ? trimmed.dropFirst() : trimmed
                guard first == "---" else { return .none }
                inFrontMatter = true
                continue
            }
            guard inFrontMatter else { return .none }
            if trimmed == "---" || trimmed == "..." { break }
            // The mapping's indentation, as `assign` indents the variant line: its first key's.
            if indent == nil { indent = contentIndent(trimmed) }
            switch variantLineDeclaration(trimmed, indent: indent ?? 0) {
            case .none: continue
            case .invalid(let written): return .invalid(written)
            case .number(let n):
                if let first = found { return .invalid(String((first.text + ", then " + String(n)).prefix(40))) }
                found = (n, String(n))
            }
        }
        return found.map { .number($0.n) } ?? .none
    }

    /// The lines a front matter takes at the start of `lines` (its `---` lines included), found
    /// without reading its YAML: for a submission, which is untrusted. 0 when there is none or
    /// it is never closed.
    public static func extent(_ lines: [String]) -> Int {
        guard let first = lines.first, first.trimmingTrailingSpaces() == "---",
              let close = lines.dropFirst().firstIndex(where: { ["---", "..."].contains($0.trimmingTrailingSpaces()) }) else { return 0 }
        return close + 1
    }

    /// The variant on a front-matter line written as `assign` writes it: `indent` spaces (the
    /// mapping's own, as assign indents it), `variant:`, spaces, one to six digits (no leading
    /// zero), then at most
    /// a YAML comment (`variant: 426695  # mine`); nil for any other line. Read without YAML,
    /// because a submission is untrusted (`Variant.declaration`).
    public static func variantLine(_ line: Substring, indent: Int = 0) -> Int? {
        guard case .number(let n) = variantLineDeclaration(line, indent: indent) else { return nil }
        return n
    }

    /// What a front-matter line says of the variant: `.none` when it is no `variant:` line at
    /// `indent`, `.invalid` with the value as written when it is one but its value is not a
    /// variant.
    public static func variantLineDeclaration(_ line: Substring, indent: Int = 0) -> VariantDeclaration {
        guard line.prefix(indent).allSatisfy({ $0 == " " }) else { return .none }
        let trimmed = line.dropFirst(indent).trimmingTrailingSpaces()
        guard trimmed.hasPrefix("variant:") else { return .none }
        var digits = trimmed.dropFirst("variant:".count).drop { $0 == " " || $0 == "\t" }
        // A YAML comment after the value, which YAML reads past.
        if let hash = digits.indices.first(where: { digits[$0] == "#" && $0 > digits.startIndex && [" ", "\t"].contains(digits[digits.index(before: $0)]) }) {
            digits = digits[..<hash].trimmingTrailingSpaces()
        }
        // No leading zero, as assign writes it: YAML reads `010` as octal 8, this as ten, and
        // the student's check and grade would disagree (a review).
        guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              digits.first != "0" || digits.count == 1, let n = Int(digits) else {
            return .invalid(String(digits.prefix(40)))
        }
        return .number(n)
    }

    /// What a line or a front matter says of an assignment's variant.
    public enum VariantDeclaration: Equatable, Sendable {
        /// No front matter, or no `variant:` line in it.
        case none
        case number(Int)
        /// A `variant:` line whose value is not a variant (0 to 999,999, digits only, as
        /// `assign` writes it); the text as written, at most 40 characters.
        case invalid(String)
    }

    /// The indentation of a front-matter line that holds YAML (spaces before it); nil for a
    /// blank line or a comment. The first such line gives the mapping's own indentation.
    public static func contentIndent<S: StringProtocol>(_ line: S) -> Int? {
        let indent = line.prefix { $0 == " " }.count
        let rest = line.dropFirst(indent)
        if rest.allSatisfy({ $0 == " " || $0 == "\t" }) || rest.hasPrefix("#") { return nil }
        return indent
    }

    /// The `lang:` of a front matter YAML cannot read, read as the variant is: the one line
    /// `lang: ko` (`lang: "ko"`, `"lang": ko`, a comment after it) at the mapping's
    /// indentation; nil when there is none, more than one, or its value is no plain tag.
    static func declaredLanguage(_ lines: ArraySlice<String>) -> String? {
        var indent: Int? = nil
        var found: [String] = []
        for line in lines.prefix(200) {
            let trimmed = line.trimmingTrailingSpaces()
            if indent == nil { indent = contentIndent(trimmed) }
            let key = trimmed.dropFirst(indent ?? 0)
            guard trimmed.prefix(indent ?? 0).allSatisfy({ $0 == " " }),
                  let name = ["lang:", "\"lang\":", "'lang':"].first(where: { key.hasPrefix($0) }) else { continue }
            var value = key.dropFirst(name.count).drop { $0 == " " || $0 == "\t" }
            // A YAML comment after the value (`lang: ko  # Korean`).
            if let hash = value.indices.first(where: { value[$0] == "#" && $0 > value.startIndex && [" ", "\t"].contains(value[value.index(before: $0)]) }) {
                value = value[..<hash].trimmingTrailingSpaces()
            }
            if let quote = value.first, quote == "\"" || quote == "'", value.count >= 2, value.last == quote { value = value.dropFirst().dropLast() }
            guard (1...35).contains(value.count), value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
            found.append(String(value))
        }
        return found.count == 1 ? found[0] : nil
    }

    /// The keys stepmark reads (SPEC §8).
    static let knownKeys: Set<String> = ["title", "subtitle", "author", "date", "lang", "description", "variant", "exercise-defaults"]

    /// The lines (1-based) of the front matter at the start of `lines` that a student's copy
    /// leaves out: comment lines (`# expected: 0.787`) and the lines of keys stepmark does not
    /// read (`notes: the answer is …`), which no page shows. Only when leaving them out reads
    /// back as the same front matter, without error (a line that looked like a comment but
    /// was part of a value keeps everything); empty otherwise.
    public static func teacherOnlyLines(_ lines: [String]) -> [Int] {
        let count = extent(lines)
        guard count > 2 else { return [] }
        let (original, errors) = parse(lines)
        guard let original, errors.isEmpty else { return [] }
        func indent(_ line: String) -> Int { line.prefix { $0 == " " }.count }
        func isBlank(_ line: String) -> Bool { line.allSatisfy { $0 == " " || $0 == "\t" } }
        let body = 2..<count  // 1-based lines between the fences
        // The mapping's own indentation: that of its first key.
        guard let base = body.lazy.compactMap({ contentIndent(lines[$0 - 1]) }).first else {
            return body.filter { lines[$0 - 1].drop { $0 == " " }.hasPrefix("#") }
        }
        var comments: [Int] = [], nested: [Int] = [], unknown: [Int] = []
        var inUnknown = false
        for line in body {
            let text = lines[line - 1]
            let trimmed = text.drop { $0 == " " }
            if isBlank(text) { if inUnknown { unknown.append(line) }; continue }
            if trimmed.hasPrefix("#") && indent(text) <= base { comments.append(line); continue }
            // A deeper `#` line is a comment in a nested mapping, or a line of a block scalar;
            // reading the front matter back without it tells which.
            if trimmed.hasPrefix("#") { nested.append(line); if inUnknown { unknown.append(line) }; continue }
            if indent(text) == base && !trimmed.hasPrefix("- ") && trimmed != "-" {
                // A key of the mapping: `key:` up to its colon.
                let key = trimmed.prefix { $0 != ":" }.trimmingTrailingSpaces()
                inUnknown = !knownKeys.contains(String(key).lowercased())
            }
            if inUnknown { unknown.append(line) }
        }
        for omitted in [Set(comments + nested + unknown), Set(comments + nested), Set(comments + unknown), Set(comments)] where !omitted.isEmpty {
            let blanked = lines.enumerated().map { omitted.contains($0.offset + 1) ? "" : $0.element }
            let (again, problems) = parse(blanked)
            if problems.isEmpty, again == original { return omitted.sorted() }
        }
        return []
    }

    /// Reads the front matter at the start of `lines`; nil when the file has none (its first
    /// line is not `---`). A front matter that is never closed, is not YAML, or holds a value of
    /// the wrong type is an error at its line; the rest of the lesson still runs.
    public static func parse(_ lines: [String]) -> (FrontMatter?, [LessonError]) {
        guard let first = lines.first, first.trimmingTrailingSpaces() == "---" else { return (nil, []) }
        var matter = FrontMatter(lineCount: 0)
        // A front matter the YAML reader cannot read still declares its variant as the grader
        // reads it, without YAML: a student's check and the grade then run the same numbers
        // (a copy whose title lost its closing quote was checked as a key, graded as a copy).
        // Only inside a closed front matter.
        func declared(upTo close: Int) -> Int? {
            guard case .number(let n) = declaredVariant(in: lines.prefix(close + 1).joined(separator: "\n")) else { return nil }
            matter.variantReadWithoutYAML = true
            return n
        }
        guard let close = lines.dropFirst().firstIndex(where: { ["---", "..."].contains($0.trimmingTrailingSpaces()) }) else {
            // Not read for a variant: a key opening with a --- rule and a prose line
            // `variant: 2` further down would become an assignment (a red-team pass).
            return (nil, [LessonError("the front matter opened here with --- is never closed with a --- line", at: SourcePosition(line: 1, column: 1))])
        }
        matter.lineCount = close + 1
        let yaml = lines[1..<close].joined(separator: "\n")
        /// A place in `yaml` as a place in the file (the YAML starts on line 2).
        func position(_ mark: YAMLMark) -> SourcePosition { SourcePosition(line: mark.line + 1, column: max(mark.column, 1)) }
        let root: YAMLNode
        do {
            root = try YAMLDocument.load(yaml)
        } catch {
            matter.variant = declared(upTo: close)
            // Its language too, so that the check's words are those of the grade's feedback.
            matter.lang = declaredLanguage(lines[1..<close])
            return (matter, [LessonError("the front matter is not valid YAML: \(error)", at: position(error.mark))])
        }
        let map: [YAMLEntry]
        switch root.value {
        case .null: return (matter, [])
        case .map(let entries): map = entries
        default:
            matter.variant = declared(upTo: close)
            matter.lang = declaredLanguage(lines[1..<close])
            return (matter, [LessonError("the front matter must be `key: value` lines (a YAML mapping)", at: SourcePosition(line: 2, column: 1))])
        }
        var errors: [LessonError] = []
        func entry(_ key: String, in entries: [YAMLEntry] = map) -> YAMLEntry? { entries.entry(key) }
        /// Where an error about `entry`'s value points.
        func at(_ entry: YAMLEntry) -> SourcePosition { position(entry.valueMark) }
        /// A text value as written; nil when not given or null.
        func text(_ key: String) -> String? { entry(key).flatMap { $0.text(errors: &errors, at: at($0)) } }
        func number(_ value: YAMLValue) -> Double? {
            switch value {
            case .double(let d): return d
            case .int(let i): return Double(i)
            default: return nil
            }
        }
        matter.title = text("title")
        matter.subtitle = text("subtitle")
        matter.date = text("date")
        matter.lang = text("lang")
        matter.description = text("description")
        if let author = entry("author")?.node {
            switch author.value {
            case .null: break
            case .list(let items): matter.authors = items.filter { $0.value != .null }.map(\.written)
            default: matter.authors = [author.written]
            }
        }
        if let variant = entry("variant") {
            // Only as `assign` writes it, `variant: 512925` on a line of its own: `grade` reads
            // that line without YAML (`variantLine`), so a student's own `check` must not accept
            // what grade refuses (`&a 512925`, `0x7d39d`, `+512925`, `"variant": …` passed
            // here and scored 0 there; a red-team pass).
            let line = variant.keyMark.line  // the key's line in `yaml`, which starts on line 2
            if case .int(let v) = variant.node.value, v >= 0, v < variantLimit {
                if line >= 1, line < close, variantLine(Substring(lines[line]), indent: max(variant.keyMark.column - 1, 0)) == v {
                    matter.variant = v
                } else {
                    let written = line >= 1 && line < close ? String(Substring(lines[line]).trimmingTrailingSpaces().prefix(40)) : variant.node.written
                    errors.append(LessonError("variant: write it as stepmark assign does, a whole number in digits (no sign, no leading zero) on a line of its own, got `\(written)`", at: at(variant)))
                }
            } else {
                errors.append(LessonError("variant: expects a whole number from 0 to \(variantLimit - 1) (stepmark assign writes it), got \(variant.node.written)", at: at(variant)))
            }
        }
        // The grader reads every line that starts `variant:` (at the mapping's indentation) as
        // a variant line, without YAML; one that YAML reads as part of another value (a title
        // quoted over lines) would give the grade another variant than the check (a red-team
        // pass).
        let variantKeyLine = entry("variant").map { $0.keyMark.line + 1 }  // in the file, 1-based
        var indent: Int? = nil
        for k in 1..<close {
            if indent == nil { indent = contentIndent(lines[k].trimmingTrailingSpaces()) }
            guard k + 1 != variantKeyLine,
                  variantLineDeclaration(lines[k].trimmingTrailingSpaces(), indent: indent ?? 0) != .none else { continue }
            errors.append(LessonError("YAML reads this line as part of another value, but the grader reads it as the variant: line (it reads the lines that start with variant: without YAML); reword or indent it", at: SourcePosition(line: k + 1, column: 1)))
        }
        if let defaults = entry("exercise-defaults") {
            if case .map(let d) = defaults.node.value {
                if let p = entry("points", in: d) {
                    if let n = number(p.node.value), n >= 0, n.isFinite { matter.defaultPoints = n } else {
                        errors.append(LessonError("exercise-defaults: points expects a number ≥ 0, got \(p.node.written)", at: at(p)))
                    }
                }
                if let t = entry("tol", in: d) {
                    if let n = number(t.node.value), n >= 0, n.isFinite { matter.defaultTolerance = n } else {
                        errors.append(LessonError("exercise-defaults: tol expects a number ≥ 0, got \(t.node.written)", at: at(t)))
                    }
                }
                if let p = entry("partial", in: d) {
                    if case .bool(let b) = p.node.value { matter.defaultPartial = b } else {
                        errors.append(LessonError("exercise-defaults: partial expects true or false, got \(p.node.written)", at: at(p)))
                    }
                }
                // Every key of this mapping is stepmark's: a slip (`point: 3`) changed points
                // silently (a teacher's first-hour review).
                for e in d where !Self.defaultKeys.contains(e.key) {
                    let hint = suggestion(for: e.key, among: Self.defaultKeys).map { "; did you mean '\($0)'?" } ?? ""
                    matter.warnings.append(LessonError("exercise-defaults: '\(e.key.quotable)' is not one of points, tol and partial, so it is ignored\(hint)", at: position(e.keyMark)))
                }
            } else {
                errors.append(LessonError("exercise-defaults: expects `points:`, `tol:` and `partial:` on indented lines below it", at: at(defaults)))
            }
        }
        // A key one slip away from one stepmark reads (`titel:`); other keys may be another
        // tool's (Quarto's `format:`), so they pass without a word.
        for e in map where !Self.keys.contains(e.key) {
            guard let guess = suggestion(for: e.key, among: Self.keys) else { continue }
            matter.warnings.append(LessonError("'\(e.key.quotable)' is not a front matter key stepmark reads, so it is ignored; did you mean '\(guess)'?", at: position(e.keyMark)))
        }
        if let tag = matter.lang, let entry = entry("lang"), LessonLanguage(tag: tag) == nil {
            matter.warnings.append(LessonError("lang: '\(tag.quotable)' is neither en nor ko, the languages stepmark writes in, so its words are English (Korean is ko)", at: at(entry)))
        }
        return (matter, errors)
    }
}

extension StringProtocol {
    func trimmingTrailingSpaces() -> Substring {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return s
    }
}
