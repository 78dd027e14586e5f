import FoundationEssentials
import StepmarkCore
import StepmarkLesson

/// HTML building blocks: escaping and the page shell.
public enum HTML {
    /// Text made safe for HTML (and XML) content and attribute values. Control characters
    /// other than tab, newline and carriage return become U+FFFD, as HTML parsers would.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(c)
            case "\u{0}"..."\u{1F}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A relative link target: every byte outside `A–Z a–z 0–9 - . _ ~ /` percent-encoded, so a
    /// file name can never become a `javascript:` URL or break out of the attribute.
    public static func href(_ path: String) -> String {
        var out = "./"
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + DecimalFormat.hexByte(byte, uppercase: true)
            }
        }
        return out
    }

    /// The text of the page's own two scripts, as their `<script>` elements hold it.
    public static let ownScripts = [HTMLAssets.headScript, "\n" + HTMLAssets.script + "\n"]

    /// The page's Content-Security-Policy: nothing loaded from anywhere, inline CSS, images as
    /// data URIs, and only the scripts whose text is given (by their SHA-256, CSP level 2), so
    /// that text a lesson could slip into the page never runs as script, even past a bug in
    /// the escaping (`'unsafe-inline'` would have let it). `connectSelf` is the preview's.
    public static func contentPolicy(scripts: [String], connectSelf: Bool = false) -> String {
        let hashes = scripts.map { "'sha256-" + Data(SHA256.hash(Array($0.utf8))).base64EncodedString() + "'" }
        return "default-src 'none'; style-src 'unsafe-inline'; script-src " + (hashes.isEmpty ? "'none'" : hashes.joined(separator: " "))
            + "; img-src data:; base-uri 'none'; form-action 'none'" + (connectSelf ? "; connect-src 'self'" : "")
    }

    /// The two page policies, each made once: hashing the scripts for every page rendered
    /// repeated the same SHA-256 over some 20 KB a page.
    static let scriptPagePolicy = contentPolicy(scripts: ownScripts)
    static let scriptlessPagePolicy = contentPolicy(scripts: [])

    /// A complete, self-contained page: inline CSS (and, with `script`, the inline step-through
    /// JavaScript). The Content-Security-Policy forbids loading anything else. A body whose
    /// `<main>` has `id="main"` gets a skip link to it first (shown when focused).
    public static func page(title: String, body: String, lang: String = "en", script: Bool) -> String {
        var out = """
            <!DOCTYPE html>
            <html lang="\(escape(lang))">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="\(script ? scriptPagePolicy : scriptlessPagePolicy)">
            <meta name="color-scheme" content="light dark">
            <meta name="generator" content="stepmark">
            <title>\(escape(title))</title>
            <link rel="icon" href="data:,">
            <style>\(HTMLAssets.style)\(PlotSVG.style)\(HTMLPrint.css)</style>

            """
        if script { out += "<script>\(ownScripts[0])</script>\n" }
        out += "</head>\n<body>\n"
        if body.contains("<main id=\"main\"") {
            let words = lang.hasPrefix("ko") ? HTMLStrings.korean.skip : HTMLStrings.english.skip
            out += "<a class=\"skip\" href=\"#main\">\(escape(words))</a>\n"
        }
        out += body
        if script { out += "<script>\(ownScripts[1])</script>\n" }
        return out + "</body>\n</html>\n"
    }
}

/// The words of the page's own interface, in the lesson's language: a view of the one strings
/// table (`Strings`, SPEC §8).
struct HTMLStrings {
    let language: LessonLanguage
    var back, next, showAll, upNext, showEverything, stepThrough, keys, step, line, error, warning: String
    var answerTo, exercise, points, point, checks, tolerance, passed, notPassed, studentTask, hiddenAnswer: String
    var exercises, score, result, feedback, solution, rowsShown, colsShown, rowMax, generated, numbers: String
    var attentionCaption, courseIndex: String
    var plot: PlotWords
    // Accessibility (issue 22): what the colours mean, in words, and the step-through's announcements.
    var shading, shadeSequential, shadeDiverging, rowMaxMark, hatched, candidate, value, chosen, subStep, skip: String
    let words: Strings

