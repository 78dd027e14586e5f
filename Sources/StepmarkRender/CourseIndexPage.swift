import StepmarkLesson

/// The course index as a page of its own, for callers that keep their own list of rendered
/// lessons (`stepmark preview` re-renders one lesson at a time and rebuilds only the index).
public enum CourseIndexPage {
    /// `index.html` for these lessons: `relative` is the lesson's path without extension under
    /// the course root (`en/01-attention`), `ok` false marks a lesson with errors.
    /// `courses` are the `course.yml` files by folder, as `CoursePlan.courses` holds them.
    /// `lessonLanguages` are the languages the lessons are written in.
    public static func html(_ entries: [(relative: String, title: String, ok: Bool)], courses: [String: CourseFile] = [:],
                            lessonLanguages: Set<LessonLanguage> = []) -> String {
        CourseIndex.html(entries, courses: courses, lessonLanguages: lessonLanguages)
    }
}
