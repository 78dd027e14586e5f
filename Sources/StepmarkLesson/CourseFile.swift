import Foundation
import StepmarkCore
import Yams

/// A course folder's `course.yml` (SPEC §8): the index's `title` and `description`, its
/// `lang`, and the order of its lessons (`lessons:`, a list of the folder's lesson file names;
/// lessons it does not list follow in name order). Parsed with Yams, like the front matter.
public struct CourseFile: Sendable, Equatable {
    public var title: String?
    public var description: String?
    /// BCP-47 language tag (`ko`, `en`): the language of the index's own words.
    public var lang: String?
    /// Lesson file names (`01-attention.md`) in the order the index lists them.
    public var lessons: [String]?

    public init(title: String? = nil, description: String? = nil, lang: String? = nil, lessons: [String]? = nil) {
        self.title = title
        self.description = description
        self.lang = lang
        self.lessons = lessons
    }

    /// The file name inside a course folder.
    public static let fileName = "course.yml"

    /// The keys `course.yml` may hold.
    static let keys = ["title", "description", "lang", "lessons"]

    /// `lang`'s language (its primary subtag), nil when it is not given or not ko/en.
    public var language: LessonLanguage? {
        guard let tag = lang else { return nil }
        let primary = tag.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() } ?? ""
        return LessonLanguage(rawValue: primary)
    }

    /// Parses the text of a `course.yml`. `available` are the lesson file names of its folder:
    /// a `lessons:` entry that is not one of them is an error at its line.
    public static func parse(_ source: String, available: Set<String>) -> (CourseFile, [LessonError]) {
        var course = CourseFile()
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: source)
        } catch let error as YamlError {
            return (course, [LessonError("course.yml is not valid YAML: \(describe(error))", at: position(of: error))])
        } catch {
            return (course, [LessonError("course.yml is not valid YAML", at: SourcePosition(line: 1, column: 1))])
        }
        guard let loaded else { return (course, []) }
        guard let map = loaded as? [String: Any] else {
            return (course, [LessonError("course.yml must be `key: value` lines (a YAML mapping) with title, description, lang and lessons", at: SourcePosition(line: 1, column: 1))])
        }
        var errors: [LessonError] = []
        /// The line of `key:` at the start of a line, for errors about its value.
        func at(_ key: String) -> SourcePosition {
            for (i, line) in lines.enumerated() where line.hasPrefix(key) && line.dropFirst(key.count).trimmingLeadingSpaces().hasPrefix(":") {
                return SourcePosition(line: i + 1, column: key.count + 3)
            }
            return SourcePosition(line: 1, column: 1)
        }
        for key in map.keys.sorted() where !keys.contains(key) {
            errors.append(LessonError("course.yml: unknown key '\(key)' (expected \(keys.joined(separator: ", ")))", at: at(key)))
        }
        func text(_ key: String) -> String? {
            guard let value = map[key] else { return nil }
            if let s = value as? String { return s }
            if value is [Any] || value is [String: Any] {
                errors.append(LessonError("\(key): expects text, not a list or mapping", at: at(key)))
                return nil
            }
            return "\(value)"
        }
        course.title = text("title")
        course.description = text("description")
        course.lang = text("lang")
        if let value = map["lessons"] {
            if let list = value as? [Any] {
                var names: [String] = []
                for item in list {
                    let name = "\(item)"
                    // The line of this entry (`- name`), for its own error.
                    var position = at("lessons")
                    if let i = lines.firstIndex(where: { $0.trimmingLeadingSpaces().hasPrefix("-") && $0.contains(name) }) {
                        let dash = lines[i].prefix { $0 != "-" }.count
                        position = SourcePosition(line: i + 1, column: dash + 3)
                    }
                    if item is [Any] || item is [String: Any] {
                        errors.append(LessonError("lessons: expects a list of lesson file names, one per `- ` line", at: position))
                    } else if !available.contains(name) {
                        let known = available.sorted().prefix(12).joined(separator: ", ")
                        errors.append(LessonError("lessons: '\(name)' is not a lesson in this folder (it has \(known.isEmpty ? "none" : known))", at: position))
                    } else if names.contains(name) {
                        errors.append(LessonError("lessons: '\(name)' is listed twice", at: position))
                    } else {
                        names.append(name)
                    }
                }
                course.lessons = names
            } else {
                errors.append(LessonError("lessons: expects a list of lesson file names, one per `- ` line", at: at("lessons")))
            }
        }
        if let lang = course.lang, course.language == nil {
            errors.append(LessonError("lang: expects ko or en, got '\(lang)'", at: at("lang")))
        }
        return (course, errors)
    }

    /// The `course.yml` of `folder`, nil when it has none.
    /// - Throws: `ReadError` for an unreadable file, and for the first problem in it, named
    ///   `FOLDER/course.yml:LINE:COLUMN`.
    public static func read(folder: String, available: Set<String>) throws -> CourseFile? {
        let path = (folder as NSString).appendingPathComponent(fileName)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
        let bytes: [UInt8]
        do {
            bytes = try RegularFile.read(path, maxBytes: 1 << 20)
        } catch {
            throw ReadError(path: path, message: "\(error)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ReadError(path: path, message: "not UTF-8 text")
        }
        let (course, errors) = parse(text, available: available)
        if let first = errors.first {
            throw ReadError(path: "\(path):\(first.line):\(first.column)", message: first.message)
        }
        return course
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
             .composer(let context, let problem, _, _):
            return [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
        case .duplicatedKeysInMapping(let duplicates, _):
            return "a key is given twice: \(duplicates.joined(separator: ", "))"
        default:
            return "\(error)"
        }
    }

    private static func position(of error: YamlError) -> SourcePosition {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return SourcePosition(line: mark.line, column: max(mark.column, 1))
        case .duplicatedKeysInMapping(_, let context):
            return SourcePosition(line: context.mark.line, column: max(context.mark.column, 1))
        default:
            return SourcePosition(line: 1, column: 1)
        }
    }
}
