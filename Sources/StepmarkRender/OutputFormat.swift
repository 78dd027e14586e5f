import StepmarkLesson

/// The formats a report can be written in (`--format md,html,json,pdf`).
public enum OutputFormat: String, CaseIterable, Sendable {
    /// `pdf` is the HTML page printed by Chromium (`PDFPrinter`): `render` gives the page to
    /// print, and the course's write prints it.
    case md, html, json, pdf

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

    /// True for a format whose file is printed from `render`'s page rather than written as it.
    public var isPrinted: Bool { self == .pdf }

    /// One report as this format (for `pdf`, the HTML page to print, without the index link). `student` hides what a handout must not show (the renderers
    /// apply `StudentView`); `indexLink` is the HTML page's link back to the course index.
    /// `imageBase` is the Markdown page's path to the lesson's folder (`MarkdownRenderer`).
    public func render(_ report: Report, student: Bool, indexLink: String? = nil, imageBase: String? = nil) -> String {
        switch self {
        // A written Markdown report shows its lesson's directive blocks, so it would read as a
        // lesson; its last line says it is not one (`OutputOwnership.isLessonSource`).
        case .md: MarkdownRenderer(student: student, imageBase: imageBase).render(report) + "\n" + OutputOwnership.markdownReportMark + "\n"
        case .html: HTMLRenderer(student: student, indexLink: indexLink).render(report)
        case .json: JSONRenderer.render(student ? StudentView.apply(report) : report)
        case .pdf: HTMLRenderer(student: student, indexLink: nil).render(report)
        }
    }

    /// True for a format whose page can be handed on a piece at a time (`write`): JSON, which
    /// holds every recorded value and may run to hundreds of MB. The others show at most a
    /// window of each value.
    public var isWrittenInPieces: Bool { self == .json }

    /// `render`'s page handed to `chunk` a piece (about 1 MB) at a time, for formats that are
    /// `isWrittenInPieces`; the pieces make exactly `render`'s text.
    public func write(_ report: Report, student: Bool, chunk: (String) -> Void) {
        switch self {
        case .json: JSONRenderer.write([student ? StudentView.apply(report) : report], asArray: false, chunk: chunk)
        default: chunk(render(report, student: student))
        }
    }
}
