import StepmarkGrade
import StepmarkLesson
import StepmarkRender

/// One lesson as the preview serves it: the page, and what the overlay and the index need.
public struct RenderedLesson: Sendable {
    public var relative: String
    public var source: String
    public var title: String
    /// The handout page exactly as `stepmark render` would write it (strict CSP, no preview code).
    public var html: String
    /// Every error of the run, each as `file:line:column: message`; a read error as `file: message`.
    public var errors: [String]
    /// The language the lesson is written in; nil when it could not be read.
    public var language: LessonLanguage? = nil
    public var ok: Bool { errors.isEmpty }
}

/// The only place where the preview calls stepmark's renderer, so that it can be re-pointed in
/// one place when course orchestration moves (issue 12): one lesson to one page, and the index.
public struct RenderAdapter: Sendable {
    public var limits: Limits

    public init(limits: Limits) {
        self.limits = limits
    }

    /// Runs one lesson and renders its HTML page in memory (nothing is written to disk).
    public func renderLesson(source: String, relative: String) -> RenderedLesson {
        // The same course as `render`: the teacher's page checks exercises against the key.
        let renderer = Course(formats: [.html], student: false, limits: limits)
        // `out` only names the planned files; the preview never writes them.
        var result: RenderResult?
        var readError: ReadError?
        do {
            var plan = try CoursePlan.make(paths: [source], out: "/dev/null/stepmark-preview")
            // A lesson file replaced by a folder while the preview runs plans that folder's
            // lessons (none, or others): this page shows the error instead (it crashed here).
            if plan.lessons.count == 1 && plan.lessons[0].source == source {
                plan.lessons[0].relative = relative
                result = renderer.render(plan, includeIndex: false)
            } else {
                readError = ReadError(path: source, message: "is a folder now, not a lesson file")
            }
        } catch let e as ReadError {
            readError = e
        } catch {
            readError = ReadError(path: source, message: "\(error)")
        }
        if let result, let report = result.reports.first, let page = result.files.first {
            let errors = report.errors.map { "\(report.lessonPath):\($0.line):\($0.column): \($0.message)" }
            return RenderedLesson(relative: relative, source: source, title: report.title, html: page.content, errors: errors,
                                  language: report.language)
        }
        let message = (readError ?? result?.readErrors.first)?.description ?? "\(source): could not be rendered"
        let title = (relative.split(separator: "/").last).map(String.init) ?? relative
        let body = "<main><h1>\(HTML.escape(title))</h1><p class=\"error\">\(HTML.escape(message))</p></main>\n"
        return RenderedLesson(relative: relative, source: source, title: title,
                              html: HTML.page(title: title, body: body, script: false), errors: [message])
    }

    /// The course index for these lessons, as `render` writes it (titled, described and in the
    /// language of the `course.yml` files in `courses`).
    public func renderIndex(_ lessons: [RenderedLesson], courses: [String: CourseFile] = [:]) -> String {
        CourseIndexPage.html(lessons.map { (relative: $0.relative, title: $0.title, ok: $0.ok) }, courses: courses,
                             lessonLanguages: Set(lessons.compactMap(\.language)))
    }
}
