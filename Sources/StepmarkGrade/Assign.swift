import FoundationEssentials
import StepmarkCore
import StepmarkLesson
import StepmarkRender

/// The student version of a teacher's key (SPEC §4): the same source, byte for byte, except
/// that every `answer` block's body becomes a `?` template of the expected shape and every
/// `<!-- solution -->` region is removed; the prose's other comments are blanked (`ProseComments`).
public struct Assignment: Sendable {
    /// The assignment's text.
    public var text: String
    /// Notes for the teacher (an unclosed solution region).
    public var warnings: [String]
    /// Problems in the key (failed steps, repeated ids, key answers that fail their own check,
    /// exercises without an answer block, solution markers that would show teacher-only text).
    public var keyErrors: [LessonError]
    /// False when the text does not read back as an assignment (its front matter could not take
    /// the `variant:` line): written anyway, `run` of it would show every exercise's values, so
    /// not even `--force` writes it.
    public var readsAsAssignment = true
    /// True when the "key" is itself an assignment (its front matter has `variant:`): refused
    /// with that one error, not the cascade of its blanked answers failing their own check.
    public var keyIsAssignment = false
    /// The key's language, for its errors (SPEC §8).
    public var language: LessonLanguage = .english
    /// Whether some step of the key reads `variant` (`Grader.usesVariant`): only then do two
    /// students' assignments differ in more than their `variant:` line.
    public var usesVariant = true
    /// The text before its `variant:` line, and what `withVariant` needs, to stamp another
    /// variant's line on it (`stamped(variant:)`).
    private var unstamped: (text: String, language: LessonLanguage?, frontMatter: FrontMatter?) = ("", nil, nil)
    /// The key errors that hold for every variant (the key's own answers are checked with
    /// variant 0 only, and the front matter's problem is found again for each).
    private var errorsOfEveryVariant: [LessonError] = []

    /// This assignment for another variant, without running the key again: for a key that
    /// reads no `variant`, every student's copy is the same lesson with its own `variant:` line
    /// (200 students of the model lesson ran it 200 times, 49 s). Nil when the key reads it.
    public func stamped(variant: Int) -> Assignment? {
        guard !usesVariant else { return nil }
        var copy = self
        copy.text = Self.withVariant(unstamped.text, variant: variant, language: unstamped.language, frontMatter: unstamped.frontMatter)
        copy.readsAsAssignment = Self.readsAsAssignment(copy.text, variant: variant)
        copy.keyErrors = (errorsOfEveryVariant + (copy.readsAsAssignment ? [] : [Self.unstampable])).sorted { $0.position < $1.position }
        return copy
    }

    /// Whether `text` (a byte-order mark aside) reads back as the assignment of `variant`. Only
    /// the front matter is read back, and it must read as YAML: a copy whose YAML fails still
    /// declares its variant (so that check and grade agree on a student's damaged copy), but
    /// an assignment is handed out whole.
    static func readsAsAssignment(_ text: String, variant: Int) -> Bool {
        let unmarked = text.unicodeScalars.first == "\u{FEFF}" ? String(text.unicodeScalars.dropFirst()) : text
        let frontMatter = FrontMatter.parse(LessonParser.lines(of: unmarked)).0
        return frontMatter?.variant == variant && frontMatter?.variantReadWithoutYAML == false
    }

    /// The error for a front matter the `variant:` line cannot join.
    static let unstampable = LessonError("the front matter cannot take the assignment's variant: line; write it as key: value lines, one key a line (not {…} on one line)", at: SourcePosition(line: 2, column: 1))