    init(_ language: LessonLanguage) {
        let w = Strings(language)
        self.language = language
        words = w
        back = w[.back]; next = w[.next]; showAll = w[.showAll]; upNext = w[.upNext]
        showEverything = w[.showEverything]; stepThrough = w[.stepThrough]; keys = w[.keys]
        step = w[.step]; line = w[.line]; error = w[.errorTitle]; warning = w[.warningTitle]
        answerTo = w[.answerTo]; exercise = w[.exerciseTitle]; points = w[.points]; point = w[.point]
        checks = w[.checks]; tolerance = w[.tolerance]; passed = w[.passed]; notPassed = w[.notPassed]
        studentTask = w[.studentTask]; hiddenAnswer = w[.hiddenAnswer]
        exercises = w[.exercises]; score = w[.score]; result = w[.result]; feedback = w[.feedback]
        solution = w[.solution]; rowsShown = w[.rowsShown]; colsShown = w[.colsShown]; rowMax = w[.rowMax]
        generated = w[.generated]; numbers = w[.numbers]; attentionCaption = w[.attentionCaption]; courseIndex = w[.courseIndex]
        plot = PlotWords.of(language)
        shading = w[.shading]; shadeSequential = w[.shadeSequential]; shadeDiverging = w[.shadeDiverging]
        rowMaxMark = w[.rowMaxMark]; hatched = w[.hatched]; candidate = w[.candidate]; value = w[.value]
        chosen = w[.chosen]; subStep = w[.subStep]; skip = w[.skip]
    }

    static let english = HTMLStrings(.english)
    static let korean = HTMLStrings(.korean)

    /// A warning or error message, in the page's language.
    func message(_ text: String) -> String { Phrasebook.message(text, language) }
}

/// Report → one self-contained HTML page: the lesson's prose, and each directive as a section
/// whose sub-steps are shown as heat-map tables, charts, pictures and token chips, each with
/// its formula in MathML. Renderers never compute: every number shown is in the report.
public struct HTMLRenderer {
    /// Student handouts: exercise results, solution regions and the key's answers hidden.
    public var student: Bool
    /// A relative link to the course index (`../index.html`), when the page is part of a course.
    public var indexLink: String?

    public init(student: Bool = false, indexLink: String? = nil) {
        self.student = student
        self.indexLink = indexLink
    }

    /// The page's `lang` (SPEC §8): the front matter's tag as written when it is well-formed
    /// BCP-47 (`ko-KR` stays `ko-KR`), else the lesson's language (`Report.language`: `ko` under
    /// a `ko/` folder, else `en`), which also chooses the page's words.
    static func language(of report: Report) -> String {
        if let tag = report.frontMatter?.lang?.trimmingHorizontalWhitespace(), isLanguageTag(tag) { return tag }
        return report.language.rawValue
    }

    /// A BCP-47-shaped tag: a 2–3 letter language, then subtags of 1–8 letters or digits.
    static func isLanguageTag(_ tag: String) -> Bool {
        let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, (2...3).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter }) else { return false }
        return parts.dropFirst().allSatisfy { (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }

    public func render(_ report: Report) -> String {
        // A handout shows what StudentView leaves: blank answers, no exercise values.
        let report = student ? StudentView.apply(report) : report
        let lang = Self.language(of: report)
        let strings = HTMLStrings(report.language)
        var page = PageWriter(report: report, student: student, strings: strings)
        page.indexLink = indexLink
        return HTML.page(title: report.title, body: page.body(), lang: lang, script: true)
    }
}

/// Writes the body of one lesson page.
struct PageWriter {
    let report: Report
    let student: Bool
    let s: HTMLStrings
    var indexLink: String?
    init(report: Report, student: Bool, strings: HTMLStrings) {
        self.report = report
        self.student = student
        self.s = strings
    }

