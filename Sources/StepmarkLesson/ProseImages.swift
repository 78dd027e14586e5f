import FoundationEssentials
import StepmarkCore

/// Reads the images of a lesson's prose (`![alt](fig.png)`) so that the HTML renderer can embed
/// them as data URIs (the page's CSP allows `img-src data:` only). Done by `LessonParser.read`,
/// never by a renderer:
/// - a path is relative to the lesson's folder (an absolute path is taken as it is: the
///   lesson is the teacher's own, and a file that is not an image is refused by its bytes);
/// - only regular files (a FIFO or a device is refused without waiting), at most `maxBytes`,
///   checked with `fstat` before anything is read (`RegularFile.read`);
/// - the type comes from the bytes, never the extension: PNG, JPEG, GIF, WebP, and SVG when
///   `SVGCheck` finds nothing active in it;
/// - an `http:`/`https:` image is written as a link to it (the CSP would block it), with an
///   error that says so; other schemes are errors.
/// Every problem is an error at the image's position; the page then shows the alt text.
public enum ProseImages {
    public static let maxBytes = 5 * 1024 * 1024
    /// The most bytes all the images of one lesson may embed in its page, every use of an image
    /// counted (the page holds a copy per use): 1,000 uses of one 544 KB picture made a 4 KB
    /// lesson's page 725 MB and took 2.7 GB to render (red-team pass).
    public static let maxLessonBytes = 4 * maxBytes

    /// Reads every image of the lesson's prose, relative to `folder`.
    public static func resolve(_ lesson: inout Lesson, folder: String) {
        let before = lesson.diagnostics.count
        defer {
            // In file order with the rest (a stable sort: equal positions keep their order).
            if lesson.diagnostics.count > before {
                lesson.diagnostics = lesson.diagnostics.enumerated()
                    .sorted { ($0.element.position, $0.offset) < ($1.element.position, $1.offset) }.map(\.element)
            }
        }
        // A file named again is read once, however its path is spelt (`a.png`, `./a.png`,
        // `.//a.png`: known by its device and inode), and its uses share one copy of its bytes.
        // A file that cannot fit in what is left of the page's allowance is not read at all.
        var loaded: [String: (ProseImage.Content, String?)] = [:]
        var embeddedBytes = 0
        var overAllowanceUses = 0
        var overAllowanceSummary: (index: Int, position: SourcePosition)? = nil
        for b in lesson.blocks.indices {
            guard case .prose(var prose) = lesson.blocks[b], !prose.images.isEmpty else { continue }
            for k in prose.images.indices {
                let url = prose.images[k].url
                var info = stat()
                let isLocal = !url.isEmpty && scheme(of: url) == nil && stat(localPath(url, folder: folder), &info) == 0
                let key = isLocal ? "\(info.st_dev):\(info.st_ino)" : url
                let overAllowance = (content: ProseImage.Content.failed, problem: Optional("the images of this lesson would put more than \(maxLessonBytes / (1024 * 1024)) MB into its page (each use of an image counts), so \(url.quotable) is shown as its alt text; use fewer or smaller images"))
                var (content, problem): (ProseImage.Content, String?)
                if let known = loaded[key] {
                    (content, problem) = known
                } else if isLocal, info.st_mode & S_IFMT == S_IFREG, embeddedBytes + Int(info.st_size) > maxLessonBytes, Int(info.st_size) <= maxBytes {
                    (content, problem) = overAllowance
                } else {
                    (content, problem) = load(url, folder: folder)
                    loaded[key] = (content, problem)
                }
                if case .embedded(_, let bytes) = content {
                    if embeddedBytes + bytes.count > maxLessonBytes {
                        (content, problem) = overAllowance
                    } else {
                        embeddedBytes += bytes.count
                    }
                }
                prose.images[k].content = content
                if let problem {
                    // Past the allowance every further use fails the same way: the first ten
                    // say so each, then one line counts the rest (50,000 uses printed 50,000
                    // lines; a red-team pass).
                    if problem == overAllowance.problem {
                        overAllowanceUses += 1
                        if overAllowanceUses > maxOverAllowanceErrors {
                            if overAllowanceUses == maxOverAllowanceErrors + 1 { overAllowanceSummary = (lesson.diagnostics.count, prose.images[k].position) }
                            continue
                        }
                    }
                    lesson.diagnostics.append(LessonError(problem, at: prose.images[k].position))
                }
            }
            lesson.blocks[b] = .prose(prose)
        }
        if let (index, position) = overAllowanceSummary {
            let more = overAllowanceUses - maxOverAllowanceErrors
            lesson.diagnostics.insert(LessonError("from this image on, \(more) more would put the page over its \(maxLessonBytes / (1024 * 1024)) MB of images too; each is shown as its alt text", at: position), at: index)
        }
    }

    /// How many uses past the page's allowance get an error of their own.
    static let maxOverAllowanceErrors = 10

