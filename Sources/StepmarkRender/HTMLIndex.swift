import FoundationEssentials
import StepmarkLesson

/// `index.html` of a rendered course: one section per language, each lesson as a card with its
/// number, its title (a link), its file, links to the same lesson in the other languages, and a
/// mark when it has errors.
extension CourseIndex {
    /// A title without the lesson number its card already shows: `1. Attention` → `Attention`
    /// (also `Lesson 6: …` and `6강: …`).
    static func withoutNumber(_ title: String, _ number: String) -> String {
        var rest = Substring(title)
        if rest.lowercased().hasPrefix("lesson ") { rest = rest.dropFirst(7) }
        guard rest.hasPrefix(number) else { return title }
        rest = rest.dropFirst(number.count)
        if rest.hasPrefix("강") { rest = rest.dropFirst() }
        guard let mark = rest.first, [".", ":", ")"].contains(mark) else { return title }
        let stripped = rest.dropFirst().trimmingHorizontalWhitespace()
        return stripped.isEmpty ? title : stripped
    }

    static func html(_ entries: [(relative: String, title: String, ok: Bool)], courses: [String: CourseFile] = [:],
                     lessonLanguages: Set<LessonLanguage> = []) -> String {
        let groups = groups(entries)
        let language = language(entries, courses: courses, lessonLanguages: lessonLanguages)
        let words = Strings(language)
        let pageTitle = title(entries, courses: courses, lessonLanguages: lessonLanguages)
        func fileName(_ relative: String) -> String {
            String(relative.split(separator: "/").last ?? Substring(relative))
        }
        var body = "<main id=\"main\" class=\"course\" tabindex=\"-1\">\n<h1>\(HTML.escape(pageTitle))</h1>\n"
        if let description = courses[""]?.description { body += "<p class=\"lead\">\(HTML.escape(description))</p>\n" }
        body += "<p class=\"lead\">\(words[.courseLead])</p>\n"
        if groups.count > 1 {
            body += "<nav aria-label=\"\(HTML.escape(words[.courseLanguages]))\"><p>" + groups.map { group, items in
                "<a href=\"#lang-\(HTML.escape(group.isEmpty ? "lessons" : group))\">\(HTML.escape(languageName(group, in: language)))</a> (\(items.count))"
            }.joined(separator: " · ") + "</p></nav>\n"
        }
        for (group, items) in groups {
            let anchor = "lang-" + (group.isEmpty ? "lessons" : group)
            let sectionLanguage = sectionLanguage(group, courses: courses)
            let sectionWords = sectionLanguage.map(Strings.init) ?? words
            let lang = sectionLanguage.map { " lang=\"\($0.rawValue)\"" } ?? ""
            let heading = sectionTitle(group, courses: courses, in: sectionLanguage ?? language)
            body += "<section\(lang) aria-labelledby=\"\(HTML.escape(anchor))\"><h2 id=\"\(HTML.escape(anchor))\">\(HTML.escape(heading))</h2>\n"
            if !group.isEmpty, let description = courses[group]?.description { body += "<p>\(HTML.escape(description))</p>\n" }
            body += "<ol class=\"lessons\">\n"
            for (position, e) in items.enumerated() {
                let file = fileName(e.relative)
                let digits = file.prefix { $0.isNumber }
                let number = digits.isEmpty ? String(position + 1) : String(Int(digits) ?? position + 1)
                body += "<li><span class=\"num\" aria-hidden=\"true\">\(HTML.escape(number))</span><div>"
                body += "<a class=\"title\" href=\"\(HTML.href(e.relative + ".html"))\">\(HTML.escape(withoutNumber(e.title, number)))</a>"
                body += "<div class=\"meta\"><span>\(HTML.escape(file)).html</span>"
                for (otherGroup, others) in groups where otherGroup != group {
                    if let twin = others.first(where: { fileName($0.relative) == file }) {
                        body += "<a href=\"\(HTML.href(twin.relative + ".html"))\" hreflang=\"\(HTML.escape(otherGroup))\">\(HTML.escape(languageName(otherGroup, in: sectionLanguage ?? language)))</a>"
                    }
                }
                if !e.ok { body += "<span class=\"bad\">\(HTML.escape(sectionWords[.courseHasErrors]))</span>" }
                body += "</div></div></li>\n"
            }
            body += "</ol></section>\n"
        }
        body += "</main>\n"
        return HTML.page(title: pageTitle, body: body, lang: language.rawValue, script: false)
    }
}