    /// Makes the assignment from a key's text (a leading byte-order mark is kept).
    public static func make(keyText: String, path: String, limits: Limits = .init(), variant: Int = 0) -> Assignment {
        var bom = ""
        var text = keyText
        if text.unicodeScalars.first == "\u{FEFF}" {
            bom = "\u{FEFF}"
            text = String(text.unicodeScalars.dropFirst())
        }
        // A NUL becomes U+FFFD, as the parser (and cmark-gfm) read it: the places of comments
        // found in the parsed text are then the places in this one.
        if text.utf8.contains(0) { text = String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == "\0" ? "\u{FFFD}" : $0 })) }
        let lesson = LessonParser.parse(text, path: path, limits: limits)
        let grader = Grader(key: lesson, limits: limits, variant: variant)
        var warnings: [String] = []
        var keyErrors = grader.keyErrors
        if lesson.isAssignment {
            var refused = Assignment(text: text, warnings: [], keyErrors: [LessonError("this file is already an assignment (its front matter has variant:); make assignments from the teacher's key", at: SourcePosition(line: 1, column: 1))])
            refused.keyIsAssignment = true
            refused.language = grader.language
            return refused
        }
        var ownAnswerErrors: [LessonError] = []
        // The key's own answers hold for its own numbers, variant 0; another variant's numbers
        // differ, and its assignment is blanked all the same.
        for result in grader.keyCheck where !result.passed && variant == 0 {
            let position = grader.exercises.first { $0.spec.id == result.id }?.spec.position ?? SourcePosition(line: 1, column: 1)
            let answerLine = lesson.answers.first { $0.id == result.id }?.block.position.line
            ownAnswerErrors.append(Exercises.ownAnswerFails(result.id, feedback: result.feedback, answerLine: answerLine, at: position))
        }

        var shapes: [String: [Int]] = [:]
        for ex in grader.exercises {
            if let v = ex.expected { shapes[ex.spec.id] = Exercises.answerShape(of: v) }
        }
        let answers = lesson.answers
        var answered: Set<String> = []

        // Replace each answer block's body lines (between the fences) with a template, in the
        // text with the prose's comments blanked (no line moves).
        let teacherOnly = FrontMatter.teacherOnlyLines(lesson.lines).map { ProseComments.Span.wholeLine($0) }
        let lines = SourceLines(ProseComments.blanked(text, firstLine: 1, spans: teacherOnly + lesson.proseComments))
        var out = bom
        out.reserveCapacity(text.utf8.count)
        var nextLine = 1
        for answer in answers {
            let block = answer.block
            let id = answer.id
            if let id { answered.insert(id) }
            let shape: [Int] = id.flatMap { shapes[$0] } ?? (try? answer.literal.get())?.shape ?? []
            let fence = block.position.line
            let bodyEnd = block.isClosed ? block.endLine - 1 : lines.count
            guard fence >= nextLine, fence <= lines.count else { continue }
            lines.append(from: nextLine, through: fence - 1, to: &out)
            out += StudentView.answerOpening(lesson.lines[fence - 1], of: block) + lines.terminator(fence)
            let newline = lines.terminator(fence).isEmpty ? "\n" : lines.terminator(fence)
            if lines.terminator(fence).isEmpty { out += newline }
            let indent = String(repeating: " ", count: max(0, block.position.column - 1))
            let template = StudentView.template(shape: shape)
            for (k, row) in template.enumerated() {
                out += indent + row
                let last = k == template.count - 1
                if !last || block.isClosed || bodyEnd < lines.count || !lines.terminator(lines.count).isEmpty { out += newline }
            }
            nextLine = max(bodyEnd + 1, fence + 1)
        }
        lines.append(from: nextLine, through: lines.count, to: &out)

        // SPEC §4: a key's exercise without an answer block is an error. Here it is more: a
        // misspelt fence (```Answer e1) is code, so the key's answer would reach students.
        for ex in grader.exercises where !answered.contains(ex.spec.id) {
            keyErrors.append(Exercises.missingAnswer(ex.spec.id, at: ex.spec.position))
        }
        if let line = Solutions.unclosedRegionLine(in: out) {
            warnings.append("line \(line): a <!-- solution --> region is never closed with <!-- end solution -->; everything after it is left out of the assignment")
        }
        // A key whose language comes from its folder (lessons/ko/) gives its assignment a
        // `lang:` line: the copy is written into another folder, and would turn English. Not
        // when the front matter names `lang` at all (`lang: ~` is a key all the same).
        let namesLanguage = lesson.frontMatter.map { matter in
            text.split(separator: "\n", maxSplits: matter.lineCount, omittingEmptySubsequences: false).prefix(matter.lineCount)
                .contains { line in
                    let t = line.trimmingWhitespace()
                    return ["lang", "\"lang\"", "'lang'"].contains { t.hasPrefix($0) && t.dropFirst($0.count).trimmingWhitespace().hasPrefix(":") }
                }
        } ?? false
        let folderLanguage = lesson.frontMatter?.lang == nil && !namesLanguage ? LessonLanguage.ofFolders(path: path) : nil
        let unstamped = Solutions.removed(from: out)
        let student = withVariant(unstamped, variant: variant, language: folderLanguage, frontMatter: lesson.frontMatter)
        // The variant line is what makes the file an assignment (its values never shown): a
        // front matter it cannot join (`{title: T}` on one line) would hand out a lesson that
        // `run` shows whole.
        let readsAsAssignment = Self.readsAsAssignment(student, variant: variant)
        let everyVariant = keyErrors
        if !readsAsAssignment { keyErrors.append(unstampable) }
        var assignment = Assignment(text: student, warnings: warnings, keyErrors: (keyErrors + ownAnswerErrors).sorted { $0.position < $1.position })
        assignment.language = grader.language
        assignment.readsAsAssignment = readsAsAssignment
        assignment.usesVariant = grader.usesVariant
        assignment.unstamped = (unstamped, folderLanguage, lesson.frontMatter)
        assignment.errorsOfEveryVariant = everyVariant
        return assignment
    }

    /// The assignment's text with `variant: N` (and `lang: L` when `language` is given) in its
    /// front matter (a new front matter when the key has none). The variant is what marks the
    /// file as an assignment: `run`, `render` and `check` then never show an exercise's values,
    /// and `grade` knows which numbers it holds.
    static func withVariant(_ text: String, variant: Int, language: LessonLanguage? = nil, frontMatter: FrontMatter?) -> String {
        var bom = ""
        var body = Substring(text)
        if body.unicodeScalars.first == "\u{FEFF}" {
            bom = "\u{FEFF}"
            body = Substring(body.unicodeScalars.dropFirst())
        }
        let newline = body.contains("\r\n") ? "\r\n" : "\n"
        let lines = "variant: \(variant)" + newline + (language.map { "lang: \($0.rawValue)" + newline } ?? "")
        guard frontMatter != nil, let firstBreak = body.firstIndex(where: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) else {
            return bom + "---" + newline + lines + "---" + newline + body
        }
        // After the opening `---` line, so the key's own keys keep their lines below it, and
        // indented as the first of them is (YAML allows a mapping indented as a whole).
        let afterFirst = body.index(after: firstBreak)
        let firstKey = body[afterFirst...].split(whereSeparator: \.isNewline)
            .first { let t = $0.trimmingWhitespace(); return !t.isEmpty && !t.hasPrefix("#") }
        let indent = String(firstKey?.prefix { $0 == " " } ?? "")
        let ownLines = ["variant: \(variant)"] + (language.map { ["lang: \($0.rawValue)"] } ?? [])
        return bom + body[..<afterFirst] + ownLines.map { indent + $0 + newline }.joined() + body[afterFirst...]
    }

    /// Whether an assignment's text is still as handed out for a key whose answer blocks are
    /// `answerIDs`: its top-level answer blocks are those, each holding only a `?` template
    /// (brackets, commas, `?` and spaces: no comment, no note), and it has no answer block
    /// inside a quote, a list item or an HTML block. `assign` replaces an earlier assignment
    /// only then; anything else is a student's work (the `OUT/<id>/` layout is also where
    /// submissions are collected), even an answer moved where the grader cannot read it.
    public static func isUnanswered(_ text: String, answerIDs: Set<String>, limits: Limits = .init()) -> Bool {
        let lesson = LessonParser.parse(text, path: "assignment.md", limits: limits)
        guard lesson.unblankableAnswerLines.isEmpty else { return false }
        let answers = lesson.answers
        guard Set(answers.compactMap(\.id)) == answerIDs else { return false }
        return answers.allSatisfy { answer in
            answer.block.body.allSatisfy { line in line.text.allSatisfy { "[],?".contains($0) || $0.isWhitespace } }
        }
    }

    /// The exercise ids a key's answer blocks answer outside solution regions (what its
    /// assignment's blocks are).
    public static func answerIDs(ofKey keyPath: String, limits: Limits = .init()) -> Set<String>? {
        guard let text = try? LessonParser.readText(path: keyPath, limits: limits) else { return nil }
        // An answer inside a solution region is the teacher's: the assignment has none there.
        return Set(LessonParser.parse(text, path: keyPath, limits: limits).answers.filter { !$0.block.inSolution }.compactMap(\.id))
    }

    /// Reads a key file (size limit, UTF-8) and makes its assignment.
    /// - Throws: `ReadError` when the key cannot be read.
    public static func make(keyPath: String, limits: Limits = .init(), variant: Int = 0) throws -> Assignment {
        let data = Data(try LessonParser.readBytes(path: keyPath, limits: limits))
        var text = try LessonParser.decode(data, path: keyPath)
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { text = "\u{FEFF}" + text }
        return make(keyText: text, path: keyPath, limits: limits, variant: variant)
    }

    /// Where the assignment of `keyPath` goes in `folder`; throws when that is the key itself.
    public static func outputPath(forKey keyPath: String, in folder: String) throws -> String {
        let path = FilePathText.join(folder, FilePathText.lastComponent(keyPath))
        if SamePath.same(path, keyPath) {
            throw ReadError(path: path, message: "would overwrite the key; choose another --out folder")
        }
        return path
    }
}

