import StepmarkCore
import StepmarkLesson

/// HTML building blocks: escaping and the page shell.
public enum HTML {
    /// Text made safe for HTML content and attribute values.
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
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static let style = """
        :root{color-scheme:light dark;--fg:#1d1d1f;--bg:#fff;--muted:#666;--line:#ddd;--accent:#2457c5;--bad:#b3261e}
        @media (prefers-color-scheme:dark){:root{--fg:#e8e8ea;--bg:#16171a;--muted:#a0a0a8;--line:#3a3b40;--accent:#8ab4ff;--bad:#ff8a80}}
        body{font:16px/1.55 system-ui,-apple-system,"Segoe UI","Noto Sans KR","Apple SD Gothic Neo",sans-serif;color:var(--fg);background:var(--bg);max-width:60rem;margin:2rem auto;padding:0 1rem}
        pre,code{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:.9em}
        pre{background:color-mix(in srgb,var(--fg) 6%,transparent);padding:.6rem .8rem;border-radius:6px;overflow-x:auto}
        table{border-collapse:collapse;margin:.4rem 0 1rem}
        th,td{border:1px solid var(--line);padding:.2rem .5rem;text-align:right;font-variant-numeric:tabular-nums}
        th{font-weight:600;background:color-mix(in srgb,var(--fg) 5%,transparent)}
        section.step{border-left:3px solid var(--accent);padding-left:1rem;margin:1.5rem 0}
        .substep h4{margin:.8rem 0 .2rem;font-size:1rem}
        .formula{color:var(--muted);font-weight:normal;margin-left:.5rem}
        .error{color:var(--bad);font-weight:600}
        .bad{color:var(--bad)}
        @media print{section.step{break-inside:avoid}}
        """

    /// A complete, self-contained page.
    public static func page(title: String, body: String, script: Bool) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
        <title>\(escape(title))</title>
        <style>\(style)</style>
        </head>
        <body>
        \(body)</body>
        </html>

        """
    }
}

/// Report → one self-contained HTML page.
public struct HTMLRenderer {
    public var student: Bool

    public init(student: Bool = false) { self.student = student }

    public func render(_ report: Report) -> String {
        var body = ""
        for block in report.blocks {
            switch block {
            case .prose(let p):
                body += student ? renderMarkdownSafely(Solutions.removed(from: p.markdown)) : p.html
            case .step(let step):
                body += render(step, path: report.lessonPath)
            }
        }
        for d in report.diagnostics {
            body += "<p class=\"error\">Error at \(HTML.escape(report.lessonPath)):\(d.line):\(d.column): \(HTML.escape(d.message))</p>\n"
        }
        return HTML.page(title: report.title, body: body, script: true)
    }

    func render(_ step: Step, path: String) -> String {
        var out = "<section class=\"step\" id=\"step-\(step.index)\">\n"
        out += "<pre><code>" + HTML.escape(step.block.source) + "</code></pre>\n"
        if !(student && step.directive == "answer") {
            for value in step.values { out += renderValue(value) }
        }
        for w in step.warnings { out += "<p class=\"warning\">Warning: \(HTML.escape(w))</p>\n" }
        if let e = step.error {
            out += "<p class=\"error\">Error at \(HTML.escape(path)):\(e.line):\(e.column): \(HTML.escape(e.message))</p>\n"
        }
        return out + "</section>\n"
    }

    func renderValue(_ named: NamedValue) -> String {
        var out = "<div class=\"substep\"><h4>\(HTML.escape(named.name))"
        if let f = named.formula, f != named.name { out += "<span class=\"formula\">\(HTML.escape(f))</span>" }
        out += "</h4>\n"
        switch named.value {
        case .tensor(let t) where t.isScalar:
            out += "<p>\(Format.number(t.data[0], precision: named.precision))</p>\n"
        case .tokens(let list):
            out += "<p>" + list.tokens.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: " ") + "</p>\n"
        case .text(let s):
            out += "<pre>\(HTML.escape(s))</pre>\n"
        default:
            if let grid = Grid.of(named.value, precision: named.precision) { out += table(grid) }
        }
        return out + "</div>\n"
    }

    func table(_ grid: Grid) -> String {
        var out = "<table>\n"
        if let headers = grid.columnHeaders {
            out += "<thead><tr>" + (grid.rowHeaders != nil ? "<th></th>" : "")
            out += headers.map { "<th scope=\"col\">\(HTML.escape($0))</th>" }.joined() + "</tr></thead>\n"
        }
        out += "<tbody>\n"
        for (i, row) in grid.rows.enumerated() {
            out += "<tr>"
            if let labels = grid.rowHeaders { out += "<th scope=\"row\">\(HTML.escape(labels[i]))</th>" }
            let cells = row ?? Array(repeating: "⋮", count: grid.numeric.count)
            out += cells.map { "<td>\(HTML.escape($0))</td>" }.joined()
            out += "</tr>\n"
        }
        return out + "</tbody></table>\n"
    }
}
