import FoundationEssentials
import StepmarkCore

/// Why a lesson file could not be read at all (the CLI exits with status 2).
public struct ReadError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public init(path: String, message: String) { self.path = path; self.message = message }
    public var description: String { "\(path): \(message)" }
}

public enum LessonParser {
    /// Reads and parses a lesson file.
    /// - Throws: `ReadError` when the file is missing, unreadable, larger than the limit, or
    ///   not UTF-8 (with the byte offset of the first bad sequence).
    public static func read(path: String, limits: Limits = .init()) throws -> Lesson {
        let text = try readText(path: path, limits: limits)
        var lesson = parse(text, path: path, limits: limits)
        ProseImages.resolve(&lesson, folder: FilePathText.parent(path))
        return lesson
    }

    /// What a text file read by stepmark is, for what its errors say it should be.
    public enum TextFileKind: Sendable {
        case lesson, roster
        var expected: String { self == .lesson ? "a Markdown file" : "a CSV file" }
        var mustBeUTF8: String { self == .lesson ? "lessons must be UTF-8 text" : "a roster must be UTF-8 text" }
    }

    /// Reads a UTF-8 text file within the size limit, dropping a leading byte-order mark.
    public static func readText(path: String, limits: Limits = .init(), kind: TextFileKind = .lesson) throws -> String {
        try decode(Data(readBytes(path: path, limits: limits, kind: kind)), path: path, kind: kind)
    }

    /// A lesson's or submission's bytes: a regular file (a FIFO or a device is refused rather
    /// than waited on) within the size limit, checked before reading.
    public static func readBytes(path: String, limits: Limits = .init(), kind: TextFileKind = .lesson) throws -> [UInt8] {
        do {
            return try RegularFile.read(path, maxBytes: limits.maxFileBytes)
        } catch .directory {
            throw ReadError(path: path, message: "is a directory, expected \(kind.expected)")
        } catch {
            throw ReadError(path: path, message: error.message)
        }
    }

