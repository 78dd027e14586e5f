/// The code spans of a stretch of prose that open and close on one line, for the scanners
/// that must leave code as written: `HTMLAllowList.escapedMarkdown` (which escapes tags outside
/// code) and `ProseComments.spans` (which finds comments outside code). Both read the text
/// element by element, one as `Character`s and one as UTF-8 bytes, so this is generic over
/// the element.
///
/// A run of backticks opens a span where a run of the same length follows on its line; the
/// first such run closes it (CommonMark). Outside a span a backslash takes the next element
/// with it (an escaped backtick opens nothing); inside one it is literal. Lines of code blocks
/// (`codeLines`) hold no span. A span over several lines is not looked for: a stretch may hold
/// several paragraphs, and a span never crosses a paragraph's end.
///
/// Linear time: each line's runs are listed once by length, and the search for a closing run
/// only moves forward (a line of runs of a thousand different lengths once took each run a
/// scan of the rest of its line: 40 s for an 8 MB lesson).
enum OneLineCodeSpans {
    /// Where each span starts (its opening run's first element) mapped to where it ends (just
    /// past its closing run). `breakLength(i)` is how many elements the line break at `i`
    /// takes (`\r\n` as two bytes is 2), or 0 where there is none.
    static func find<Element: Equatable>(in c: [Element], firstLine: Int, codeLines: Set<Int>,
                                         backtick: Element, backslash: Element,
                                         breakLength: (Int) -> Int) -> [Int: Int] {
        let n = c.count
        var spans: [Int: Int] = [:]
        var line = firstLine
        var lineStart = 0
        // Per line: the starts of the maximal backtick runs, by length, and how far the search
        // for a closing run of each length has got.
        var runsByLength: [Int: [Int]] = [:]
        var searched: [Int: Int] = [:]
        while lineStart < n {
            var lineEnd = lineStart
            while lineEnd < n, breakLength(lineEnd) == 0 { lineEnd += 1 }
            if !codeLines.contains(line) {
                runsByLength.removeAll(keepingCapacity: true)
                searched.removeAll(keepingCapacity: true)
                var k = lineStart
                while k < lineEnd {
                    guard c[k] == backtick else { k += 1; continue }
                    var e = k
                    while e < lineEnd, c[e] == backtick { e += 1 }
                    runsByLength[e - k, default: []].append(k)
                    k = e
                }
                if !runsByLength.isEmpty {
                    var i = lineStart
                    while i < lineEnd {
                        if c[i] == backslash, i + 1 < lineEnd { i += 2; continue }
                        guard c[i] == backtick else { i += 1; continue }
                        var j = i
                        while j < lineEnd, c[j] == backtick { j += 1 }
                        let length = j - i
                        // The first maximal run of this length after the opening one closes it.
                        if let starts = runsByLength[length] {
                            var p = searched[length] ?? 0
                            while p < starts.count, starts[p] < j { p += 1 }
                            searched[length] = p
                            if p < starts.count {
                                let end = starts[p] + length
                                spans[i] = end
                                i = end
                                continue
                            }
                        }
                        i = j
                    }
                }
            }
            lineStart = lineEnd < n ? lineEnd + breakLength(lineEnd) : n
            line += 1
        }
        return spans
    }
}
