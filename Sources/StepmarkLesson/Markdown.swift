// The only Swift file that touches C: cmark-gfm parses a lesson and renders its prose.
// C handles stay inside `MarkdownDocument`; everything that leaves this file is a plain,
// Sendable value (see ../shared/notes/cmark-gfm-from-swift.md for the pitfalls avoided here).
import CCmarkGFM
import Glibc
import FoundationEssentials
import StepmarkCore

/// One top-level block of a cmark-gfm document, copied out of the C tree.
struct MarkdownNode {
    enum Kind { case fencedCode(info: String, literal: String), other(type: String) }
    var kind: Kind
    var startLine: Int
    var startColumn: Int
    var endLine: Int
    /// The plain text of a heading, when the node is one.
    var headingText: String?
    var headingLevel: Int
}

/// Owns a cmark-gfm parser and its document; frees both when it goes away.
final class MarkdownDocument {
    private let parser: OpaquePointer
    private let root: OpaquePointer

    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    /// One parse at a time. cmark-gfm 0.29 keeps the inline parser's table of special
    /// characters in a global: each parse adds its extensions' characters (`:` and `w` for
    /// autolinks, `~`, `|`) when it reads inlines and removes them when it is done, so a parse
    /// on another thread could lose them half-way and miss a link (github/cmark-gfm#176; seen
    /// as a test that failed one run in several while lessons rendered in parallel). Parsing
    /// is a small part of a render; the rest still runs on every core.
    private static let parsing = ThreadLock()

