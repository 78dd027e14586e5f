import Foundation
import StepmarkCore
import StepmarkLesson
import StepmarkRender

/// The student version of a teacher's key (SPEC §4): the same source, byte for byte, except
/// that every `answer` block's body becomes a `?` template of the expected shape and every
/// `<!-- solution -->` region is removed.
public struct Assignment: Sendable {
    /// The assignment's text.
    public var text: String
    /// Notes for the teacher (an exercise without an answer block, an unclosed solution region).
    public var warnings: [String]
    /// Problems in the key (failed steps, repeated ids, key answers that fail their own check).
    public var keyErrors: [LessonError]

    /// Makes the assignment from a key's text (a leading byte-order mark is kept).
    public static func make(keyText: String, path: String, limits: Limits = .init()) -> Assignment {
        var bom = ""
        var text = keyText
        if text.unicodeScalars.first == "\u{FEFF}" {
            bom = "\u{FEFF}"
            text = String(text.unicodeScalars.dropFirst())
        }
        let lesson = LessonParser.parse(text, path: path)
        let grader = Grader(key: lesson, limits: limits)
        var warnings: [String] = []
        var keyErrors = grader.keyErrors
        for result in grader.keyCheck where !result.passed {
            let position = grader.exercises.first { $0.spec.id == result.id }?.spec.position ?? SourcePosition(line: 1, column: 1)
            keyErrors.append(LessonError("the key's own answer to '\(result.id)' does not pass: \(result.feedback.split(separator: "\n").first ?? "")", at: position))
        }

        var shapes: [String: [Int]] = [:]
        for ex in grader.exercises {
            if let v = ex.expected { shapes[ex.spec.id] = Exercises.answerShape(of: v) }
        }
        let answers = lesson.directives.filter { $0.name == "answer" }
        var answered: Set<String> = []

        // Replace each answer block's body lines (between the fences) with a template.
        let lines = SourceLines(text)
        var out = bom
        out.reserveCapacity(text.utf8.count)
        var nextLine = 1
        for block in answers {
            let id = (try? InfoString.parse(block.info, at: block.infoPosition))?.positional.first?.text
            if let id { answered.insert(id) }
            let shape: [Int] = id.flatMap { shapes[$0] } ?? {
                if case .literal(let l) = Exercises.read(block, limits: limits) { return l.shape }
                return []
            }()
            let fence = block.position.line
            let bodyEnd = block.isClosed ? block.endLine - 1 : lines.count
            guard fence >= nextLine, fence <= lines.count else { continue }
            lines.append(from: nextLine, through: fence, to: &out)
            let newline = lines.terminator(fence).isEmpty ? "\n" : lines.terminator(fence)
            if lines.terminator(fence).isEmpty { out += newline }
            let indent = String(repeating: " ", count: max(0, block.position.column - 1))
            let template = Exercises.template(shape: shape)
            for (k, row) in template.enumerated() {
                out += indent + row
                let last = k == template.count - 1
                if !last || block.isClosed || bodyEnd < lines.count || !lines.terminator(lines.count).isEmpty { out += newline }
            }
            nextLine = max(bodyEnd + 1, fence + 1)
        }
        lines.append(from: nextLine, through: lines.count, to: &out)

        for ex in grader.exercises where !answered.contains(ex.spec.id) {
            warnings.append("line \(ex.spec.position.line): exercise '\(ex.spec.id)' has no ```answer \(ex.spec.id)``` block, so the assignment has none for students to fill in")
        }
        if let line = Solutions.unclosedRegionLine(in: out) {
            warnings.append("line \(line): a <!-- solution --> region is never closed with <!-- end solution -->; everything after it is left out of the assignment")
        }
        let student = Solutions.removed(from: out)
        return Assignment(text: student, warnings: warnings, keyErrors: keyErrors.sorted { $0.position < $1.position })
    }

    /// Reads a key file (size limit, UTF-8) and makes its assignment.
    /// - Throws: `ReadError` when the key cannot be read.
    public static func make(keyPath: String, limits: Limits = .init()) throws -> Assignment {
        let data = Data(try LessonParser.readBytes(path: keyPath, limits: limits))
        var text = try LessonParser.decode(data, path: keyPath)
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { text = "\u{FEFF}" + text }
        return make(keyText: text, path: keyPath, limits: limits)
    }

    /// Where the assignment of `keyPath` goes in `folder`; throws when that is the key itself.
    public static func outputPath(forKey keyPath: String, in folder: String) throws -> String {
        let path = (folder as NSString).appendingPathComponent((keyPath as NSString).lastPathComponent)
        if SamePath.same(path, keyPath) {
            throw ReadError(path: path, message: "would overwrite the key; choose another --out folder")
        }
        return path
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
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
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