    func body() -> String {
        var out = "<nav class=\"toolbar\" aria-label=\"\(HTML.escape(s.stepThrough))\"><span class=\"keys\">\(s.keys)</span>"
        out += "<button type=\"button\" data-act=\"step-everything\">\(HTML.escape(s.stepThrough))</button>"
        out += "<button type=\"button\" data-act=\"show-everything\">\(HTML.escape(s.showEverything))</button></nav>\n"
        out += "<main id=\"main\" tabindex=\"-1\">\n"
        if let indexLink {
            out += "<nav class=\"crumbs\"><a href=\"\(HTML.escape(indexLink))\">\(HTML.escape(s.courseIndex))</a></nav>\n"
        }
        for d in report.diagnostics {
            out += "<p class=\"error\">\(HTML.escape(s.error)) \(HTML.escape(report.lessonPath)):\(d.line):\(d.column): \(HTML.escape(s.message(d.message)))</p>\n"
        }
        // The author's warnings (a mistyped directive name, say) are for the teacher's page.
        if !student {
            for w in report.warnings {
                out += "<p class=\"warning\">\(HTML.escape(s.warning)): \(HTML.escape(report.lessonPath)):\(w.line):\(w.column): \(HTML.escape(s.message(w.message)))</p>\n"
            }
        }
        if let t = report.titleBlock {
            out += "<header class=\"title-block\"><h1>\(HTML.escape(t.title))</h1>"
            if let s = t.subtitle { out += "<p class=\"subtitle\">\(HTML.escape(s))</p>" }
            let byline = (t.authors + [t.date].compactMap { $0 }).map(HTML.escape).joined(separator: " · ")
            if !byline.isEmpty { out += "<p class=\"byline\">\(byline)</p>" }
            out += "</header>\n"
        }
        for block in report.blocks {
            switch block {
            case .prose(let p):
                out += prose(p)
            case .step(let step) where !step.isHiddenEntirely:
                out += StepWriter(step: step, report: report, student: student, s: s).render()
            case .step:
                continue
            }
        }
        if !student, !report.exercises.isEmpty { out += exercises() }
        out += "</main>\n"
        out += "<footer class=\"page\">\(HTML.escape(s.generated)) <code>\(HTML.escape(report.lessonPath))</code></footer>\n"
        return out
    }

    /// Prose, split at solution markers: teachers see solutions in a marked box; students
    /// never see them, as in the Markdown renderer (`ProseBlock.handoutMarkdown`). A region may
    /// span directives (the prose after them then starts inside it); an unclosed one runs on.
    /// The pieces were cut and rendered when the lesson was read (`ProseBlock.pieces`); here
    /// only formulas and images are written into them (`ProseHTML`).
    func prose(_ p: ProseBlock) -> String {
        guard p.hasSolution else {
            return "<div class=\"prose\">\n" + ProseHTML.fill(p.html, p) + "</div>\n"
        }
        var out = ""
        for piece in p.pieces {
            if !piece.isSolution {
                out += "<div class=\"prose\">\n" + ProseHTML.fill(piece.html, p) + "</div>\n"
            } else if !student {
                out += "<aside class=\"solution\"><p class=\"label\">\(HTML.escape(s.solution))</p>\n" + ProseHTML.fill(piece.html, p) + "</aside>\n"
            }
        }
        return out
    }

    func exercises() -> String {
        var out = "<section class=\"exercises\" aria-labelledby=\"exercises-h\"><h2 id=\"exercises-h\">\(HTML.escape(s.exercises))</h2>\n"
        out += "<table><thead><tr><th scope=\"col\">\(HTML.escape(s.exercise))</th><th scope=\"col\">\(HTML.escape(s.score))</th><th scope=\"col\">\(HTML.escape(s.result))</th><th scope=\"col\">\(HTML.escape(s.feedback))</th></tr></thead><tbody>\n"
        for e in report.exercises {
            out += "<tr><th scope=\"row\"><code>\(HTML.escape(e.id))</code></th>"
            out += "<td class=\"num\">\(HTML.escape(Format.shortest(e.score))) / \(HTML.escape(Format.shortest(e.points)))</td>"
            out += "<td class=\"\(e.passed ? "passed" : "failed")\">\(HTML.escape(e.passed ? "✓ " + s.passed : "✗ " + s.notPassed))</td>"
            out += "<td class=\"feedback\">\(HTML.escape(e.feedback))</td></tr>\n"
        }
        return out + "</tbody></table></section>\n"
    }
}
