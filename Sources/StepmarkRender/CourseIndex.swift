import StepmarkLesson

/// The course index: lessons grouped by their first folder (the language), with titles.
public enum CourseIndex {
    /// One lesson of the index: its output path without extension, its title, and whether it ran
    /// without errors.
    public typealias Entry = (relative: String, title: String, ok: Bool)

    /// The index page in `format` (nil for JSON and PDF, which have none). `courses` are the
    /// `course.yml` files by folder (`""`: the page, `en`, `ko`: its sections).
    /// `lessonLanguages` are the languages the lessons are written in (their reports').
    public static func page(_ format: OutputFormat, _ entries: [Entry], courses: [String: CourseFile] = [:],
                            lessonLanguages: Set<LessonLanguage> = []) -> String? {
        switch format {
        case .md: markdown(entries, courses: courses, lessonLanguages: lessonLanguages)
        case .html: html(entries, courses: courses, lessonLanguages: lessonLanguages)
        case .json, .pdf: nil
        }
    }

    /// Whether `format` has an index page (JSON and PDF have none).
    public static func hasPage(_ format: OutputFormat) -> Bool {
        switch format {
        case .md, .html: true
        case .json, .pdf: false
        }
    }

    /// The language of the index's own words: the top `course.yml`'s `lang`, else the one
    /// language of all its sections (by their `course.yml` or folder name), else the one
    /// language all its lessons are written in (a folder of Korean lessons with no `course.yml`,
    /// or `render lessons/ko`), else English.
    static func language(_ entries: [Entry], courses: [String: CourseFile], lessonLanguages: Set<LessonLanguage> = []) -> LessonLanguage {
        if let language = courses[""]?.language { return language }
        let sections = Set(groups(entries).map { sectionLanguage($0.0, courses: courses) })
        if sections.count == 1, let only = sections.first, let only { return only }
        if lessonLanguages.count == 1, let only = lessonLanguages.first { return only }
        return .english
    }

    /// A section's language: its `course.yml`'s `lang`, else its folder's name (`ko`, `en`).
    static func sectionLanguage(_ group: String, courses: [String: CourseFile]) -> LessonLanguage? {
        courses[group]?.language ?? LessonLanguage(rawValue: group)
    }

    /// The page's title: the top `course.yml`'s, else "stepmark course" in the page's language.
    static func title(_ entries: [Entry], courses: [String: CourseFile], lessonLanguages: Set<LessonLanguage> = []) -> String {
        courses[""]?.title ?? Strings(language(entries, courses: courses, lessonLanguages: lessonLanguages))[.courseTitle]
    }

    /// A section's heading: its `course.yml`'s title, else the name of its language.
    static func sectionTitle(_ group: String, courses: [String: CourseFile], in language: LessonLanguage) -> String {
        if !group.isEmpty, let title = courses[group]?.title { return title }
        return languageName(group, in: language)
    }

    static func groups(_ entries: [(relative: String, title: String, ok: Bool)]) -> [(String, [(relative: String, title: String, ok: Bool)])] {
        var order: [String] = []
        var byGroup: [String: [(relative: String, title: String, ok: Bool)]] = [:]
        for e in entries {
            let parts = e.relative.split(separator: "/")
            let group = parts.count > 1 ? String(parts[0]) : ""
            if byGroup[group] == nil { order.append(group) }
            byGroup[group, default: []].append(e)
        }
        return order.map { ($0, byGroup[$0]!) }
    }

    /// A section's name when its `course.yml` gives none: its language, in the page's language.
    static func languageName(_ code: String, in language: LessonLanguage = .english) -> String {
        let words = Strings(language)
        switch code {
        case "en": return words[.languageEnglish]
        case "ko": return words[.languageKorean]
        case "": return words[.courseLessons]
        default: return code
        }
    }

    static func markdown(_ entries: [Entry], courses: [String: CourseFile] = [:], lessonLanguages: Set<LessonLanguage> = []) -> String {
        let language = language(entries, courses: courses, lessonLanguages: lessonLanguages)
        let words = Strings(language)
        let escape = MarkdownRenderer().escape
        var out = "# \(escape(title(entries, courses: courses, lessonLanguages: lessonLanguages)))\n"
        if let description = courses[""]?.description { out += "\n" + escape(description) + "\n" }
        let groups = groups(entries)
        for (group, items) in groups {
            out += "\n## \(escape(sectionTitle(group, courses: courses, in: language)))\n"
            if !group.isEmpty, let description = courses[group]?.description { out += "\n" + escape(description) + "\n" }
            out += "\n"
            let sectionWords = sectionLanguage(group, courses: courses).map(Strings.init) ?? words
            for e in items {
                // Percent-encoded as the HTML index's links are: `a#b.md`, `100%.md` or a space
                // would otherwise point elsewhere or end the link (a red-team pass).
                let target = HTML.href(e.relative + ".md").dropFirst(2)
                out += "- [\(escape(e.title))](\(target))\(e.ok ? "" : " — " + sectionWords[.courseHasErrors])\n"
            }
        }
        return out
    }
}