    init(_ text: String) {
        _ = MarkdownDocument.registered
        MarkdownDocument.parsing.lock()
        defer { MarkdownDocument.parsing.unlock() }
        let parser: OpaquePointer = cmark_parser_new(CMARK_OPT_DEFAULT)
        self.parser = parser
        for name in ["table", "strikethrough", "autolink", "tasklist"] {
            if let ext = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, ext)
            }
        }
        let bytes = Array(text.utf8)
        if !bytes.isEmpty {
            bytes.withUnsafeBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { p in
                    cmark_parser_feed(parser, p, buffer.count)
                }
            }
        }
        root = cmark_parser_finish(parser)
    }

    deinit {
        cmark_node_free(root)
        cmark_parser_free(parser)
    }

    /// The document's top-level blocks in order.
    func topLevelNodes() -> [MarkdownNode] {
        var nodes: [MarkdownNode] = []
        var node = cmark_node_first_child(root)
        while let current = node {
            nodes.append(copy(current))
            node = cmark_node_next(current)
        }
        return nodes
    }

    /// Fenced code blocks that are not top-level blocks (inside a list item or a block quote):
    /// their info string and where the fence starts.
    func nestedFencedBlocks() -> [(info: String, line: Int, column: Int)] {
        var out: [(String, Int, Int)] = []
        guard let iterator = cmark_iter_new(root) else { return [] }
        defer { cmark_iter_free(iterator) }
        while cmark_iter_next(iterator) != CMARK_EVENT_DONE {
            guard let node = cmark_iter_get_node(iterator), cmark_node_get_type(node) == CMARK_NODE_CODE_BLOCK,
                  cmark_node_parent(node) != root else { continue }
            var length: Int32 = 0, offset: Int32 = 0
            var fenceChar: CChar = 0
            guard cmark_node_get_fenced(node, &length, &offset, &fenceChar) != 0 else { continue }
            let info = cmark_node_get_fence_info(node).map { String(cString: $0) } ?? ""
            out.append((info, Int(cmark_node_get_start_line(node)), Int(cmark_node_get_start_column(node))))
        }
        return out
    }

    private func copy(_ node: OpaquePointer) -> MarkdownNode {
        let startLine = Int(cmark_node_get_start_line(node))
        let startColumn = Int(cmark_node_get_start_column(node))
        let endLine = Int(cmark_node_get_end_line(node))
        let type = cmark_node_get_type(node)
        var kind = MarkdownNode.Kind.other(type: String(cString: cmark_node_get_type_string(node)))
        if type == CMARK_NODE_CODE_BLOCK {
            // cmark_node_get_fenced writes all three out-pointers without a NULL check.
            var length: Int32 = 0, offset: Int32 = 0
            var fenceChar: CChar = 0
            if cmark_node_get_fenced(node, &length, &offset, &fenceChar) != 0 {
                let info = cmark_node_get_fence_info(node).map { String(cString: $0) } ?? ""
                let literal = cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
                kind = .fencedCode(info: info, literal: literal)
            }
        }
        var headingText: String? = nil
        var level = 0
        if type == CMARK_NODE_HEADING {
            level = Int(cmark_node_get_heading_level(node))
            headingText = plainText(node)
        }
        return MarkdownNode(kind: kind, startLine: startLine, startColumn: startColumn, endLine: endLine,
                            headingText: headingText, headingLevel: level)
    }

    private func html(_ node: OpaquePointer) -> String {
        guard let rendered = cmark_render_html(node, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(parser)) else {
            return ""
        }
        defer { free(rendered) }
        return String(cString: rendered)
    }

    /// The lines (in this document's numbering) of every code block, at any depth: formulas
    /// are not looked for there.
    /// The line ranges of the blocks of one kind, at any depth, in document order.
    enum BlockKind { case indentedCode, paragraph, htmlBlock, nestedHTMLBlock }
    func lineRanges(of kind: BlockKind) -> [ClosedRange<Int>] {
        var ranges: [ClosedRange<Int>] = []
        guard let iterator = cmark_iter_new(root) else { return ranges }
        defer { cmark_iter_free(iterator) }
        while cmark_iter_next(iterator) != CMARK_EVENT_DONE {
            guard let node = cmark_iter_get_node(iterator), cmark_iter_get_event_type(iterator) == CMARK_EVENT_ENTER else { continue }
            let type = cmark_node_get_type(node)
            switch kind {
            case .indentedCode:
                guard type == CMARK_NODE_CODE_BLOCK else { continue }
                var length: Int32 = 0, offset: Int32 = 0
                var fenceChar: CChar = 0
                guard cmark_node_get_fenced(node, &length, &offset, &fenceChar) == 0 else { continue }
            case .paragraph:
                guard type == CMARK_NODE_PARAGRAPH else { continue }
            case .htmlBlock:
                guard type == CMARK_NODE_HTML_BLOCK else { continue }
            case .nestedHTMLBlock:
                guard type == CMARK_NODE_HTML_BLOCK, cmark_node_parent(node) != root else { continue }
            }
            let start = Int(cmark_node_get_start_line(node))
            if start >= 1 { ranges.append(start...max(start, Int(cmark_node_get_end_line(node)))) }
        }
        return ranges
    }

    /// Fenced code blocks inside a list item or a quote whose info string's first word is
    /// `name`: where each fence starts.
    func nestedFencedBlocks(named name: String) -> [SourcePosition] {
        nestedFencedBlocks().filter { $0.info.split(whereSeparator: { $0 == " " || $0 == "\t" }).first == Substring(name) }
            .map { SourcePosition(line: $0.line, column: $0.column) }
    }

    func codeBlockLines() -> Set<Int> {
        var lines = Set<Int>()
        guard let iterator = cmark_iter_new(root) else { return lines }
        defer { cmark_iter_free(iterator) }
        while cmark_iter_next(iterator) != CMARK_EVENT_DONE {
            guard let node = cmark_iter_get_node(iterator), cmark_node_get_type(node) == CMARK_NODE_CODE_BLOCK,
                  cmark_iter_get_event_type(iterator) == CMARK_EVENT_ENTER else { continue }
            let start = Int(cmark_node_get_start_line(node))
            let end = max(start, Int(cmark_node_get_end_line(node)))
            if start >= 1 { lines.formUnion(start...end) }
        }
        return lines
    }

    /// Prepares a teacher's prose for rendering: each raw HTML block becomes a custom block
    /// holding what `html(literal, line, true)` returns (the allow-listed HTML; custom nodes
    /// are written verbatim even in safe mode), and each inline HTML node and image a text node
    /// holding what `html(literal, line, false)` or `image(url, title, alt, line)` returns (a
    /// placeholder: a table cell may hold text but no custom node). Everything else keeps safe
    /// mode's protections (no raw HTML, no `javascript:` links). A node that cannot be replaced
    /// stays, and safe mode omits it.
    func prepareLessonProse(image: (String, String, String, Int) -> String, html: (String, Int, Bool) -> String) {
        var targets: [OpaquePointer] = []
        if let iterator = cmark_iter_new(root) {
            while cmark_iter_next(iterator) != CMARK_EVENT_DONE {
                guard let node = cmark_iter_get_node(iterator), cmark_iter_get_event_type(iterator) == CMARK_EVENT_ENTER else { continue }
                let type = cmark_node_get_type(node)
                if type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE || type == CMARK_NODE_IMAGE {
                    targets.append(node)
                }
            }
            cmark_iter_free(iterator)
        }
        // Outermost first: an image or HTML inside an image's alt text goes with it.
        var removed = Set<OpaquePointer>()
        for node in targets {
            var ancestor = cmark_node_parent(node)
            var gone = false
            while let a = ancestor { if removed.contains(a) { gone = true; break }; ancestor = cmark_node_parent(a) }
            if gone { continue }
            let type = cmark_node_get_type(node)
            let line = Int(cmark_node_get_start_line(node))
            guard let replacement = cmark_node_new(type == CMARK_NODE_HTML_BLOCK ? CMARK_NODE_CUSTOM_BLOCK : CMARK_NODE_TEXT) else { continue }
            if type == CMARK_NODE_IMAGE {
                let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
                let title = cmark_node_get_title(node).map { String(cString: $0) } ?? ""
                cmark_node_set_literal(replacement, image(url, title, plainText(node), line))
            } else {
                let literal = cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
                if type == CMARK_NODE_HTML_BLOCK {
                    cmark_node_set_on_enter(replacement, html(literal, line, true))
                    cmark_node_set_on_exit(replacement, "")
                } else {
                    cmark_node_set_literal(replacement, html(literal, line, false))
                }
            }
            guard cmark_node_insert_before(node, replacement) != 0 else {
                cmark_node_free(replacement)
                continue
            }
            cmark_node_unlink(node)
            removed.insert(node)
        }
        for node in removed { cmark_node_free(node) }
    }

    /// The whole document as HTML, in safe mode.
    func renderHTML() -> String { html(root) }

    /// The concatenated literals below a node (the text of a heading without its markup).
    private func plainText(_ node: OpaquePointer) -> String {
        var text = ""
        guard let iterator = cmark_iter_new(node) else { return "" }
        defer { cmark_iter_free(iterator) }
        while cmark_iter_next(iterator) != CMARK_EVENT_DONE {
            guard let current = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(current)
            if type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE, let literal = cmark_node_get_literal(current) {
                if cmark_iter_get_event_type(iterator) == CMARK_EVENT_ENTER { text += String(cString: literal) }
            } else if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK {
                text += " "
            }
        }
        return text
    }
}

/// Renders a piece of Markdown written by someone else (a student's feedback, say) to HTML in
/// cmark-gfm's safe mode: raw HTML is omitted and `javascript:` links are dropped.
public func renderMarkdownSafely(_ markdown: String) -> String {
    MarkdownDocument(markdown).renderHTML()
}
