import Foundation
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
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
            <meta name="color-scheme" content="light dark">
            <meta name="generator" content="stepmark">
            <title>\(escape(title))</title>
            <link rel="icon" href="data:,">
            <style>\(HTMLAssets.style)\(PlotSVG.style)\(HTMLPrint.css)</style>

            """
        if script { out += "<script>\(HTMLAssets.headScript)</script>\n" }
        out += "</head>\n<body>\n"
        if body.contains("<main id=\"main\"") {
            let words = lang.hasPrefix("ko") ? HTMLStrings.korean.skip : HTMLStrings.english.skip
            out += "<a class=\"skip\" href=\"#main\">\(escape(words))</a>\n"
        }
        out += body
        if script { out += "<script>\n\(HTMLAssets.script)\n</script>\n" }
        return out + "</body>\n</html>\n"
    }
}

/// The words of the page's own interface, in the lesson's language.
struct HTMLStrings {
    var back = "◀ Back", next = "Next ▶", showAll = "Show all", upNext = "Next:"
    var showEverything = "Show every step", stepThrough = "Step through"
    var keys = "Press <kbd>→</kbd> to reveal the next sub-step, <kbd>←</kbd> to hide it"
    var step = "step", line = "line", error = "Error", warning = "Warning"
    var answerTo = "Answer to exercise"
    var exercise = "Exercise", points = "points", point = "point", checks = "checks", tolerance = "tolerance"
    var passed = "passed", notPassed = "not passed"
    var studentTask = "Work this out yourself and write it in the answer block"
    var hiddenAnswer = "Your answer goes here: replace each ? with a value."
    var exercises = "Exercises", score = "score", result = "result", feedback = "feedback"
    var solution = "Solution — teacher only"
    var rowsShown = "rows shown of", colsShown = "columns shown of"
    var rowMax = "largest in its row"
    var generated = "Rendered by stepmark from"
    var numbers = "The numbers"
    var attentionCaption = "rows: queries · columns: keys"
    var courseIndex = "← Course index"
    var plot = PlotWords.english
    // Accessibility (issue 22): what the colours mean, in words, and the step-through's announcements.
    var shading = "shading", shadeSequential = "more colour: larger", shadeDiverging = "orange: below 0 · blue: above 0 · more colour: farther from 0"
    var rowMaxMark = "outlined and bold: largest in its row", hatched = "hatched: infinite (masked)"
    var candidate = "candidate", value = "value", chosen = "chosen"
    var subStep = "Sub-step", skip = "Skip to the lesson"

    static let english = HTMLStrings()
    static let korean: HTMLStrings = {
        var s = HTMLStrings()
        s.back = "◀ 이전"; s.next = "다음 ▶"; s.showAll = "모두 보기"; s.upNext = "다음:"
        s.courseIndex = "← 강의 목차"
        s.showEverything = "모든 단계 펼치기"; s.stepThrough = "한 단계씩 보기"
        s.keys = "<kbd>→</kbd> 다음 단계 보기, <kbd>←</kbd> 되돌리기"
        s.step = "단계"; s.line = "줄"; s.error = "오류"; s.warning = "주의"
        s.answerTo = "연습 문제의 답:"
        s.exercise = "연습 문제"; s.points = "점"; s.point = "점"; s.checks = "확인 값"; s.tolerance = "허용 오차"
        s.passed = "통과"; s.notPassed = "통과 못 함"
        s.studentTask = "직접 계산해서 답안 블록에 적어 보세요"
        s.hiddenAnswer = "여기에 답을 적으세요: 각 ?를 값으로 바꾸세요."
        s.exercises = "연습 문제"; s.score = "점수"; s.result = "결과"; s.feedback = "피드백"
        s.solution = "풀이 — 교사용"
        s.rowsShown = "행 표시 / 전체"; s.colsShown = "열 표시 / 전체"
        s.rowMax = "행에서 가장 큰 값"
        s.generated = "stepmark로 만든 자료:"
        s.numbers = "숫자로 보기"
        s.attentionCaption = "행: 쿼리 · 열: 키"
        s.plot = PlotWords.korean
        s.shading = "색"; s.shadeSequential = "색이 짙을수록 큰 값"; s.shadeDiverging = "주황: 0보다 작음 · 파랑: 0보다 큼 · 색이 짙을수록 0에서 멂"
        s.rowMaxMark = "테두리·굵은 글씨: 행에서 가장 큰 값"; s.hatched = "빗금: 무한대(가려진 값)"
        s.candidate = "후보"; s.value = "값"; s.chosen = "선택됨"
        s.subStep = "하위 단계"; s.skip = "본문으로 건너뛰기"
        return s
    }()
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
        if let tag = report.frontMatter?.lang?.trimmingCharacters(in: .whitespaces), isLanguageTag(tag) { return tag }
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
        let strings = lang.lowercased().hasPrefix("ko") ? HTMLStrings.korean : HTMLStrings.english
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
            out += "<p class=\"error\">\(HTML.escape(s.error)) \(HTML.escape(report.lessonPath)):\(d.line):\(d.column): \(HTML.escape(d.message))</p>\n"
        }
        // The author's warnings (a mistyped directive name, say) are for the teacher's page.
        if !student {
            for w in report.warnings {
                out += "<p class=\"warning\">\(HTML.escape(s.warning)): \(HTML.escape(report.lessonPath)):\(w.line):\(w.column): \(HTML.escape(w.message))</p>\n"
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
    /// never see them. As in the Markdown renderer and `Solutions.removed(from:)`, a region
    /// lives within one prose block; an unclosed one runs to the end of its block.
    /// The pieces were cut and rendered when the lesson was read (`ProseBlock.pieces`); here
    /// only formulas and images are written into them (`ProseHTML`).
    func prose(_ p: ProseBlock) -> String {
        guard Solutions.hasRegion(in: p.markdown) else {
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
