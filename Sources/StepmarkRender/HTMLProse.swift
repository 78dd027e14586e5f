import FoundationEssentials
import StepmarkLesson

/// Writes a prose block's formulas and images where its HTML holds their placeholders
/// (`ProseMarkup.placeholder`): MathML for a formula, its TeX source in `<code>` when it could
/// not be read; an `<img>` with a data URI for an embedded image, a link for a remote one, the
/// alt text otherwise; the teacher's own private-use character for a `c` placeholder. Inside a
/// tag (an attribute value) a placeholder becomes escaped text.
enum ProseHTML {
    static func fill(_ html: String, _ prose: ProseBlock) -> String {
        guard html.unicodeScalars.contains("\u{E000}") else { return html }
        var out = ""
        out.reserveCapacity(html.utf8.count)
        var inTag = false
        var scalars = html.unicodeScalars[...]
        while let u = scalars.first {
            scalars = scalars.dropFirst()
            switch u {
            case "<": inTag = true
            case ">": inTag = false
            case "\u{E000}":
                guard let close = scalars.firstIndex(of: "\u{E001}"), let kind = scalars.first,
                      let index = Int(String(String.UnicodeScalarView(scalars.dropFirst().prefix(upTo: close)))) else { continue }
                scalars = scalars[scalars.index(after: close)...]
                switch kind {
                case "m": out += formula(index, prose, inTag: inTag)
                case "i": out += image(index, prose, inTag: inTag)
                case "c": if (0...2).contains(index), let own = Unicode.Scalar(0xE000 + UInt32(index)) { out.unicodeScalars.append(own) }
                default: break
                }
                continue
            default: break
            }
            out.unicodeScalars.append(u)
        }
        return out
    }

    static func formula(_ index: Int, _ prose: ProseBlock, inTag: Bool) -> String {
        guard prose.math.indices.contains(index) else { return "" }
        let m = prose.math[index]
        if inTag { return HTML.escape(m.display ? "$$" + m.source + "$$" : "$" + m.source + "$") }
        guard let node = m.node else { return TeXMathML.fallback(source: m.source, display: m.display) }
        return TeXMathML.render(node, display: m.display, source: m.source)
    }

    static func image(_ index: Int, _ prose: ProseBlock, inTag: Bool) -> String {
        guard prose.images.indices.contains(index) else { return "" }
        let image = prose.images[index]
        if inTag { return HTML.escape(image.alt) }
        let title = image.title.isEmpty ? "" : " title=\"\(HTML.escape(image.title))\""
        switch image.content {
        case .embedded(let type, let bytes):
            return "<img src=\"data:\(type);base64,\(Data(bytes).base64EncodedString())\" alt=\"\(HTML.escape(image.alt))\"\(title)>"
        case .remote:
            let lower = image.url.lowercased()
            let href = lower.hasPrefix("//") ? "https:" + image.url : image.url
            guard href.lowercased().hasPrefix("http://") || href.lowercased().hasPrefix("https://") else { return HTML.escape(image.alt) }
            return "<a href=\"\(HTML.escape(href))\">\(HTML.escape(image.alt.isEmpty ? image.url : image.alt))</a>"
        case .unread, .failed:
            return "<span class=\"image-missing\">\(HTML.escape(image.alt.isEmpty ? image.url : image.alt))</span>"
        }
    }
}
