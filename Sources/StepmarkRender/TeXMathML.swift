import StepmarkLesson

/// A prose formula's tree (`TeXNode`, parsed when the lesson was read) → MathML Core, which
/// browsers draw themselves: no script, no web font. Every piece of text is escaped; the TeX
/// source rides along as an `<annotation>` (copying a formula copies its TeX).
public enum TeXMathML {
    /// The formula as one `<math>` element; `display` for `$$…$$`.
    public static func render(_ node: TeXNode, display: Bool, source: String) -> String {
        var writer = Writer(display: display)
        writer.write(node)
        return (display ? "<math display=\"block\">" : "<math>") + "<semantics><mrow>" + writer.out + "</mrow>"
            + "<annotation encoding=\"application/x-tex\">" + TeXMathML.text(source) + "</annotation></semantics></math>"
    }

    /// Text inside `<math>`, escaped, with what XML does not allow (C0 controls but tab and
    /// line feed, noncharacters such as U+FFFE) as U+FFFD: a `<math>` element is XML to the
    /// tools that read MathML, and `\text{U+FFFE}` made it unreadable (a red-team pass).
    static func text(_ s: String) -> String {
        func allowed(_ u: Unicode.Scalar) -> Bool {
            let v = u.value
            if v < 0x20 { return v == 0x09 || v == 0x0A || v == 0x0D }
            return !((0xFDD0...0xFDEF).contains(v) || v & 0xFFFE == 0xFFFE)
        }
        guard !s.unicodeScalars.allSatisfy(allowed) else { return HTML.escape(s) }
        return HTML.escape(String(String.UnicodeScalarView(s.unicodeScalars.map { allowed($0) ? $0 : "\u{FFFD}" })))
    }

    /// A formula that could not be read, shown as its source.
    public static func fallback(source: String, display: Bool) -> String {
        let delimiter = display ? "$$" : "$"
        return "<code class=\"tex-error\">" + HTML.escape(delimiter + source + delimiter) + "</code>"
    }

    struct Writer {
        let display: Bool
        var out = ""

        mutating func wrapped(_ node: TeXNode) {
            out += "<mrow>"
            write(node)
            out += "</mrow>"
        }

        mutating func mo(_ s: String, _ attributes: String = "") {
            out += "<mo\(attributes)>" + TeXMathML.text(s) + "</mo>"
        }

        /// Scripts below and above: ∑ and `\max` in display math, `\overset` always.
        func usesLimits(_ base: TeXNode, _ limits: Bool) -> Bool {
            switch base {
            case .op(_, true, let l, _), .function(_, let l): return l && display
            default: return limits
            }
        }

        mutating func write(_ node: TeXNode) {
            switch node {
            case .row(let items):
                for item in items { write(item) }
            case .identifier(let s, let normal):
                out += (normal && s.count == 1 ? "<mi mathvariant=\"normal\">" : "<mi>") + TeXMathML.text(s) + "</mi>"
            case .number(let s):
                out += "<mn>" + TeXMathML.text(s) + "</mn>"
            case .op(let s, let large, _, let stretchy):
                if large {
                    mo(s, " largeop=\"true\" movablelimits=\"true\"")
                } else if !stretchy, s.count == 1, "()[]{}|/‖⟨⟩⌊⌋⌈⌉<>".contains(s) {
                    mo(s, " stretchy=\"false\"")
                } else {
                    mo(s)
                }
            case .function(let name, _):
                // U+2061 FUNCTION APPLICATION: MathML's spacing after an operator name.
                out += "<mi>" + TeXMathML.text(name) + "</mi><mo>\u{2061}</mo>"
            case .text(let s):
                out += "<mtext>" + TeXMathML.text(s.replacing( " ", with: "\u{A0}")) + "</mtext>"
            case .space(let width):
                out += "<mspace width=\"\(formatEm(width))em\"></mspace>"
            case .fraction(let a, let b, let line):
                out += line ? "<mfrac>" : "<mfrac linethickness=\"0\">"
                wrapped(a)
                wrapped(b)
                out += "</mfrac>"
            case .root(let base, let index):
                if let index {
                    out += "<mroot>"
                    wrapped(base)
                    wrapped(index)
                    out += "</mroot>"
                } else {
                    out += "<msqrt>"
                    write(base)
                    out += "</msqrt>"
                }
            case .scripts(let base, let sub, let sup, let limits):
                let (under, over) = usesLimits(base, limits) ? ("munder", "mover") : ("msub", "msup")
                let both = usesLimits(base, limits) ? "munderover" : "msubsup"
                let tag = sub != nil && sup != nil ? both : sub != nil ? under : over
                out += "<\(tag)>"
                // A function's name goes in without its application sign, which follows the scripts.
                var function: String? = nil
                if case .function(let name, _) = base { function = name }
                if let function { out += "<mi>" + TeXMathML.text(function) + "</mi>" } else { wrapped(base) }
                if let sub { wrapped(sub) }
                if let sup { wrapped(sup) }
                out += "</\(tag)>"
                if function != nil { out += "<mo>\u{2061}</mo>" }
            case .accent(let base, let mark, let over, let stretchy):
                let tag = over ? "mover" : "munder"
                out += over ? "<mover accent=\"true\">" : "<munder accentunder=\"true\">"
                wrapped(base)
                mo(mark, stretchy ? " stretchy=\"true\"" : " stretchy=\"false\"")
                out += "</\(tag)>"
            case .fenced(let open, let close, let body):
                out += "<mrow>"
                if !open.isEmpty { mo(open, " fence=\"true\" form=\"prefix\" stretchy=\"true\"") }
                wrapped(body)
                if !close.isEmpty { mo(close, " fence=\"true\" form=\"postfix\" stretchy=\"true\"") }
                out += "</mrow>"
            case .matrix(let rows, let open, let close):
                out += "<mrow>"
                if !open.isEmpty { mo(open, " fence=\"true\" form=\"prefix\" stretchy=\"true\"") }
                out += "<mtable>"
                for row in rows {
                    out += "<mtr>"
                    for cell in row {
                        out += "<mtd>"
                        wrapped(cell)
                        out += "</mtd>"
                    }
                    out += "</mtr>"
                }
                out += "</mtable>"
                if !close.isEmpty { mo(close, " fence=\"true\" form=\"postfix\" stretchy=\"true\"") }
                out += "</mrow>"
            }
        }

        func formatEm(_ width: Double) -> String {
            let thousandths = Int((width * 1000).rounded())
            let fraction = thousandths % 1000
            var digits = String(fraction)
            while digits.count < 3 { digits = "0" + digits }
            while digits.hasSuffix("0") { digits.removeLast() }
            return digits.isEmpty ? String(thousandths / 1000) : "\(thousandths / 1000).\(digits)"
        }
    }
}