    static func scheme(of url: String) -> String? {
        guard let colon = url.firstIndex(of: ":") else { return url.hasPrefix("//") ? "//" : nil }
        let name = url[..<colon]
        guard let first = name.first, first.isASCII, first.isLetter,
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+.-".contains($0)) }) else { return nil }
        return name.lowercased()
    }

    static func localPath(_ url: String, folder: String) -> String {
        let path = PercentEncoding.decoded(url) ?? url
        if path.hasPrefix("/") || folder.isEmpty { return path }
        return folder + "/" + path
    }

    /// The image's content, and the problem to report, if any.
    static func load(_ url: String, folder: String) -> (ProseImage.Content, String?) {
        let shown = url.quotable
        guard !url.isEmpty else { return (.failed, "this image names no file") }
        if let scheme = scheme(of: url) {
            if scheme == "http" || scheme == "https" || scheme == "//" {
                return (.remote, "the remote image \(shown) cannot be shown (the page loads nothing from the network), so it is written as a link; save the file next to the lesson and name it by a relative path to embed it")
            }
            return (.failed, "the image \(shown) is not a file: only local image files, named relative to the lesson, are embedded")
        }
        let path = localPath(url, folder: folder)
        let bytes: [UInt8]
        do {
            bytes = try RegularFile.read(path, maxBytes: maxBytes)
        } catch {
            switch error {
            case .missing: return (.failed, "the image file \(shown) does not exist (paths are relative to the lesson's folder)")
            case .tooLarge: return (.failed, "the image \(shown) is larger than \(maxBytes / (1024 * 1024)) MB, the limit for an image embedded in the page")
            default: return (.failed, "the image \(shown) \(error.message)")
            }
        }
        guard let type = mediaType(bytes) else {
            return (.failed, "the file \(shown) is not a PNG, JPEG, GIF, WebP or SVG image (its first bytes say so, whatever its name)")
        }
        if type == "image/svg+xml", let why = SVGCheck.problem(bytes) {
            return (.failed, "the SVG image \(shown) is not embedded: it holds \(why), which a lesson's picture must not")
        }
        return (.embedded(mediaType: type, bytes: bytes), nil)
    }

    /// The media type from the file's first bytes.
    public static func mediaType(_ b: [UInt8]) -> String? {
        if b.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if b.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if b.starts(with: Array("GIF87a".utf8)) || b.starts(with: Array("GIF89a".utf8)) { return "image/gif" }
        if b.count >= 12, b.starts(with: Array("RIFF".utf8)), Array(b[8..<12]) == Array("WEBP".utf8) { return "image/webp" }
        if SVGCheck.looksLikeSVG(b) { return "image/svg+xml" }
        return nil
    }
}

/// Whether an SVG file is only a picture. A browser draws an `<img>` SVG without running its
/// scripts or loading anything, but the file is also a download of the page; so the simplest
/// safe rule: no `<script`, no `on…=` event attribute, no `<foreignObject>` (HTML inside), no
/// `href`/`xlink:href` but to `#…` within the file, no `url(` but to `#…`, no `@import`, no
/// `<!ENTITY`, no `javascript:`. Checked on the bytes, ASCII case-insensitively.
enum SVGCheck {
    static func looksLikeSVG(_ b: [UInt8]) -> Bool {
        guard String(validating: b, as: UTF8.self) != nil else { return false }
        return lowered(b).firstRange(of: Array("<svg".utf8)) != nil
    }

    static func lowered(_ b: [UInt8]) -> [UInt8] {
        b.map { (0x41...0x5A).contains($0) ? $0 + 32 : $0 }
    }

