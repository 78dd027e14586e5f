import FoundationEssentials
import StepmarkCore
import StepmarkRender

/// Turns a handout page into a preview page while serving it: the handout's own bytes are not
/// changed on disk or in the renderer. The preview adds
/// - `connect-src 'self'` to the page's Content-Security-Policy (the handout's policy is
///   `default-src 'none'`, so without it the page could not open the event stream, and with it
///   the only connection allowed is to this server);
/// - its CSS and script (live reload, the error overlay, presenter mode);
/// - an overlay listing the lesson's errors as `file:line:column: message`.
enum PreviewPage {
    static let policyAttribute = "http-equiv=\"Content-Security-Policy\" content=\""

    /// The preview's script as its `<script>` element holds it.
    static let script = "\n" + PreviewAssets.script + "\n"

    /// The policy of a preview page, in its meta element and as a header (both apply, so each
    /// must allow what the page needs and nothing more): the handout's, with the preview's own
    /// script and `connect-src 'self'` for its event stream.
    static let headerPolicy = HTML.contentPolicy(scripts: HTML.ownScripts + [script], connectSelf: true)

    static func decorate(_ html: String, page: String, errors: [String], present: Bool) -> String {
        var out = html
        if let start = out.firstRange(of: policyAttribute), let end = out[start.upperBound...].firstRange(of: "\"") {
            out.replaceSubrange(start.upperBound..<end.lowerBound, with: headerPolicy)
        }
        var head = "<meta name=\"stepmark-preview-page\" content=\"\(HTML.escape(page))\">\n"
        if present { head += "<meta name=\"stepmark-present\" content=\"on\">\n" }
        head += "<style>\(PreviewAssets.style)</style>\n"
        if let headEnd = out.ranges(of: "</head>").last {
            out.insert(contentsOf: head, at: headEnd.lowerBound)
        }
        var tail = overlay(errors, korean: out.contains("<html lang=\"ko\">"))
        tail += "<script>\(script)</script>\n"
        if let bodyEnd = out.ranges(of: "</body>").last {
            out.insert(contentsOf: tail, at: bodyEnd.lowerBound)
        } else {
            out += tail
        }
        return out
    }

    /// The error overlay: every error of the lesson with its position, over the page, until
    /// dismissed (it comes back with the next re-render that still has errors).
    static func overlay(_ errors: [String], korean: Bool = false) -> String {
        guard !errors.isEmpty else { return "" }
        let head = korean ? "오류 \(errors.count)개" : "\(errors.count) error\(errors.count == 1 ? "" : "s")"
        let dismiss = korean ? "닫기 (Esc)" : "Dismiss (Esc)"
        let hint = korean ? "강의 파일을 고쳐 저장하면 이 페이지가 저절로 다시 열립니다." : "Fix the lesson and save: this page reloads by itself."
        var out = "<div id=\"stepmark-overlay\" role=\"alert\" aria-live=\"assertive\"><div class=\"box\">"
        out += "<p class=\"head\">\(head)"
        out += "<button type=\"button\" data-preview=\"dismiss\">\(dismiss)</button></p><ul>"
        for e in errors { out += "<li><code>\(HTML.escape(e))</code></li>" }
        return out + "</ul><p class=\"hint\">\(hint)</p></div></div>\n"
    }
}
