import StepmarkCore

/// A course folder's `course.yml` (SPEC §8): the index's `title` and `description`, its
/// `lang`, and the order of its lessons (`lessons:`, a list of the folder's lesson file names;
/// lessons it does not list follow in name order). Read by libyaml (`YAMLDocument`), like the
/// front matter.
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
        lang.flatMap(LessonLanguage.init(tag:))
    }

    /// Parses the text of a `course.yml`. `available` are the lesson file names of its folder:
    /// a `lessons:` entry that is not one of them is an error at its line.
    public static func parse(_ source: String, available: Set<String>) -> (CourseFile, [LessonError]) {
        var course = CourseFile()
        func position(_ mark: YAMLMark) -> SourcePosition { SourcePosition(line: mark.line, column: max(mark.column, 1)) }
        let root: YAMLNode
        do {
            root = try YAMLDocument.load(source)
        } catch {
            return (course, [LessonError("course.yml is not valid YAML: \(error)", at: position(error.mark))])
        }
        let map: [YAMLEntry]
        switch root.value {
        case .null: return (course, [])
        case .map(let entries): map = entries
        default:
            return (course, [LessonError("course.yml must be `key: value` lines (a YAML mapping) with title, description, lang and lessons", at: SourcePosition(line: 1, column: 1))])
        }
        var errors: [LessonError] = []
        func entry(_ key: String) -> YAMLEntry? { map.entry(key) }
        /// Where an error about `entry`'s value points.
        func at(_ entry: YAMLEntry) -> SourcePosition { position(entry.valueMark) }
        for unknown in map.filter({ !keys.contains($0.key) }).sorted(by: { $0.key < $1.key }) {
            errors.append(LessonError("course.yml: unknown key '\(unknown.key)' (expected \(keys.joined(separator: ", ")))", at: at(unknown)))
        }
        /// A text value as written; nil when not given or null.
        func text(_ key: String) -> String? { entry(key).flatMap { $0.text(errors: &errors, at: at($0)) } }
        course.title = text("title")
        course.description = text("description")
        course.lang = text("lang")
        if let lessons = entry("lessons") {
            if case .list(let items) = lessons.node.value {
                var names: [String] = []
                for item in items {
                    let name = item.written
                    let position = position(item.mark)
                    if item.value.isCollection {
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
                errors.append(LessonError("lessons: expects a list of lesson file names, one per `- ` line", at: at(lessons)))
            }
        }
        if let lang = course.lang, course.language == nil, let entry = entry("lang") {
            errors.append(LessonError("lang: expects ko or en, got '\(lang)'", at: at(entry)))
        }
        return (course, errors)
    }

    /// The `course.yml` of `folder`, nil when it has none.
    /// - Throws: `ReadError` for an unreadable file, and for the first problem in it, named
    ///   `FOLDER/course.yml:LINE:COLUMN`.
    public static func read(folder: String, available: Set<String>) throws -> CourseFile? {
        var base = Substring(folder)
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        let path = base.isEmpty ? fileName : base.hasSuffix("/") ? base + fileName : base + "/" + fileName
        let bytes: [UInt8]
        do {
            bytes = try RegularFile.read(path, maxBytes: 1 << 20)
        } catch .missing, .directory {
            return nil
        } catch .tooLarge {
            // Not the lesson limit (its flag does not raise this one): a course file lists lessons.
            throw ReadError(path: path, message: "is larger than 1 MB, too large for a course file (a title, a description, a language and the lesson order)")
        } catch {
            throw ReadError(path: path, message: error.message)
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
}
