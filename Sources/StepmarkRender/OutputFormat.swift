import StepmarkLesson

/// The formats a report can be written in (`--format md,html,json`).
public enum OutputFormat: String, CaseIterable, Sendable {
    case md, html, json

    /// The formats of a comma-separated list such as `md,html`, in order; nil names the first
    /// word that is not a format.
    public static func list(_ text: String) -> (formats: [OutputFormat], unknown: String?) {
        var formats: [OutputFormat] = []
        for word in text.split(separator: ",").map({ $0.trimmingWhitespace() }) {
            guard let format = OutputFormat(rawValue: word) else { return (formats, word) }
            formats.append(format)
        }
        return (formats, nil)
    }

    /// The file extension, without the dot.
    public var fileExtension: String { rawValue }

    /// One report as this format. `student` hides what a handout must not show (the renderers
    /// apply `StudentView`); `indexLink` is the HTML page's link back to the course index.
    public func render(_ report: Report, student: Bool, indexLink: String? = nil) -> String {
        switch self {
        case .md: MarkdownRenderer(student: student).render(report)
        case .html: HTMLRenderer(student: student, indexLink: indexLink).render(report)
        case .json: JSONRenderer.render(student ? StudentView.apply(report) : report)
        }
    }
}