/// A class roster: one student a row, from a CSV file with a header naming at least the columns
/// `id` and `name` (more columns are allowed and ignored).
public struct Roster: Sendable, Equatable {
    public struct Student: Sendable, Equatable {
        public var id: String
        public var name: String
        /// Every column of the student's row by its header (lowercased, trimmed): a gradebook
        /// export reads `email`, `section`, `sis_login_id`, `canvas_id` from here.
        public var fields: [String: String] = [:]
        public var variant: Int { Variant.of(studentID: id) }
    }
    public let students: [Student]
    /// The students by their folder names (`folderName(for:)`), made once: every submission
    /// of a batch asks it, twice.
    let byFolder: [String: Student]

    public init(students: [Student]) {
        self.students = students
        byFolder = Dictionary(students.map { (Roster.folderName(for: $0.id), $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Reads a roster (RFC 4180 CSV: quoted fields with "" for a quote, CRLF or LF). A small
    /// reader of its own, since the roster is the only CSV with text the project reads.
    /// - Throws: `ReadError` for a missing column, no student, an empty or repeated id, two ids
    ///   that would share a folder (`folderName(for:)`), or a broken quote; each names its line.
    public static func read(path: String, limits: Limits = .init()) throws -> Roster {
        let text = try LessonParser.readText(path: path, limits: limits, kind: .roster)
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) throws -> Roster {
        // Each row with the line it starts on (a quoted field may hold line breaks).
        var rows: [(line: Int, fields: [String])] = [(1, [])]
        var field = ""
        var quoted = false, wasQuoted = false
        var line = 1
        var chars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? { if let p = pending { pending = nil; return p }; return chars.next() }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    let n = next()
                    if n == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = n }
                } else {
                    field.unicodeScalars.append(c)
                    // A line break in the field: "\n", "\r\n" or a lone "\r", one line each.
                    if c == "\r" {
                        let n = next()
                        if n == "\n" { field.unicodeScalars.append("\n") } else { pending = n }
                        line += 1
                    } else if c == "\n" {
                        line += 1
                    }
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !wasQuoted: quoted = true; wasQuoted = true
            case ",": rows[rows.count - 1].fields.append(field); field = ""; wasQuoted = false
            case "\r", "\n":
                if c == "\r" { let n = next(); if n != "\n" { pending = n } }
                rows[rows.count - 1].fields.append(field); field = ""; wasQuoted = false
                line += 1
                rows.append((line, []))
            case "\u{FEFF}" where line == 1 && rows[0].fields.isEmpty && field.isEmpty: continue
            default: field.unicodeScalars.append(c)
            }
        }
        if quoted { throw ReadError(path: path, message: "has a quoted field that is never closed (line \(line))") }
        if !field.isEmpty || !rows[rows.count - 1].fields.isEmpty { rows[rows.count - 1].fields.append(field) }
        rows = rows.filter { !($0.fields.isEmpty || $0.fields == [""]) }
        guard let header = rows.first?.fields.map({ $0.trimmingWhitespace().lowercased() }) else {
            throw ReadError(path: path, message: "is empty; a roster has a header line with the columns id and name")
        }
        guard let idColumn = header.firstIndex(of: "id"), let nameColumn = header.firstIndex(of: "name") else {
            throw ReadError(path: path, message: "needs the columns id and name in its header line (found: \(Snippet.quote(header.joined(separator: ", "), max: 200)))")
        }
        guard rows.count > 1 else {
            throw ReadError(path: path, message: "has no students: only its header line (line \(rows[0].line)); a roster has one row per student below it")
        }
        // Each id and each folder with the line that gave it first.
        var seen: [String: Int] = [:]
        var folders: [String: (id: String, line: Int)] = [:]
        var students: [Student] = []
        for (rowLine, row) in rows.dropFirst() {
            let id = idColumn < row.count ? row[idColumn].trimmingWhitespace() : ""
            guard !id.isEmpty else { throw ReadError(path: path, message: "line \(rowLine) has no id") }
            if let first = seen[id] {
                throw ReadError(path: path, message: "the id '\(Snippet.quote(id))' appears twice (lines \(first) and \(rowLine))")
            }
            seen[id] = rowLine
            let folder = folderName(for: id)
            if let other = folders[folder] {
                throw ReadError(path: path, message: "the ids '\(Snippet.quote(other.id))' (line \(other.line)) and '\(Snippet.quote(id))' (line \(rowLine)) would share the folder \(folder); make them differ in letters or digits")
            }
            folders[folder] = (id, rowLine)
            var fields: [String: String] = [:]
            for (j, column) in header.enumerated() where j < row.count && fields[column] == nil { fields[column] = row[j].trimmingWhitespace() }
            students.append(Student(id: id, name: nameColumn < row.count ? row[nameColumn].trimmingWhitespace() : "", fields: fields))
        }
        return Roster(students: students)
    }

    /// An id as a message quotes it: control characters replaced, at most 40 characters (an
    /// id may be anything a spreadsheet held).
    public static func shown(_ id: String) -> String { Snippet.quote(id) }

    /// Pairs of students whose folders differ only in letter case (`Alice`, `alice`): one
    /// folder on a case-insensitive file system (macOS, Windows), where the second
    /// assignment written would replace the first.
    public var foldersDifferingOnlyInCase: [(String, String)] {
        var byFolded: [String: String] = [:]
        var pairs: [(String, String)] = []
        for student in students {
            let folder = Roster.folderName(for: student.id)
            let folded = folder.lowercased()
            if let other = byFolded[folded] { pairs.append((other, student.id)) } else { byFolded[folded] = student.id }
        }
        return pairs
    }

    /// A folder name for a student id: letters, digits, '-', '_' and '.' kept, anything else
    /// (a slash, a space, a control character) replaced, so a roster can never write outside
    /// the output folder.
    public static func folderName(for id: String) -> String {
        var out = String(id.unicodeScalars.prefix(64).map { c -> Character in
            (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "-" || c == "_" || c == ".") ? Character(c) : "_"
        })
        if out.allSatisfy({ $0 == "." }) { out = "_" + out }
        return out
    }
}

/// Whether two paths name the same file (after resolving symbolic links, or by inode).
enum SamePath {
    static func canonical(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let folder = url.deletingLastPathComponent().resolvingSymlinksInPath()
        return folder.appendingPathComponent(url.lastPathComponent).resolvingSymlinksInPath().path
    }

