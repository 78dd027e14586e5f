import Foundation

/// The rendered course the preview serves, kept in memory and brought up to date file by file.
///
/// What a change re-renders:
/// - a lesson: that lesson (and the index when its title or its error state changed);
/// - a new `.md` file under a course folder: the new lesson, and the index;
/// - a deleted lesson: the index;
/// - any other file (a `load()` CSV or npy, an `embeddings from=` table, an image): every
///   lesson whose source names the file (its file name appears in the lesson's text). This
///   over-approximates (a lesson that merely mentions `data.csv` in prose is re-rendered too),
///   and never misses a file a lesson reads through a path that ends in that name.
public final class PreviewSite: @unchecked Sendable {
    public struct Update: Sendable {
        /// Relative paths (`en/01-attention`) of the pages that changed; `index` for the index.
        public var pages: [String]
        public var milliseconds: Double
    }

    private let adapter: RenderAdapter
    /// The folders given (new lessons are picked up inside them); empty for a single file.
    private let roots: [String]
    private let lock = NSLock()
    private var lessons: [String: RenderedLesson] = [:]
    private var order: [String] = []
    private var indexHTML = ""

    /// - Parameters:
    ///   - lessons: `(source, relative)` pairs, as `CoursePlan` lists them.
    ///   - roots: the folders searched for lessons.
    public init(adapter: RenderAdapter, lessons: [(source: String, relative: String)], roots: [String]) {
        self.adapter = adapter
        self.roots = roots.map(Self.absolute)
        for (source, relative) in lessons {
            let page = adapter.renderLesson(source: source, relative: relative)
            self.lessons[relative] = page
            order.append(relative)
        }
        indexHTML = adapter.renderIndex(order.compactMap { self.lessons[$0] })
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// The lesson at a relative path, or nil.
    public func lesson(_ relative: String) -> RenderedLesson? {
        lock.lock(); defer { lock.unlock() }
        return lessons[relative]
    }

    public var index: String {
        lock.lock(); defer { lock.unlock() }
        return indexHTML
    }

    public var allLessons: [RenderedLesson] {
        lock.lock(); defer { lock.unlock() }
        return order.compactMap { lessons[$0] }
    }

    /// The lesson a changed file is, if any.
    private func relative(ofSource path: String) -> String? {
        lessons.values.first { Self.absolute($0.source) == path }?.relative
    }

    /// The relative name a new lesson file gets under its course folder, or nil when it lies
    /// outside every folder given, is not Markdown, or is a README.
    private func newLessonRelative(_ path: String) -> (source: String, relative: String)? {
        let name = (path as NSString).lastPathComponent
        guard path.hasSuffix(".md"), name.lowercased() != "readme.md", !name.hasPrefix(".") else { return nil }
        for root in roots where path.hasPrefix(root + "/") {
            let rest = String(path.dropFirst(root.count + 1))
            if rest.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { return nil }
            return (path, String(rest.dropLast(3)))
        }
        return nil
    }

    /// Re-renders what the changed files affect.
    /// - Returns: the pages that changed and how long the re-render took.
    public func apply(changed paths: Set<String>) -> Update {
        let start = DispatchTime.now()
        var toRender: [(source: String, relative: String)] = []
        var removed: [String] = []
        var others: [String] = []
        lock.lock()
        let known = lessons
        lock.unlock()
        let bySource = Dictionary(known.values.map { (Self.absolute($0.source), $0) }, uniquingKeysWith: { a, _ in a })
        for raw in paths.sorted() {
            let path = Self.absolute(raw)
            let exists = FileManager.default.fileExists(atPath: path)
            if let lesson = bySource[path] {
                if exists { toRender.append((lesson.source, lesson.relative)) } else { removed.append(lesson.relative) }
            } else if exists, let new = newLessonRelative(path) {
                toRender.append(new)
            } else {
                others.append(path)
            }
        }
        // Files a lesson reads: re-render each lesson whose text names the file.
        for path in others {
            let name = (path as NSString).lastPathComponent
            // Editors' swap and backup files (`.lesson.md.swp`, `lesson.md~`) are never read by a lesson.
            guard !name.isEmpty, !name.hasPrefix("."), !name.hasSuffix("~") else { continue }
            for lesson in known.values where !toRender.contains(where: { $0.relative == lesson.relative }) {
                guard let text = try? String(contentsOfFile: lesson.source, encoding: .utf8) else { continue }
                if text.contains(name) { toRender.append((lesson.source, lesson.relative)) }
            }
        }
        var pages: [String] = []
        var indexChanged = !removed.isEmpty
        var rendered: [RenderedLesson] = []
        for (source, relative) in toRender {
            rendered.append(adapter.renderLesson(source: source, relative: relative))
        }
        lock.lock()
        for relative in removed {
            lessons[relative] = nil
            order.removeAll { $0 == relative }
            pages.append(relative)
        }
        for page in rendered {
            let old = lessons[page.relative]
            if old == nil {
                order.append(page.relative)
                order.sort()
                indexChanged = true
            } else if old!.title != page.title || old!.ok != page.ok {
                indexChanged = true
            }
            lessons[page.relative] = page
            if old?.html != page.html || old?.errors != page.errors { pages.append(page.relative) }
        }
        if indexChanged {
            indexHTML = adapter.renderIndex(order.compactMap { lessons[$0] })
            pages.append("index")
        }
        lock.unlock()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
        return Update(pages: pages, milliseconds: elapsed)
    }
}