    /// Decodes UTF-8, naming the line, the column and the byte offset (in the file, counting a
    /// dropped byte-order mark) of the first invalid sequence. Lines end at "\n", "\r\n" or a lone
    /// "\r", as everywhere else in stepmark.
    public static func decode(_ data: Data, path: String, kind: TextFileKind = .lesson) throws -> String {
        var bytes = [UInt8](data)
        let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        if bom > 0 { bytes.removeFirst(bom) }
        if let text = String(validating: bytes, as: UTF8.self) { return streamSafe(text) }
        var line = 1
        var consumed = 0, lineStart = 0
        var previousWasCR = false
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s):
                consumed += UTF8.width(s)
                if s == "\r" || (s == "\n" && !previousWasCR) { line += 1 }
                if s == "\r" || s == "\n" { lineStart = consumed }
                previousWasCR = s == "\r"
            case .emptyInput, .error: break loop
            }
        }
        // The column counts characters, as every error position does (the valid start of the
        // line is one line of text at most, so decoding it again costs nothing).
        let column = String(decoding: bytes[lineStart..<consumed], as: UTF8.self).count + 1
        throw ReadError(path: path, message: "line \(line), column \(column): invalid UTF-8 at byte \(consumed + bom); \(kind.mustBeUTF8)")
    }

    /// The text in Unicode's Stream-Safe Text Format (UAX #15): a COMBINING GRAPHEME JOINER
    /// (U+034F) after every 30 combining marks in a row. Swift compares and hashes strings by
    /// canonical equivalence, and putting a run of marks in canonical order costs the square of
    /// its length: 100 KB of alternating U+0301 U+0316 in a submission took 9.7 s to grade and
    /// 800 KB over a minute (a red-team pass). The joiner ends a run for normalization without
    /// changing how the text reads, its grapheme clusters (columns stay the same) or any real
    /// text, whose runs are a few marks long.
    static func streamSafe(_ text: String) -> String {
        let limit = 30
        func isMark(_ u: Unicode.Scalar) -> Bool { u.value >= 0x300 && u.properties.canonicalCombiningClass != .notReordered }
        var run = 0, needed = false
        for u in text.unicodeScalars {
            if isMark(u) {
                run += 1
                if run > limit { needed = true; break }
            } else {
                run = 0
            }
        }
        guard needed else { return text }
        var out = String.UnicodeScalarView()
        run = 0
        for u in text.unicodeScalars {
            if isMark(u) {
                if run == limit { out.append("\u{034F}"); run = 0 }
                run += 1
            } else {
                run = 0
            }
            out.append(u)
        }
        return String(out)
    }

    /// The lines (1-based) of the lesson's link reference definitions (`[d]: https://…`). Each
    /// stretch of prose between steps is rendered on its own, but in CommonMark a definition
    /// anywhere serves the whole document: the definitions are handed to every stretch. They
    /// are the lines no top-level node covers (cmark makes no node of a definition) that start
    /// like one, with the lines that continue them (a title on the next line).
    static func referenceDefinitionLines(_ lines: [String], nodes: [MarkdownNode], skipping frontMatterLines: Int,
                                         solutionLines: Set<Int> = []) -> [Int] {
        var covered = [Bool](repeating: false, count: lines.count + 1)
        for node in nodes where node.startLine >= 1 {
            for line in node.startLine...min(max(node.startLine, node.endLine), lines.count) { covered[line] = true }
        }
        var found: [Int] = []
        var continuing = false
        for (index, text) in lines.enumerated() where index >= frontMatterLines {
            if covered[index + 1] || solutionLines.contains(index + 1) || text.allSatisfy(\.isWhitespace) { continuing = false; continue }
            if ReferenceDefinitions.label(startingLine: text) != nil {
                found.append(index + 1)
                continuing = true
            } else if continuing {
                found.append(index + 1)
            }
        }
        return found
    }

    /// The 1-based lines that solution regions cover (markers included), found as the
    /// assignment finds them: over the whole text.
    static func solutionLineSet(_ text: String) -> Set<Int> {
        var covered = Set<Int>()
        var line = 1
        var scanned = text.startIndex
        /// Moves `line` to the line of `index`, counting "\n", "\r\n" and a lone "\r" once each.
        func advance(to index: String.Index) {
            let utf8 = text.utf8
            var i = scanned
            while i < index {
                let byte = utf8[i]
                if byte == 0x0A || (byte == 0x0D && (utf8.index(after: i) == utf8.endIndex || utf8[utf8.index(after: i)] != 0x0A)) { line += 1 }
                i = utf8.index(after: i)
            }
            scanned = max(scanned, index)
        }
        var rest = Substring(text)
        var inSolution = false
        while true {
            let found = Solutions.marker(inSolution ? .close : .open, in: rest)
            let end = found?.upperBound ?? text.endIndex
            if inSolution {
                advance(to: rest.startIndex)
                let first = line
                advance(to: end)
                covered.formUnion(first...line)
            }
            // The open marker's own line belongs to the region.
            if !inSolution, let found { advance(to: found.lowerBound); covered.insert(line) }
            guard let found else { break }
            rest = text[found.upperBound...]
            inSolution.toggle()
        }
        return covered
    }

    /// Splits text into lines the way CommonMark does: at "\n", "\r\n" and a lone "\r".
    public static func lines(of text: String) -> [String] {
        // On UTF-8 bytes: a line is copied once, as a slice, instead of scalar by scalar
        // (\n and \r never occur inside a multi-byte sequence).
        var lines: [String] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        var i = start
        while i < utf8.endIndex {
            let byte = utf8[i]
            if byte == 0x0A || byte == 0x0D {
                lines.append(String(text[start..<i]))
                var next = utf8.index(after: i)
                if byte == 0x0D, next < utf8.endIndex, utf8[next] == 0x0A { next = utf8.index(after: next) }
                start = next
                i = next
            } else {
                i = utf8.index(after: i)
            }
        }
        lines.append(String(text[start..<utf8.endIndex]))
        return lines
    }

    /// Parses lesson text with cmark-gfm. Top-level fenced blocks whose info string starts with a
    /// directive name become directive blocks; all other blocks stay prose, grouped so that the
    /// prose between two directives is one block, kept verbatim. `answer` blocks become answer
    /// blocks, their bodies parsed as literals within `limits`. `directives` are the names that
    /// make a fence a directive (tests add their own).
    public static func parse(_ text: String, path: String, limits: Limits = .init(),
                             directives: [any Directive.Type] = DirectiveRegistry.all) -> Lesson {
        // NUL is not allowed in CommonMark input; cmark replaces it with U+FFFD. Do the same
        // so that positions agree.
        let text = text.utf8.contains(0) ? String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == "\0" ? "\u{FFFD}" : $0 })) : text
        let lines = lines(of: text)
        // Shapes that make cmark-gfm 0.29 quadratic are refused before it runs (MarkdownShape).
        if let tooLarge = MarkdownShape.check(text) {
            return Lesson(path: path, title: FilePathText.lastComponent(path), blocks: [], lines: lines, diagnostics: [tooLarge])
        }
        // Front matter is not Markdown: cmark sees blank lines in its place, so every position
        // below it stays the file's own.
        let (frontMatter, frontMatterErrors) = FrontMatter.parse(lines)
        let document: MarkdownDocument
        if let frontMatter {
            document = MarkdownDocument(String(repeating: "\n", count: frontMatter.lineCount)
                                        + lines.dropFirst(frontMatter.lineCount).joined(separator: "\n"))
        } else {
            document = MarkdownDocument(text)
        }
        let nodes = document.topLevelNodes()
        let codeLines = document.codeBlockLines()
        // A definition inside a solution region is the teacher's: handed to the other stretches
        // it put an answer's link into the student's handout (red-team pass).
        let regionLines = Solutions.hasRegion(in: text) ? solutionLineSet(text) : []
        let definitionLines = referenceDefinitionLines(lines, nodes: nodes, skipping: frontMatter?.lineCount ?? 0,
                                                       solutionLines: regionLines)
        let definitions = definitionLines.map { lines[$0 - 1] }.joined(separator: "\n")
        var definitionCursor = 0
        // Definitions no link uses are invisible on the page: Markdown's comment idiom
        // (`[//]: # (the answer is 4)`), which a student's copy leaves out with the comments.
        // What a comment definition that opens a paragraph becomes in a copy: found once, and
        // only when one is met (it reads the whole text).
        var emptyDefinitionFound: String? = nil
        func emptyDefinitionLine() -> String {
            if let found = emptyDefinitionFound { return found }
            let found = ProseComments.emptyDefinition(avoiding: text)
            emptyDefinitionFound = found
            return found
        }
        let leads = ReferenceDefinitions.withParagraphLeads(definitionLines, nodes: nodes, lines: lines, skipping: frontMatter?.lineCount ?? 0)
        // A link inside a solution region is none of the student's: a definition only it uses
        // is left out too (its destination may be the answer; the copy kept it). The front
        // matter is YAML, not Markdown.
        let frontMatterLineCount = frontMatter?.lineCount ?? 0
        let linesStudentsSee = regionLines.isEmpty && frontMatterLineCount == 0 ? lines : lines.enumerated().map { k, line in
            regionLines.contains(k + 1) || k < frontMatterLineCount ? "" : line
        }
        let unusedDefinitionLines = Set(ReferenceDefinitions.unused(leads.lines, starts: leads.starts, in: linesStudentsSee))
        var diagnostics: [LessonError] = frontMatterErrors
        // Past the budget a comment-style definition could stay in a student's copy: the key's
        // error, so assign writes none.
        if let line = leads.exhaustedAt {
            diagnostics.append(LessonError("the link definitions that open paragraphs pass 64 MB, more than stepmark reads, so those from here on would stay in a student's copy; shorten them", at: SourcePosition(line: line, column: 1)))
        }
        // Every piece of prose re-reads the definitions: past 16 MB of such reading in all (a
        // hostile lesson of thousands of pieces and of definitions), the rest keep their own.
        var definitionBudget = 16 << 20
        func sharedDefinitions() -> String {
            guard !definitions.isEmpty, definitionBudget >= definitions.utf8.count else { return "" }
            definitionBudget -= definitions.utf8.count
            return definitions
        }
        var blocks: [LessonBlock] = []
        var warnings: [LessonError] = frontMatter?.warnings ?? []
        // Each distinct fence word is compared with the directive names once, and at most
        // 10,000 of them (a hostile lesson of a million fences costs no more).
        var guesses: [String: String?] = [:]
        let directiveNames = directives.map { $0.name }
        func typoGuess(_ word: String) -> String? {
            if let known = guesses[word] { return known }
            guard guesses.count < 10_000 else { return nil }
            let guess = LessonParser.directiveTypo(word, among: directiveNames)
            guesses[word] = guess
            return guess
        }
        var title: String? = frontMatter?.title
        var pendingStart: Int? = nil
        var pendingEnd = 0
        // The lines of teacher-only solution regions: no title comes from them (a handout
        // would show it), and a handout leaves out what is found there.
        var solutionLines: [ClosedRange<Int>] = []
        var headings: [(line: Int, text: String)] = []
        // Whether a solution region opened in earlier prose is still open: a region may hold
        // directives (the teacher's own working), and what follows them up to its end marker
        // is still the teacher's.
        var regionOpen = false
        var markerProblemLines: [Int] = []
        var proseComments: [ProseComments.Span] = []
        // The lines of the HTML blocks met so far (each stretch's own are met before it ends;
        // after the last, all of them).
        var htmlLines = Set<Int>()

        func flushProse(upTo nextLine: Int) {
            guard let start = pendingStart else { return }
            // Up to the next step: link reference definitions after the last paragraph make no
            // node of their own, and were cut off (`[d]: https://…` at the end of a lesson).
            var end = min(max(pendingEnd, nextLine - 1), lines.count)
            while end > start, lines[end - 1].trimmingWhitespace().isEmpty { end -= 1 }
            let markdown = start <= end ? lines[(start - 1)..<end].joined(separator: "\n") : ""
            // The prose is rendered again on its own, with its formulas protected from cmark
            // (ProseMarkup); a solution region's pieces each on their own, so that a handout
            // can leave them out.
            var prose = ProseBlock(markdown: markdown, html: "", line: start, endLine: end)
            // Stretches come in file order: one cursor walks the definitions once in all.
            while definitionCursor < definitionLines.count, definitionLines[definitionCursor] < start { definitionCursor += 1 }
            while definitionCursor < definitionLines.count, definitionLines[definitionCursor] <= end {
                prose.definitionLines.append(definitionLines[definitionCursor])
                definitionCursor += 1
            }
            let warningsBefore = warnings.count
            // A marker written so that it hides nothing it was meant to hide is the key's error
            // (assign refuses it): it would hand teacher-only text to students. One inside a
            // code block shows the syntax (a lesson about writing lessons): not reported, though
            // it still counts, as the handout counts it.
            var tracker = TextPositions(Substring(markdown))
            for (at, problem) in Solutions.markerProblems(in: markdown, startsInRegion: regionOpen) {
                let place = tracker.locate(at)
                // In a code block, or a code span (an odd number of backticks before it on its
                // line), a marker shows the syntax: a stray end marker or a look-alike there
                // hides nothing and is no problem; an open marker still opens a region (the
                // handout and the assignment both read it), and that is one.
                let inCode = codeLines.contains(start + place.line) || place.backticks % 2 == 1
                switch problem {
                case .opening where !inCode: continue
                case .stray where inCode, .lookalike where inCode: continue
                default: break
                }
                diagnostics.append(LessonError(Self.message(problem), at: SourcePosition(line: start + place.line, column: place.column)))
                markerProblemLines.append(start + place.line)
            }
            if regionOpen || Solutions.hasRegion(in: markdown) {
                // A region still open from above: the text starts inside it, as if its open
                // marker stood at the very start (on the same line, so lines do not move).
                prose.startsInSolution = regionOpen
                let marked = prose.markedMarkdown
                let shift = regionOpen ? Solutions.open.count : 0
                let pieces = Solutions.pieces(of: marked)
                regionOpen = pieces.last?.isSolution ?? regionOpen
                var pieceTracker = TextPositions(Substring(marked))
                for (piece, isSolution) in pieces where !piece.allSatisfy(\.isWhitespace) {
                    let place = pieceTracker.locate(piece.startIndex)
                    let lineOffset = place.line
                    let column = place.column - (lineOffset == 0 ? shift : 0)
                    let html = ProseMarkup.render(String(piece), start: SourcePosition(line: start + lineOffset, column: column),
                                                  definitions: sharedDefinitions(), codeLines: codeLines, fileLines: lines, math: &prose.math,
                                                  images: &prose.images, errors: &diagnostics, warnings: &warnings)
                    prose.pieces.append(ProsePiece(html: html, isSolution: isSolution))
                    prose.html += html
                    if isSolution {
                        let first = start + lineOffset
                        solutionLines.append(first...(first + piece.reduce(0) { $1 == "\n" ? $0 + 1 : $0 }))
                    }
                }
            } else if !markdown.isEmpty {
                prose.html = ProseMarkup.render(markdown, start: SourcePosition(line: start, column: 1), definitions: sharedDefinitions(), codeLines: codeLines,
                                                fileLines: lines, math: &prose.math, images: &prose.images, errors: &diagnostics, warnings: &warnings)
            }
            // Only prose the page had to escape is rewritten for the Markdown report.
            if warnings[warningsBefore...].contains(where: { HTMLAllowList.isEscapeWarning($0.message) }) {
                prose.escapedMarkdown = HTMLAllowList.escapedMarkdown(markdown, firstLine: start, codeLines: codeLines)
            }
            // Looked up line by line: each stretch costs its own lines, however many definitions.
            let unusedDefinitions = start <= end && !unusedDefinitionLines.isEmpty ? (start...end).filter(unusedDefinitionLines.contains) : []
            if markdown.contains("<!--") || !unusedDefinitions.isEmpty {
                func omitted(_ text: String) -> [ProseComments.Span] {
                    ProseComments.merged(ProseComments.spans(in: text, firstLine: start, codeLines: codeLines, htmlLines: htmlLines)
                                         + unusedDefinitions.map { ProseComments.Span.wholeLine($0, replacement: leads.leads.contains($0) ? emptyDefinitionLine() : "") })
                }
                let spans = omitted(markdown)
                proseComments += spans
                if !spans.isEmpty {
                    let shown = prose.shownMarkdown
                    let blanked = ProseComments.blanked(shown, firstLine: start, spans: prose.escapedMarkdown == nil ? spans : omitted(shown))
                    // Escaped again once the comments are out: `<img <!-- c -->src=x onerror=…>`
                    // is text on the page, but without its comment it is a tag (a red-team
                    // pass found it live in the Markdown and notebook handouts).
                    prose.uncommentedMarkdown = blanked.contains("<") ? HTMLAllowList.escapedMarkdown(blanked, firstLine: start, codeLines: codeLines) : blanked
                }
            }
            blocks.append(.prose(prose))
            pendingStart = nil
        }

        var hasLevelOneHeading = false
        for node in nodes {
            if case .other(let type) = node.kind, type == "html_block" { htmlLines.formUnion(node.startLine...max(node.startLine, node.endLine)) }
            if node.headingLevel == 1 { hasLevelOneHeading = true }
            if node.headingLevel >= 1, let text = node.headingText { headings.append((node.startLine, text.trimmingWhitespace())) }
            if case .fencedCode(let info, let literal) = node.kind,
               let name = info.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init),
               directives.contains(where: { $0.name == name }) {
                flushProse(upTo: node.startLine)
                var block = directiveBlock(name: name, info: info, literal: literal, node: node, lines: lines)
                if regionOpen {
                    block.inSolution = true
                    solutionLines.append(block.position.line...max(block.position.line, block.endLine))
                }
                // A marker's text inside a step's body is no marker for the handout, but the
                // assignment is cut from the file's text and would read it as one: the two would
                // disagree on what students see (found by a red-team pass). The key's error.
                // The body as one text: a marker may be split over lines (`<!--` then `end
                // solution -->`), as the assignment's cut reads it.
                let bodyText = Substring(block.bodyText)
                if bodyText.contains("<!--"), let found = Solutions.marker(.open, in: bodyText) ?? Solutions.marker(.close, in: bodyText) {
                    var positions = TextPositions(bodyText)
                    let place = positions.locate(found.lowerBound)
                    let line = block.body[min(place.line, block.body.count - 1)]
                    diagnostics.append(LessonError("a solution marker inside a ```\(name) block: the handout does not read it as one but the assignment would; write it otherwise (for example with a space inside <! --)", at: line.position(at: place.column - 1)))
                    markerProblemLines.append(line.position.line)
                }
                if !block.isClosed {
                    let fence = block.source.trimmingWhitespace().first == "~" ? "~~~" : "```"
                    diagnostics.append(LessonError("the \(fence) fence opened here is never closed; the block runs to the end of the file", at: block.position))
                }
                // A forgotten closing fence: the next step's opening line is inside this block
                // (a fence with an info string closes nothing), so that step silently does not
                // run and this one reads prose (a teacher's first-hour review found only
                // "unexpected character '.'").
                if let inner = block.body.first(where: { Self.directiveFenceWord($0.text[...]) != nil }), let word = Self.directiveFenceWord(inner.text[...]) {
                    let indent = inner.text.prefix { $0 == " " || $0 == "\t" }.count
                    warnings.append(LessonError("this line is inside the ```\(name) block opened at line \(block.position.line), so it starts no ```\(word) step (a fence line with a word after it closes nothing); is the closing ``` of the block above missing?", at: inner.position(at: indent)))
                }
                blocks.append(name == AnswerDirective.name ? .answer(AnswerBlock(block, limits: limits)) : .directive(block))
            } else {
                if case .fencedCode(let info, let literal) = node.kind,
                   let word = info.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init),
                   let guess = typoGuess(word) {
                    let at = directiveBlock(name: word, info: info, literal: literal, node: node, lines: lines).infoPosition
                    warnings.append(LessonError("'\(word.quotable)' is not a directive, so this block is shown as code and not run; did you mean '\(guess)'?", at: at))
                }
                // cmark-gfm can report line 0 for a node it made itself (found by FuzzLesson);
                // a block starts on line 1 at the earliest.
                if pendingStart == nil { pendingStart = max(1, node.startLine) }
                // cmark-gfm reports a one-line HTML comment block as ending on the line before
                // it starts (`<!-- end solution -->` at line 7 ends at 6), so never end before the start.
                pendingEnd = max(pendingEnd, node.endLine, node.startLine)
            }
        }
        flushProse(upTo: lines.count + 1)
        // A directive inside a list item or a quote is not a step: it would silently not run,
        // and an answer there could not be blanked in the assignment. Say so where it is.
        var unblankable: [Int] = []
        // In a student's copy, the answers are read as the grader reads them
        // (SubmissionAnswerFences, linear): every answer its more lenient reading finds beyond
        // the top-level blocks counts here too, and one it does not read is said in the
        // student's terms (the teacher's reason, blanking, means nothing to them). A student's
        // check said "not read" of an answer the grade then counted.
        let isCopy = frontMatter?.variant != nil
        var extraAnswers: [AnswerBlock] = []
        // Commented out (a first try, an old answer), an answer is none: the copy leaves the
        // comment out.
        let commented = Self.commentedLines(document.lineRanges(of: .htmlBlock), lines: lines)
        if isCopy {
            let topLevel = Set(blocks.compactMap { if case .answer(let a) = $0 { a.block.position.line } else { nil } })
            extraAnswers = SubmissionAnswerFences.extras(text, besides: topLevel).filter { !commented.contains($0.position.line) }.map { AnswerBlock($0, limits: limits) }
        }
        // Each extra is reported once, where the page would show it (it cannot be blanked
        // there, so a page of the copy shows only its messages). One that names no exercise
        // gets the check's error for that instead (the grader reads it no further either).
        var unexplained = Set(extraAnswers.map(\.block.position.line))
        let named = Set(extraAnswers.filter { $0.id != nil }.map(\.block.position.line))
        // An extra counts unless a top-level answer or an earlier extra names its exercise (the
        // grader's order); one that does not count is told so by its "second answer" error, and
        // not that check and the grader read it.
        var answered = Set(blocks.compactMap { if case .answer(let a) = $0 { a.id } else { nil } })
        var secondAnswers = Set<Int>()
        for extra in extraAnswers.sorted(by: { $0.block.position.line < $1.block.position.line }) {
            guard let id = extra.id else { continue }
            if !answered.insert(id).inserted { secondAnswers.insert(extra.block.position.line) }
        }
        /// Whether `line` is an extra's (now explained); true without a message to add for one
        /// that names no exercise.
        func readButNotOnPage(at line: Int) -> (read: Bool, explain: Bool) {
            guard unexplained.remove(line) != nil else { return (false, false) }
            unblankable.append(line)
            return (true, named.contains(line))
        }
        func notOnPage(_ place: String, fix: String, at line: Int) -> String {
            secondAnswers.contains(line) ? Self.notOnPage(place, fix: fix) : Self.readButNotOnPage(place, fix: fix)
        }
        for nested in document.nestedFencedBlocks() {
            guard let name = nested.info.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init),
                  DirectiveRegistry.isDirective(name) else { continue }
            let position = SourcePosition(line: nested.line, column: nested.column)
            if name == AnswerDirective.name {
                let extra = readButNotOnPage(at: nested.line)
                if extra.read {
                    if extra.explain { warnings.append(LessonError(notOnPage("inside a list item", fix: "write it at the top level, not indented", at: nested.line), at: position)) }
                    continue
                }
                unblankable.append(nested.line)
                if isCopy {
                    diagnostics.append(LessonError(Self.nestedAnswerMessage(nested.line <= lines.count ? lines[nested.line - 1] : "", column: nested.column), at: position))
                    continue
                }
            }
            let why = name != AnswerDirective.name ? "so it is not run" : "so it is not run and cannot be blanked in the assignment"
            diagnostics.append(LessonError("this ```\(name) block is inside a list item or a quote, \(why); write it at the top level, not indented", at: position))
        }
        // An answer fence cmark-gfm read as part of an HTML block (`<details>` with no blank
        // line after it) is no block at all: it would reach students as text.
        // Commented out, or in a key's solution region, it never reaches students.
        func quiet(_ line: Int) -> Bool { commented.contains(line) || (!isCopy && regionLines.contains(line)) }
        // Top-level HTML blocks, then those inside a list item or a quote: one rule for both.
        let inHTML = htmlLines.sorted().compactMap { k -> SourcePosition? in
            guard k - 1 < lines.count, let column = Self.answerFenceColumn(lines[k - 1]) else { return nil }
            return SourcePosition(line: k, column: column)
        } + Self.nestedHTMLAnswerFences(document, lines: lines).filter { !htmlLines.contains($0.line) }
        for position in inHTML where !quiet(position.line) {
            let extra = readButNotOnPage(at: position.line)
            if extra.read {
                if extra.explain { warnings.append(LessonError(notOnPage("inside an HTML block", fix: "leave a blank line after the HTML tag above it", at: position.line), at: position)) }
                continue
            }
            unblankable.append(position.line)
            diagnostics.append(LessonError(isCopy ? Self.answerInHTML
                : "this ```answer block is inside an HTML block, so it is not read and cannot be blanked in the assignment; leave a blank line after the HTML tag above it", at: position))
        }
        // An answer fence in an indented code block (four spaces or more) is code to Markdown:
        // no answer for check or grade in a copy, and text students see in a key.
        for position in Self.indentedAnswerFences(document, lines: lines) where !quiet(position.line) && unexplained.remove(position.line) == nil {
            if isCopy {
                // The key's example of the syntax, copied as it was, is none of the student's.
                if Self.holdsValues(after: position.line, lines: lines) { diagnostics.append(LessonError(Self.indentedAnswer, at: position)) }
            } else if Self.holdsValues(after: position.line, lines: lines) {
                // Values students would read: the key's error (a red-team pass found an indented
                // copy of an answer handed out with only a warning).
                unblankable.append(position.line)
                diagnostics.append(LessonError("this ```answer block is indented four spaces or more, so Markdown does not read it as a block: it cannot be blanked, and students would read its values as written; write it at the top level, not indented", at: position))
            } else {
                // In a key students see it as written: a warning, since an example of the
                // syntax (`[?, ?]`) is shown so on purpose.
                warnings.append(LessonError("this ```answer block is indented four spaces or more, so Markdown does not read it as a block: it is no answer, and students see it as it is written; write it at the top level if it is one", at: position))
            }
        }
        // Any other: Markdown reads the fence as part of a block above it (a code block left
        // open in a list item, an HTML block inside one).
        for extra in extraAnswers where readButNotOnPage(at: extra.block.position.line).explain {
            warnings.append(LessonError(notOnPage("part of the block above it for Markdown", fix: "close that block, or leave a blank line before this one",
                                                  at: extra.block.position.line), at: extra.block.position))
        }
        // SPEC §8: the title defaults to the first heading, whatever its level, outside the
        // solution regions (one inside would name a handout after an answer).
        if title == nil {
            title = headings.first { heading in !solutionLines.contains { $0.contains(heading.line) } }?.text
        }
        let fileName = FilePathText.lastComponent(path)
        var lesson = Lesson(path: path, title: title ?? fileName, blocks: blocks, lines: lines, diagnostics: diagnostics)
        lesson.solutionLines = solutionLines
        lesson.unblankableAnswerLines = unblankable
        lesson.extraAnswers = extraAnswers
        // Definitions in no stretch of prose (right after a step, at the end): the teacher's
        // Markdown report writes them at its end, so that its reference-style images and links
        // have a destination. Never a handout's: one used only inside a solution region would
        // show there.
        let inStretch = Set(blocks.flatMap { block -> [Int] in if case .prose(let p) = block { p.definitionLines } else { [] } })
        lesson.looseDefinitions = definitionLines.filter { !inStretch.contains($0) }.map { lines[$0 - 1] }
        // A handout's: those a link outside the solution regions uses (the others are left out
        // of the assignment too), so its reference-style images and links have a destination.
        lesson.handoutLooseDefinitions = definitionLines.filter { !inStretch.contains($0) && !unusedDefinitionLines.contains($0) }.map { lines[$0 - 1] }
        lesson.markerProblemLines = markerProblemLines
        // Unused definitions outside any stretch (after a step, before the next prose) are in
        // the assignment's text too.
        lesson.proseComments = ProseComments.merged(proseComments + unusedDefinitionLines.sorted().map {
            ProseComments.Span.wholeLine($0, replacement: leads.leads.contains($0) ? emptyDefinitionLine() : "")
        })
        lesson.frontMatter = frontMatter
        lesson.warnings = warnings
        lesson.hasLevelOneHeading = hasLevelOneHeading
        return lesson
    }

    /// An answer of a student's copy that check and grade read where no page can show it
    /// blanked (`unblankableAnswerLines`): a page of the copy is then its messages alone, and
    /// this one says why (the page was empty). A warning: the answer counts, so check passes
    /// or fails as the grade does (an error made check exit 1 on a right answer).
    static func readButNotOnPage(_ place: String, fix: String) -> String {
        "this ```answer block is \(place): stepmark check and the grader read it, but a page of this file shows only its messages while it is there; \(fix)"
    }

    /// An answer fence of a submission in an indented code block, for check and grade alike.
    public static let indentedAnswer = "this ```answer block is indented four spaces or more, so Markdown does not read it as a block and it is not read, by stepmark check or by the grader; write it at the top level, not indented"

    /// As `readButNotOnPage`, of an answer that does not count (a second answer: its own error
    /// says which one counts).
    static func notOnPage(_ place: String, fix: String) -> String {
        "this ```answer block is \(place): a page of this file shows only its messages while it is there; \(fix)"
    }

    /// What a marker problem costs, and the fix.
    static func message(_ problem: Solutions.MarkerProblem) -> String {
        switch problem {
        case .lookalike(let written):
            "'\(written.quotable)' is not a solution marker, so the text after it is shown to students; write \(Solutions.open) and \(Solutions.close) exactly"
        case .nested:
            "\(Solutions.open) inside a solution region: regions do not nest, so the first \(Solutions.close) ends the region and the text after it is shown to students; remove the inner markers"
        case .stray:
            "\(Solutions.close) with no \(Solutions.open) before it, so the text above it is shown to students; put \(Solutions.open) where the teacher-only text starts"
        case .opening:
            "a solution marker inside code still opens a teacher-only region, which hides the rest of the code and what follows; write it otherwise (for example with a space inside <! --)"
        }
    }

    /// A line that opens a fence, read loosely: after nothing but spaces and tabs, three or
    /// more backticks or tildes; the fence's column (from 1), its character and length, and the
    /// info string after it, its leading blanks dropped. Not `FenceScanner.Fence.opening`:
    /// inside an HTML block or another block CommonMark's rules for a fence (at most three
    /// columns of indentation, no backtick in the info) do not apply, and what is indented
    /// further still matters.
    static func fenceOpening(_ line: Substring) -> (column: Int, mark: Character, length: Int, info: Substring)? {
        let indent = line.prefix { $0 == " " || $0 == "\t" }.count
        let rest = line.dropFirst(indent)
        guard let fence = rest.first, fence == "`" || fence == "~" else { return nil }
        let run = rest.prefix { $0 == fence }.count
        guard run >= 3 else { return nil }
        return (indent + 1, fence, run, rest.dropFirst(run).drop { $0 == " " || $0 == "\t" })
    }

    /// The directive (or `answer`) a fence line would open, or nil: the info string's first word,
    /// up to a blank or `{`.
    static func directiveFenceWord(_ line: Substring) -> String? {
        guard let info = fenceOpening(line)?.info else { return nil }
        let word = info.prefix { $0 != " " && $0 != "\t" && $0 != "{" }
        guard !word.isEmpty, word.count <= 64 else { return nil }
        let name = String(word)
        return name == AnswerDirective.name || DirectiveRegistry.isDirective(name) ? name : nil
    }

    /// The answer fences Markdown reads as no block because they are indented four spaces or
    /// more: inside an indented code block, or inside a paragraph's text (`My answer:` then
    /// `    ```answer e1`). At most 100.
    static func indentedAnswerFences(_ document: MarkdownDocument, lines: [String]) -> [SourcePosition] {
        answerFences(in: document.lineRanges(of: .indentedCode) + document.lineRanges(of: .paragraph), lines: lines)
            .sorted { ($0.line, $0.column) < ($1.line, $1.column) }
    }

    /// Whether the body of an answer fence that is no block (the lines after `fence` up to a
    /// closing fence, at most 1,000) holds anything but the template's `?`, brackets, commas
    /// and table rules: values (numbers or tokens) a student would read as written, or a
    /// student's own answer. Without any, it is an example of the syntax.
    public static func holdsValues(after fence: Int, lines: [String]) -> Bool {
        var k = fence + 1
        while k <= min(lines.count, fence + 1_000) {
            let trimmed = lines[k - 1].drop { $0 == " " || $0 == "\t" || $0 == ">" }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") { return false }
            if trimmed.contains(where: { !"?[],;|-: \t".contains($0) }) { return true }
            k += 1
        }
        return false
    }

    /// The answer fences inside an HTML block in a list item or a quote (`- <div>` with the
    /// fence below it, `> <div>`): part of the HTML to Markdown, so no answer. At most 100.
    static func nestedHTMLAnswerFences(_ document: MarkdownDocument, lines: [String]) -> [SourcePosition] {
        answerFences(in: document.lineRanges(of: .nestedHTMLBlock), lines: lines, afterQuoteMarkers: true)
    }

    private static func answerFences(in ranges: [ClosedRange<Int>], lines: [String], afterQuoteMarkers: Bool = false) -> [SourcePosition] {
        var found: [SourcePosition] = []
        for range in ranges {
            for k in range where k - 1 < lines.count && found.count < 100 {
                let column = afterQuoteMarkers ? answerFenceColumnAfterQuoteMarkers(lines[k - 1]) : answerFenceColumn(lines[k - 1])
                if let column { found.append(SourcePosition(line: k, column: column)) }
            }
        }
        return found
    }

    /// The lines of HTML comments among `ranges` of HTML blocks: a block that opens with
    /// `<!--` (after indentation, `>` and list markers), up to the line that closes it. An
    /// answer fence there is commented out (a student's first try, a teacher's old answer):
    /// the copy leaves the comment out, and it is no answer for anyone.
    static func commentedLines(_ ranges: [ClosedRange<Int>], lines: [String]) -> Set<Int> {
        var commented = Set<Int>()
        for range in ranges where range.lowerBound - 1 < lines.count {
            var first = Substring(lines[range.lowerBound - 1])
            while true {
                let trimmed = first.drop { $0 == " " || $0 == "\t" }
                if trimmed.hasPrefix(">") { first = trimmed.dropFirst(); continue }
                if let c = trimmed.first, "-*+".contains(c), trimmed.dropFirst().first.map({ $0 == " " || $0 == "\t" }) ?? false { first = trimmed.dropFirst(2); continue }
                let digits = trimmed.prefix { $0.isASCII && $0.isNumber }.count
                if (1...9).contains(digits), let mark = trimmed.dropFirst(digits).first, mark == "." || mark == ")",
                   trimmed.dropFirst(digits + 1).first.map({ $0 == " " || $0 == "\t" }) ?? false { first = trimmed.dropFirst(digits + 2); continue }
                first = trimmed
                break
            }
            guard first.hasPrefix("<!--") else { continue }
            var k = range.lowerBound
            var text = first.dropFirst(4)
            while true {
                commented.insert(k)
                if text.contains("-->") || k >= min(range.upperBound, lines.count) { break }
                k += 1
                text = Substring(lines[k - 1])
            }
        }
        return commented
    }

    /// The column of an answer fence after a quote's `>` markers (`> ```answer e1`).
    static func answerFenceColumnAfterQuoteMarkers(_ line: String) -> Int? {
        var rest = Substring(line)
        var offset = 0
        while true {
            let spaces = rest.prefix { $0 == " " || $0 == "\t" }.count
            guard rest.dropFirst(spaces).first == ">" else { break }
            offset += spaces + 1
            rest = rest.dropFirst(spaces + 1)
        }
        return answerFenceColumn(String(rest)).map { $0 + offset }
    }

    /// What a copy's check and the grade both say of an answer fence that cmark-gfm reads
    /// inside a list item or a quote, which neither reads: the fix depends on whether a marker
    /// stands before it on its line.
    public static func nestedAnswerMessage(_ line: String, column: Int) -> String {
        let before = line.prefix(max(column - 1, 0))
        let fix = before.allSatisfy({ $0 == " " || $0 == "\t" }) ? "not indented" : "not after > or a list marker"
        return "this ```answer block is inside a list item or a quote, so it is not read, by stepmark check or by the grader; write it at the top level, \(fix)"
    }

    /// What a copy's check and the grade both say of an answer fence inside an HTML block.
    public static let answerInHTML = "this ```answer block is inside an HTML block, so it is not read, by stepmark check or by the grader; leave a blank line after the HTML tag above it"

    /// The column of an `answer` fence opener on a line (```` ``` ```` or `~~~`, then the word
    /// `answer` and a blank or the end), after nothing but spaces; nil when the line is none.
    /// An answer inside an HTML block reaches the page as text, however far it is indented.
    static func answerFenceColumn(_ line: String) -> Int? {
        guard let (column, _, _, info) = fenceOpening(line[...]), info.hasPrefix("answer") else { return nil }
        let after = info.dropFirst("answer".count)
        return after.first.map { $0 == " " || $0 == "\t" } ?? true ? column : nil
    }

    /// Fence words that name a language or a kind of text, never a misspelt directive
    /// (`text` is two edits from `let`, `cpp` from `bpe`).
    static let codeLanguages: Set<String> = [
        "text", "txt", "plain", "plaintext", "python", "py", "python3", "pycon", "numpy", "ipython", "json", "jsonl",
        "yaml", "yml", "toml", "ini", "xml", "html", "css", "js", "javascript", "ts", "typescript", "bash", "sh",
        "shell", "zsh", "fish", "console", "terminal", "output", "out", "log", "diff", "patch", "markdown", "md",
        "swift", "c", "cpp", "cxx", "h", "rust", "go", "java", "kotlin", "scala", "ruby", "rb", "php", "perl", "lua",
        "r", "julia", "matlab", "octave", "sql", "csv", "tsv", "tex", "latex", "math", "mermaid", "dot", "graphviz",
        "asm", "make", "makefile", "dockerfile", "nix", "haskell", "ocaml", "lisp", "scheme", "elixir", "erlang",
        "dart", "vim", "bat", "powershell", "ps1", "regex", "svg", "email", "http", "url", "none", "example",
    ]

    /// The directive a fence word was probably meant to be, or nil: within two edits of a
    /// directive name and no more than a third of the word's length (a three-letter word
    /// gets one edit, so `tex` or `out` are not taken for `let`), and not a known language.
    static func directiveTypo(_ word: String, among names: [String]) -> String? {
        guard word.count >= 3, word.count <= 64, !codeLanguages.contains(word.lowercased()),
              word.allSatisfy({ $0.isLetter || $0 == "_" || $0 == "-" }) else { return nil }
        var best: (name: String, distance: Int)?
        for name in names where abs(name.count - word.count) <= 2 {
            let d = editDistance(word, name)
            if d == 0 { return nil }
            if best == nil || d < best!.distance { best = (name, d) }
        }
        guard let best, best.distance <= min(2, max(1, word.count / 3)) else { return nil }
        return best.name
    }

    /// The top-level fenced blocks whose first info word is `wanted`, as cmark-gfm reads them:
    /// what `run` and `check` read of the same file. Nil when MarkdownShape refuses the text's
    /// shape, so cmark never runs on a shape that would make it quadratic.
    /// - Parameter answerFenceInHTML: hears of each line inside an HTML block that would open
    ///   an ```` ```answer ```` fence at the top level (cmark reads it as HTML: no block).
    /// - Parameter answerFenceInIndentedCode: hears of each answer fence Markdown reads as no
    ///   block because it is indented (`indentedAnswerFences`).
    /// - Parameter answerFenceNested: hears of each answer block cmark-gfm reads inside a list
    ///   item or a quote.
    /// - Parameter commentedOut: hears of the lines of HTML comments (`commentedLines`).
    public static func fencedBlocksAsCmarkReads(_ text: String, named wanted: String,
                                                answerFenceInHTML: ((SourcePosition) -> Void)? = nil,
                                                answerFenceInIndentedCode: ((SourcePosition) -> Void)? = nil,
                                                answerFenceNested: ((SourcePosition) -> Void)? = nil,
                                                commentedOut: ((Set<Int>) -> Void)? = nil) -> [DirectiveBlock]? {
        let text = text.utf8.contains(0) ? String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == "\0" ? "\u{FFFD}" : $0 })) : text
        guard MarkdownShape.check(text) == nil else { return nil }
        let lines = lines(of: text)
        // Front matter reads as blank lines, as in `parse` (its YAML is not read: untrusted).
        let frontMatterLines = FrontMatter.extent(lines)
        let document = frontMatterLines > 0
            ? MarkdownDocument(String(repeating: "\n", count: frontMatterLines) + lines.dropFirst(frontMatterLines).joined(separator: "\n"))
            : MarkdownDocument(text)
        // Commented out, an answer is none, and nothing need be said of it.
        let commented = answerFenceInHTML == nil && commentedOut == nil ? [] : commentedLines(document.lineRanges(of: .htmlBlock), lines: lines)
        commentedOut?(commented)
        if let answerFenceInIndentedCode {
            indentedAnswerFences(document, lines: lines).forEach(answerFenceInIndentedCode)
        }
        if let answerFenceInHTML {
            nestedHTMLAnswerFences(document, lines: lines).filter { !commented.contains($0.line) }.forEach(answerFenceInHTML)
        }
        if let answerFenceNested {
            document.nestedFencedBlocks(named: wanted).forEach(answerFenceNested)
        }
        return document.topLevelNodes().compactMap { node in
            if let answerFenceInHTML, case .other(let type) = node.kind, type == "html_block" {
                for k in node.startLine...max(node.startLine, node.endLine) where k >= 1 && k - 1 < lines.count && !commented.contains(k) {
                    if let column = answerFenceColumn(lines[k - 1]) { answerFenceInHTML(SourcePosition(line: k, column: column)) }
                }
            }
            guard case .fencedCode(let info, let literal) = node.kind,
                  info.split(whereSeparator: { $0 == " " || $0 == "\t" }).first == Substring(wanted) else { return nil }
            return directiveBlock(name: wanted, info: info, literal: literal, node: node, lines: lines)
        }
    }

    private static func directiveBlock(name: String, info: String, literal: String, node: MarkdownNode, lines: [String]) -> DirectiveBlock {
        let fenceLine = node.startLine
        let raw = fenceLine - 1 < lines.count ? lines[fenceLine - 1] : ""
        // Locate the info string in the fence line: indentation, the fence run, then spaces.
        let characters = Array(raw)
        var i = 0
        while i < characters.count, characters[i] == " " { i += 1 }
        let fence = i < characters.count ? characters[i] : "`"
        var fenceLength = 0
        while i < characters.count, characters[i] == fence { i += 1; fenceLength += 1 }
        while i < characters.count, characters[i] == " " || characters[i] == "\t" { i += 1 }
        let infoPosition = SourcePosition(line: fenceLine, column: i + 1)

        var bodyTexts = literal.isEmpty ? [] : LessonParser.lines(of: literal)
        if literal.hasSuffix("\n") || literal.hasSuffix("\r") { bodyTexts.removeLast() }
        var body: [BodyLine] = []
        for (k, text) in bodyTexts.enumerated() {
            let lineNumber = fenceLine + 1 + k
            let rawLine = lineNumber - 1 < lines.count ? lines[lineNumber - 1] : text
            // cmark strips up to the fence's indentation; the difference is the offset.
            let indent = max(0, rawLine.count - text.count)
            body.append(BodyLine(text: text, position: SourcePosition(line: lineNumber, column: indent + 1)))
        }
        let endLine = max(node.endLine, fenceLine)
        let lastRaw = endLine - 1 < lines.count ? lines[endLine - 1].trimmingWhitespace() : ""
        let closed = endLine > fenceLine && lastRaw.count >= fenceLength && lastRaw.allSatisfy { $0 == fence }
        let source = lines[(fenceLine - 1)..<min(endLine, lines.count)].joined(separator: "\n")
        // The info string as the lesson wrote it: cmark-gfm applies Markdown's backslash
        // escapes (and entities) to it, which turned SPEC §1's `title="a \"b\""` into
        // `title="a "b""` before stepmark's own string escapes could read it.
        var written = i < characters.count ? String(characters[i...]) : ""
        while let last = written.last, last == " " || last == "\t" { written.removeLast() }
        let rawInfo = written.isEmpty || !written.hasPrefix(name) ? info : written
        return DirectiveBlock(name: name, info: rawInfo, infoPosition: infoPosition,
                              position: SourcePosition(line: fenceLine, column: node.startColumn),
                              body: body, source: source, endLine: endLine, isClosed: closed)
    }
}

/// Line and column of increasing places in a text, found by walking it once (each character
/// looked at once, however many places are asked for): a key with thousands of solution
/// markers took seconds per 40 KB, each place counted from the start (a red-team pass).
struct TextPositions {
    let text: Substring
    private var index: Substring.Index
    private var line = 0, column = 1, backticks = 0

    init(_ text: Substring) {
        self.text = text
        index = text.startIndex
    }

    /// The 0-based line, the 1-based column (in characters) and the number of backticks
    /// before `target` on its line. A place before the last one asked starts the walk again.
    mutating func locate(_ target: Substring.Index) -> (line: Int, column: Int, backticks: Int) {
        if target < index { index = text.startIndex; line = 0; column = 1; backticks = 0 }
        while index < target, index < text.endIndex {
            let c = text[index]
            if c == "\n" { line += 1; column = 1; backticks = 0 } else { column += 1; if c == "`" { backticks += 1 } }
            index = text.index(after: index)
        }
        return (line, column, backticks)
    }
}
