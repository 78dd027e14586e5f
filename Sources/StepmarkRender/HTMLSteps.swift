import FoundationEssentials
import StepmarkCore
import StepmarkLesson

/// One directive as a `<section>`: a header, the block's source, the exercise it carries, its
/// sub-steps (each with its formula and its value drawn the way that suits it), the step-through
/// controls, warnings and the error.
struct StepWriter {
    let step: Step
    let report: Report
    let student: Bool
    let s: HTMLStrings

    func esc(_ text: String) -> String { HTML.escape(text) }

    /// In a handout (`StudentView`), an answer block is a blank template to fill in.
    var isStudentAnswer: Bool { student && step.answer != nil }

    /// The sub-step an exercise on this step checks (hidden from students).
    var checkedName: String? {
        guard let ex = step.exercise else { return nil }
        return ex.check ?? step.resultName
    }

    func render() -> String {
        let id = "step-\(step.index)"
        let values = isStudentAnswer ? [] : step.values
        var classes = "step"
        if !step.ok { classes += " failed" }
        var out = "<section class=\"\(classes)\" id=\"\(id)\" data-directive=\"\(esc(step.directive))\""
        if values.count > 1 { out += " data-substeps=\"\(values.count)\"" }
        out += " aria-labelledby=\"\(id)-h\">\n"
        let args = String(step.block.info.dropFirst(step.directive.count)).trimmingHorizontalWhitespace()
        out += "<header class=\"step-head\"><h3 id=\"\(id)-h\"><span class=\"dname\">\(esc(step.directive))</span>"
        if !args.isEmpty { out += "<span class=\"args\">\(esc(args))</span>" }
        out += "</h3><span class=\"where\"><a href=\"#\(id)\">\(esc(s.step)) \(step.index)</a> · \(esc(s.line)) \(step.position.line)</span></header>\n"
        if step.showsSource {
            out += "<pre class=\"source\"><code>\(esc(step.block.source))</code></pre>\n"
        }
        out += exerciseTag()
        if isStudentAnswer {
            out += "<p class=\"hidden-answer answer-note\">\(esc(s.hiddenAnswer))</p>\n"
        }
        if let hidden = step.hidden {
            out += "<p class=\"hidden-answer hidden-values\">\(esc(hidden.note(s.language)))</p>\n"
        }
        if !values.isEmpty {
            out += "<ol class=\"substeps\">\n"
            for (i, named) in values.enumerated() {
                // In a handout StudentView has already taken out what the exercise asks for.
                out += ValueWriter(named: named, id: "s\(step.index)-\(i + 1)", s: s).render()
            }
            out += "</ol>\n"
        }
        if values.count > 1 {
            out += "<div class=\"stepper\" role=\"group\" aria-label=\"\(esc(s.stepThrough)): \(esc(step.directive))\">"
            out += "<button type=\"button\" data-act=\"prev\">\(esc(s.back))</button>"
            out += "<button type=\"button\" class=\"primary\" data-act=\"next\">\(esc(s.next))</button>"
            out += "<button type=\"button\" data-act=\"all\">\(esc(s.showAll))</button>"
            out += "<span class=\"count\">\(values.count) / \(values.count)</span>"
            out += "<span class=\"visually-hidden announce\" aria-live=\"polite\" data-label=\"\(esc(s.subStep))\"></span>"
            out += "<span class=\"upnext\" data-label=\"\(esc(s.upNext))\"></span></div>\n"
        }
        for w in step.warnings { out += "<p class=\"warning\">\(esc(s.warning)): \(esc(s.message(w)))</p>\n" }
        if let e = step.error, !isStudentAnswer {
            out += "<p class=\"error\">\(esc(s.error)) \(esc(report.lessonPath)):\(e.line):\(e.column): \(esc(s.message(e.message)))</p>\n"
        }
        return out + "</section>\n"
    }

    func exerciseTag() -> String {
        if step.answer != nil, !student, let id = step.positional.first {
            var out = "<p class=\"exercise-tag\">\(esc(s.answerTo)) <a href=\"#\(esc(exerciseAnchor(id)))\"><code>\(esc(id))</code></a>"
            if let result = report.exercises.first(where: { $0.id == id }) { out += " · " + resultText(result) }
            return out + "</p>\n"
        }
        guard let ex = step.exercise else { return "" }
        var out = "<p class=\"exercise-tag\">✎ \(esc(s.exercise)) <code>\(esc(ex.id))</code> · \(esc(Format.shortest(ex.points))) \(esc(ex.points == 1 ? s.point : s.points))"
        if let c = checkedName { out += " · \(esc(s.checks)) <code>\(esc(c))</code>" }
        out += " · \(esc(s.tolerance)) \(esc(Format.shortest(ex.tolerance)))"
        if student {
            out += " — \(esc(s.studentTask)) <code>answer \(esc(ex.id))</code>"
        } else if let result = report.exercises.first(where: { $0.id == ex.id }) {
            out += " · " + resultText(result)
        }
        return out + "</p>\n"
    }

    /// The section of the step that asks exercise `id` (the answer links back to it).
    func exerciseAnchor(_ id: String) -> String {
        report.steps.first { $0.exercise?.id == id }.map { "step-\($0.index)" } ?? "step-\(step.index)"
    }

    func resultText(_ r: ExerciseResult) -> String {
        let score = "\(Format.shortest(r.score)) / \(Format.shortest(r.points))"
        return "<span class=\"result \(r.passed ? "passed" : "failed")\">\(r.passed ? "✓" : "✗") \(esc(r.passed ? s.passed : s.notPassed)) (\(esc(score)))</span>"
    }
}