    static func same(_ a: String, _ b: String) -> Bool {
        if canonical(a) == canonical(b) { return true }
        guard let ia = identity(a), let ib = identity(b) else { return false }
        return ia == ib
    }

    /// The file's device and inode (the same for every link or spelling of its path); nil when
    /// it does not exist.
    static func identity(_ path: String) -> [UInt64]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return [UInt64(info.st_dev), UInt64(info.st_ino)]
    }
}

/// A text's lines with their terminators kept (`\n`, `\r\n`, `\r` or none), numbered as
/// cmark-gfm and `LessonParser.lines` number them.
final class SourceLines {
    let text: String
    /// Start index of each line, and the range of its terminator.
    private var starts: [String.Index] = []
    private var terminators: [Range<String.Index>] = []

    init(_ text: String) {
        self.text = text
        let scalars = text.unicodeScalars
        var i = scalars.startIndex
        starts.append(i)
        while i < scalars.endIndex {
            let c = scalars[i]
            if c == "\n" || c == "\r" {
                let lineEnd = i
                var next = scalars.index(after: i)
                if c == "\r", next < scalars.endIndex, scalars[next] == "\n" { next = scalars.index(after: next) }
                terminators.append(lineEnd..<next)
                starts.append(next)
                i = next
            } else {
                i = scalars.index(after: i)
            }
        }
        terminators.append(text.endIndex..<text.endIndex)
    }

