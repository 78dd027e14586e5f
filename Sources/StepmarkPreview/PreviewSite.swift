import FoundationEssentials
import StepmarkCore
import StepmarkLesson

/// The rendered course the preview serves, kept in memory and brought up to date file by file:
/// what a change re-renders is `ChangeScope`'s answer, and the index is rebuilt when a lesson
/// comes, goes, or changes its title or its error state.
public final class PreviewSite: @unchecked Sendable {
    public struct Update: Sendable {
        /// Relative paths (`en/01-attention`) of the pages that changed; `index` for the index.
        public var pages: [String]
        public var milliseconds: Double
        /// What could not be applied, such as a `course.yml` that is no longer valid (the
        /// index then keeps its last good order and titles).
        public var problems: [String] = []
    }

    /// The course's order and `course.yml` files, read again: lesson paths relative to the
    /// roots, without `.md`, in course order (`CoursePlan.make`).
    public typealias Replan = @Sendable () throws -> (order: [String], courses: [String: CourseFile])

    private let adapter: RenderAdapter
    /// The folders given (new lessons are picked up inside them); empty for a single file.
    private let roots: [String]
    private let lock = ThreadLock()
    private var lessons: [String: RenderedLesson] = [:]
    private var order: [String] = []
    private var indexHTML = ""
    /// The course's `course.yml` files, read when the preview started (`CoursePlan.courses`)
    /// and again when one of them changes.
    private var courses: [String: CourseFile]
    private let replan: Replan?

    /// - Parameters:
    ///   - lessons: `(source, relative)` pairs, as `CoursePlan` lists them.
    ///   - roots: the folders searched for lessons.
    ///   - courses: the `course.yml` files by folder, for the index's titles and language.
    ///   - replan: reads the course's order and `course.yml` files again; called when a
    ///     `course.yml` changes or a lesson comes, so that the index follows the file.
    public init(adapter: RenderAdapter, lessons: [(source: String, relative: String)], roots: [String],
                courses: [String: CourseFile] = [:], replan: Replan? = nil) {
        self.adapter = adapter
        self.replan = replan
        self.roots = roots.map(Self.absolute)
        self.courses = courses
        for (source, relative) in lessons {
            let page = adapter.renderLesson(source: source, relative: relative)
            self.lessons[relative] = page
            order.append(relative)
        }
        indexHTML = adapter.renderIndex(order.compactMap { self.lessons[$0] }, courses: courses)
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

    /// Re-renders what the changed files affect (see `ChangeScope`).
    /// - Returns: the pages that changed and how long the re-render took.
    public func apply(changed paths: Set<String>) -> Update {
        let start = ContinuousClock.now
        lock.lock()
        let known = order.compactMap { lessons[$0] }.map { ChangeScope.Lesson(source: $0.source, relative: $0.relative) }
        lock.unlock()
        let scope = ChangeScope.of(changed: paths, lessons: known, roots: roots)
        let removed = scope.removed
        let toRender = scope.render
        var pages: [String] = []
        var indexChanged = !removed.isEmpty
        var rendered: [RenderedLesson] = []
        for lesson in toRender {
            rendered.append(adapter.renderLesson(source: lesson.source, relative: lesson.relative))
        }
        // A changed course.yml (or a new lesson, whose place it may give) re-reads the plan.
        var problems: [String] = []
        var plan: (order: [String], courses: [String: CourseFile])?
        let courseFileChanged = paths.contains { FilePathText.lastComponent($0) == "course.yml" }
        let knownNames = Set(known.map(\.relative))
        if let replan, courseFileChanged || scope.render.contains(where: { !knownNames.contains($0.relative) }) {
            do { plan = try replan() } catch { problems.append("\(error)") }
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
        if let plan {
            // The plan's order for the lessons it knows, then any it does not (yet), by name.
            let rank = Dictionary(plan.order.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            let reordered = order.sorted { (rank[$0] ?? Int.max, $0) < (rank[$1] ?? Int.max, $1) }
            if reordered != order || plan.courses != courses { indexChanged = true }
            order = reordered
            courses = plan.courses
        }
        if indexChanged {
            indexHTML = adapter.renderIndex(order.compactMap { lessons[$0] }, courses: courses)
            pages.append("index")
        }
        lock.unlock()
        let took = ContinuousClock.now - start
        let elapsed = Double(took.components.seconds) * 1e3 + Double(took.components.attoseconds) / 1e15
        return Update(pages: pages, milliseconds: elapsed, problems: problems)
    }
}
