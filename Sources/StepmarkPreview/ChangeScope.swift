import FoundationEssentials
import StepmarkCore

/// Which lessons a batch of changed files affects (shared by `preview` and `render --watch`):
/// - a lesson file: that lesson (or, when it is gone, its removal);
/// - a new `.md` file under one of the course folders (not a README, nothing hidden on the
///   way): a new lesson, named by its path under that folder without `.md`;
/// - any other file (a `load()` CSV or npy, an `embeddings from=` table, an image): every
///   lesson whose source text contains the file's name. This over-approximates (a lesson that
///   merely mentions `data.csv` in prose re-renders too) and never misses a file a lesson
///   reads through a path ending in that name. Editors' swap and backup files (`.x.swp`,
///   `x~`) affect nothing.
public struct ChangeScope: Sendable, Equatable {
    /// Lessons to render: known ones that changed or read a changed file, then new ones.
    public var render: [Lesson] = []
    /// Relative names of lessons whose file is gone.
    public var removed: [String] = []

    public struct Lesson: Sendable, Equatable {
        public var source: String
        public var relative: String
        public init(source: String, relative: String) {
            self.source = source
            self.relative = relative
        }
    }

    public var isEmpty: Bool { render.isEmpty && removed.isEmpty }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// - Parameters:
    ///   - changed: the paths the watcher reported.
    ///   - lessons: the lessons of the course now.
    ///   - roots: the course folders (new lessons are picked up inside them).
    public static func of(changed: Set<String>, lessons: [Lesson], roots: [String]) -> ChangeScope {
        var scope = ChangeScope()
        let roots = roots.map(absolute)
        let bySource = Dictionary(lessons.map { (absolute($0.source), $0) }, uniquingKeysWith: { a, _ in a })
        var others: [String] = []
        func add(_ lesson: Lesson) {
            if !scope.render.contains(where: { $0.relative == lesson.relative }) { scope.render.append(lesson) }
        }
        for raw in changed.sorted() {
            let path = absolute(raw)
            let exists = FileManager.default.fileExists(atPath: path)
            if let lesson = bySource[path] {
                if exists { add(lesson) } else { scope.removed.append(lesson.relative) }
            } else if exists, let new = newLesson(path, roots: roots) {
                add(new)
            } else {
                others.append(path)
            }
        }
        for path in others {
            let name = FilePathText.lastComponent(path)
            guard !name.isEmpty, !name.hasPrefix("."), !name.hasSuffix("~") else { continue }
            for lesson in lessons where !scope.render.contains(where: { $0.relative == lesson.relative }) {
                guard let text = try? String(contentsOfFile: lesson.source, encoding: .utf8) else { continue }
                if text.contains(name) { add(lesson) }
            }
        }
        return scope
    }

    /// The lesson a new file is, when it is Markdown under one of the course folders.
    static func newLesson(_ path: String, roots: [String]) -> Lesson? {
        let name = FilePathText.lastComponent(path)
        guard path.hasSuffix(".md"), name.lowercased() != "readme.md", !name.hasPrefix(".") else { return nil }
        for root in roots where path.hasPrefix(root + "/") {
            let rest = String(path.dropFirst(root.count + 1))
            if rest.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { return nil }
            return Lesson(source: path, relative: String(rest.dropLast(3)))
        }
        return nil
    }
}