    var count: Int { starts.count }

    /// The terminator of line `n` (1-based).
    func terminator(_ n: Int) -> String { String(text.unicodeScalars[terminators[n - 1]]) }

    /// Appends lines `from` through `through` (1-based, inclusive), terminators included.
    func append(from: Int, through: Int, to out: inout String) {
        guard from <= through, from >= 1, through <= count else { return }
        out.unicodeScalars.append(contentsOf: text.unicodeScalars[starts[from - 1]..<terminators[through - 1].upperBound])
    }
}

/// What `assign` wrote into an `--out` folder, by SHA-256 (`OUT/.stepmark-assignments`, a line
/// `HASH  PATH` per file): a file that still holds those bytes is stepmark's to replace; one
/// changed since (a student's answers, notes in the prose, a name in the front matter) is not,
/// whatever it holds. The folder's own record, like `render`'s manifest.
public struct AssignmentRecord: Sendable, Equatable {
    public static let fileName = ".stepmark-assignments"
    /// SHA-256 in hex of each file written, by its path relative to the folder.
    public var hashes: [String: String] = [:]

    public init(hashes: [String: String] = [:]) { self.hashes = hashes }

    /// The record of `folder`; empty when there is none or it cannot be read (then the
    /// older rule decides: an assignment whose answers are all `?`).
    public static func read(folder: String) -> AssignmentRecord {
        guard let bytes = try? RegularFile.read(FilePathText.join(folder, fileName), maxBytes: 16 << 20) else { return AssignmentRecord() }
        var record = AssignmentRecord()
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            // `HASH  PATH`: the path is everything after the two spaces, escaped (a name may
            // start with a space or hold a line break).
            guard line.utf8.count > 66, line.prefix(64).allSatisfy(\.isHexDigit), line.dropFirst(64).hasPrefix("  ") else { continue }
            record.hashes[unescape(line.dropFirst(66))] = String(line.prefix(64))
        }
        return record
    }

    /// The record written back (sorted, so it is the same bytes for the same files).
    public func write(folder: String) throws {
        let text = hashes.sorted { $0.key < $1.key }.map { "\($0.value)  \(Self.escape($0.key))\n" }.joined()
        try AtomicFile.write(text, to: FilePathText.join(folder, Self.fileName))
    }

    /// The folders whose record may list `path`: its own and every one above it (an assignment
    /// written by `--variants` into OUT is listed in OUT's record as `ID/KEY.md`, and may be
    /// written again with `--out OUT/ID`), nearest first, absolute.
    static func folders(above path: String) -> [String] {
        var folder = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path
        var out: [String] = []
        while out.count < 64 {
            out.append(folder)
            let parent = URL(fileURLWithPath: folder).deletingLastPathComponent().standardizedFileURL.path
            if parent == folder || parent.isEmpty { break }
            folder = parent
        }
        return out
    }

    /// The hash a record in `path`'s folder or above lists for it (the nearest), if any.
    /// `records` keeps each folder's record once read (a run asks for every student's file).
    public static func recordedHash(for path: String, records: inout [String: AssignmentRecord]) -> String? {
        for folder in folders(above: path) {
            guard let relative = OutputOwnership.relativePath(path, in: folder) else { continue }
            let record = records[folder] ?? read(folder: folder)
            records[folder] = record
            if let hash = record.hashes[relative] { return hash }
        }
        return nil
    }

    /// Records what was just written: in `folder`'s record, and in every record above a file
    /// that lists it already (so that no record keeps a hash of an earlier version).
    public static func remember(_ files: [(path: String, text: String)], in folder: String) throws {
        var changed: [String: AssignmentRecord] = [:]
        func record(_ f: String) -> AssignmentRecord { changed[f] ?? read(folder: f) }
        for (path, text) in files {
            let hash = fingerprint(text.utf8)
            if let relative = OutputOwnership.relativePath(path, in: folder) {
                var r = record(folder); r.hashes[relative] = hash; changed[folder] = r
            }
            for above in folders(above: path) where above != URL(fileURLWithPath: folder).standardizedFileURL.path {
                guard let relative = OutputOwnership.relativePath(path, in: above) else { continue }
                var r = record(above)
                if r.hashes[relative] != nil { r.hashes[relative] = hash; changed[above] = r }
            }
        }
        for (f, r) in changed { try r.write(folder: f) }
    }

    /// A path on one line: `\` as `\\`, a line feed as `\n`, a carriage return as `\r`.
    static func escape(_ path: String) -> String {
        path.replacing("\\", with: "\\\\").replacing("\n", with: "\\n").replacing("\r", with: "\\r")
    }

    static func unescape(_ text: Substring) -> String {
        var out = "", escaped = false
        for c in text {
            if escaped {
                out.append(c == "n" ? "\n" : c == "r" ? "\r" : c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// SHA-256 of bytes, in hex.
    public static func fingerprint<C: Collection<UInt8>>(_ bytes: C) -> String {
        SHA256.hash(Array(bytes)).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
