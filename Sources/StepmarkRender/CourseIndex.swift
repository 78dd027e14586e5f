import StepmarkLesson

/// The course index: lessons grouped by their first folder (the language), with titles.
public enum CourseIndex {
    /// One lesson of the index: its output path without extension, its title, and whether it ran
    /// without errors.
    public typealias Entry = (relative: String, title: String, ok: Bool)

    /// The index page in `format` (nil for JSON and PDF, which have none).
    public static func page(_ format: OutputFormat, _ entries: [Entry]) -> String? {
        switch format {
        case .md: markdown(entries)
        case .html: html(entries)
        case .json, .pdf: nil
        }
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

    static func languageName(_ code: String) -> String {
        switch code {
        case "en": "English"
        case "ko": "한국어 (Korean)"
        case "": "Lessons"
        default: code
        }
    }

    static func markdown(_ entries: [(relative: String, title: String, ok: Bool)]) -> String {
        var out = "# stepmark course\n"
        for (group, items) in groups(entries) {
            out += "\n## \(languageName(group))\n\n"
            for e in items {
                let title = MarkdownRenderer().escape(e.title)
                out += "- [\(title)](\(e.relative).md)\(e.ok ? "" : " — has errors")\n"
            }
        }
        return out
    }
}