    /// The bytes with numeric character references (`&#x6a;`, `&#106;`) of ASCII characters
    /// written out: `&#x6a;avascript:` is `javascript:` to the browser.
    static func decodedReferences(_ b: [UInt8]) -> [UInt8] {
        guard b.contains(UInt8(ascii: "&")) else { return b }
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "&"), i + 2 < b.count, b[i + 1] == UInt8(ascii: "#") {
                let hex = b[i + 2] == UInt8(ascii: "x")
                var j = i + (hex ? 3 : 2)
                var value = 0
                while j < b.count, j - i < 12, let digit = hex ? Int(String(UnicodeScalar(b[j])), radix: 16) : Int(String(UnicodeScalar(b[j]))) {
                    value = value * (hex ? 16 : 10) + digit
                    j += 1
                }
                if j > i + (hex ? 3 : 2), value > 0, value < 0x80 {
                    out.append(UInt8(value))
                    i = j < b.count && b[j] == UInt8(ascii: ";") ? j + 1 : j
                    continue
                }
            }
            out.append(b[i])
            i += 1
        }
        return out
    }

    static func problem(_ bytes: [UInt8]) -> String? {
        let b = lowered(decodedReferences(lowered(bytes)))
        // An animation that sets a link (`<set attributeName="href" to="javascript:…">`) is a
        // link by another road; CSS escapes (`@\69mport`) hide what the checks below look for.
        for attribute in ["attributename=\"href\"", "attributename='href'", "attributename=\"xlink:href\"", "attributename='xlink:href'"]
        where b.firstRange(of: Array(attribute.utf8)) != nil {
            return "an animation that sets a link (attributeName=href)"
        }
        if cssHasEscapes(b) { return "a CSS escape (\\…) in a style" }
        for (needle, why) in [("<script", "a <script>"), ("<foreignobject", "a <foreignObject>"), ("javascript:", "a javascript: address"),
                              ("<!entity", "an <!ENTITY> declaration"), ("@import", "an @import"), ("<iframe", "an <iframe>"),
                              ("<embed", "an <embed>"), ("<object", "an <object>")]
        where b.firstRange(of: Array(needle.utf8)) != nil {
            return why
        }
        func isNameByte(_ x: UInt8) -> Bool { (0x61...0x7A).contains(x) || (0x30...0x39).contains(x) || x == 0x2D || x == 0x5F || x == 0x3A || x == 0x2E }
        func skipSpace(_ i: inout Int) { while i < b.count, [0x20, 0x09, 0x0A, 0x0D].contains(b[i]) { i += 1 } }
        /// A name without its namespace prefix: `<x:script xmlns:x="…svg">` is a script too.
        func local(_ name: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
            name.lastIndex(of: 0x3A).map { name[name.index(after: $0)...] } ?? name
        }
        let elements: [(String, String)] = [("script", "a <script>"), ("foreignobject", "a <foreignObject>"), ("iframe", "an <iframe>"),
                                            ("embed", "an <embed>"), ("object", "an <object>")]
        var at = 0
        while let open = b[at...].firstIndex(of: UInt8(ascii: "<")) {
            var j = open + 1
            if j < b.count, b[j] == UInt8(ascii: "/") { j += 1 }
            let start = j
            while j < b.count, isNameByte(b[j]) { j += 1 }
            let name = local(b[start..<j])
            if let (_, why) = elements.first(where: { name.elementsEqual(Array($0.0.utf8)) }) { return why }
            at = max(j, open + 1)
        }
        var i = 0
        while i < b.count {
            // An attribute name starts after a space, a quote or a slash.
            guard isNameByte(b[i]), i == 0 || !isNameByte(b[i - 1]) else { i += 1; continue }
            var j = i
            while j < b.count, isNameByte(b[j]) { j += 1 }
            let name = local(b[i..<j])
            var k = j
            skipSpace(&k)
            if k < b.count, b[k] == UInt8(ascii: "=") {
                if name.count > 2, name.starts(with: Array("on".utf8)) { return "an event attribute (\(String(decoding: name, as: UTF8.self))=)" }
                if name.elementsEqual(Array("href".utf8)) || name.elementsEqual(Array("src".utf8)) {
                    k += 1
                    skipSpace(&k)
                    if k < b.count, b[k] == UInt8(ascii: "\"") || b[k] == UInt8(ascii: "'") { k += 1 }
                    guard k < b.count, b[k] == UInt8(ascii: "#") else { return "a link to something outside the file (\(String(decoding: name, as: UTF8.self))=)" }
                }
            }
            i = j
        }
        // `url(` anywhere (a style attribute, a <style> sheet) must point inside the file.
        var from = b.startIndex
        while let found = b[from...].firstRange(of: Array("url(".utf8)) {
            var k = found.upperBound
            skipSpace(&k)
            if k < b.count, b[k] == UInt8(ascii: "\"") || b[k] == UInt8(ascii: "'") { k += 1 }
            guard k < b.count, b[k] == UInt8(ascii: "#") else { return "a url(…) outside the file" }
            from = found.upperBound
        }
        return nil
    }

    /// Whether a `<style>` sheet or a `style="…"` attribute of the (lowered) file holds a
    /// backslash: a CSS escape, which no drawing needs.
    static func cssHasEscapes(_ b: [UInt8]) -> Bool {
        let backslash = UInt8(ascii: "\\")
        guard b.contains(backslash) else { return false }
        var from = b.startIndex
        while let open = b[from...].firstRange(of: Array("<style".utf8)) {
            let end = b[open.upperBound...].firstRange(of: Array("</style".utf8))?.lowerBound ?? b.endIndex
            if b[open.upperBound..<end].contains(backslash) { return true }
            from = end
        }
        from = b.startIndex
        while let attribute = b[from...].firstRange(of: Array("style=".utf8)) {
            var k = attribute.upperBound
            guard k < b.count, b[k] == UInt8(ascii: "\"") || b[k] == UInt8(ascii: "'") else { from = k; continue }
            let quote = b[k]
            k += 1
            let end = b[k...].firstIndex(of: quote) ?? b.endIndex
            if b[k..<end].contains(backslash) { return true }
            from = end
        }
        return false
    }
}
