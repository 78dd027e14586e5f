import Foundation

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
        let stripped = rest.dropFirst().trimmingCharacters(in: .whitespaces)
        return stripped.isEmpty ? title : stripped
    }

    static func html(_ entries: [(relative: String, title: String, ok: Bool)]) -> String {
        let groups = groups(entries)
        func fileName(_ relative: String) -> String {
            String(relative.split(separator: "/").last ?? Substring(relative))
        }
        var body = "<main id=\"main\" class=\"course\" tabindex=\"-1\">\n<h1>stepmark course</h1>\n"
        body += "<p class=\"lead\">How language models work, one step at a time. Every page works offline and prints on A4; "
        body += "in a lesson, <kbd>→</kbd> reveals the next sub-step of a directive.</p>\n"
        if groups.count > 1 {
            body += "<nav aria-label=\"Languages\"><p>" + groups.map { group, items in
                "<a href=\"#lang-\(HTML.escape(group.isEmpty ? "lessons" : group))\">\(HTML.escape(languageName(group)))</a> (\(items.count))"
            }.joined(separator: " · ") + "</p></nav>\n"
        }
        for (group, items) in groups {
            let anchor = "lang-" + (group.isEmpty ? "lessons" : group)
            let lang = ["en", "ko"].contains(group) ? " lang=\"\(group)\"" : ""
            body += "<section\(lang) aria-labelledby=\"\(HTML.escape(anchor))\"><h2 id=\"\(HTML.escape(anchor))\">\(HTML.escape(languageName(group)))</h2>\n<ol class=\"lessons\">\n"
            for (position, e) in items.enumerated() {
                let file = fileName(e.relative)
                let digits = file.prefix { $0.isNumber }
                let number = digits.isEmpty ? String(position + 1) : String(Int(digits) ?? position + 1)
                body += "<li><span class=\"num\" aria-hidden=\"true\">\(HTML.escape(number))</span><div>"
                body += "<a class=\"title\" href=\"\(HTML.href(e.relative + ".html"))\">\(HTML.escape(withoutNumber(e.title, number)))</a>"
                body += "<div class=\"meta\"><span>\(HTML.escape(file)).html</span>"
                for (otherGroup, others) in groups where otherGroup != group {
                    if let twin = others.first(where: { fileName($0.relative) == file }) {
                        body += "<a href=\"\(HTML.href(twin.relative + ".html"))\" hreflang=\"\(HTML.escape(otherGroup))\">\(HTML.escape(languageName(otherGroup)))</a>"
                    }
                }
                if !e.ok { body += "<span class=\"bad\">has errors</span>" }
                body += "</div></div></li>\n"
            }
            body += "</ol></section>\n"
        }
        body += "</main>\n"
        return HTML.page(title: "stepmark course", body: body, script: false)
    }
}
