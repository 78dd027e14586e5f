/// Pictures written as text (the `image` directive, SPEC §3) and feature matrices of pictures.
///
/// A picture body is read in one of two forms, decided for the whole body:
///
/// - **Numbers** — when the body contains any ASCII digit (no ramp character is a digit):
///   every non-blank line is one row of numbers in [0, 1] separated by spaces, tabs or commas
///   (runs of separators count as one). Blank lines are skipped. Every row must hold the same
///   count of numbers (a ragged row is an error naming both counts); a token that is not a
///   finite number, or a number outside [0, 1], is an error.
/// - **Characters** — otherwise: every line is one row, every character one pixel, read through
///   the ramp ` .:-=+*#%@` (dark to light), so character i of the ramp is the value i/9
///   (space = 0, `@` = 1). Leading spaces are pixels (value 0). Because Markdown editors and
///   code blocks often drop trailing spaces, a line shorter than the widest line is padded on
///   the right with spaces (value 0); in particular an empty line is a row of zeros. Any
///   character outside the ramp (a tab, a letter…) is an error naming it.
///
/// Positions in errors are 1-based and relative to the body: "line 2, column 5" is the fifth
/// character of the body's second line. A `\r` ending a line (CRLF files) is ignored. A picture
/// with no rows, or whose rows are all empty, is an error.
public enum Pixels {
    /// The character ramp, dark to light: character i is the value i / 9.
    public static let ramp: [Character] = Array(" .:-=+*#%@")

    /// The value of a ramp character (i / 9 for ramp position i), nil outside the ramp.
    public static func value(of character: Character) -> Double? {
        ramp.firstIndex(of: character).map { Double($0) / Double(ramp.count - 1) }
    }

    /// Parses a picture body (the text of a code block). The body is split at line breaks;
    /// the empty piece after a final line break is not a row (every code block ends with one).
    /// - Returns: an h × w matrix of values in [0, 1], row 0 being the first line.
    /// - Throws: `TensorError` as described in the type's documentation.
    public static func parse(_ body: String) throws -> Tensor {
        var lines = splitLines(body)
        if lines.last == "" { lines.removeLast() }
        return try parse(lines: lines)
    }

    /// Parses a picture given as its lines (line 1 is `lines[0]`); see the type's documentation.
    /// A trailing `\r` is dropped from each line, and a line that still holds a line break
    /// (`"\r\n"` is one Character in Swift, so splitting at `"\n"` leaves it whole) is split there.
    public static func parse(lines rawLines: [String]) throws -> Tensor {
        let lines = rawLines.flatMap(splitLines).map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
        let numeric = lines.contains { line in line.contains { $0.isASCII && $0.isNumber } }
        return numeric ? try parseNumbers(lines) : try parseCharacters(lines)
    }

    private static func parseCharacters(_ lines: [String]) throws -> Tensor {
        var rows: [[Double]] = []
        for (li, line) in lines.enumerated() {
            var row: [Double] = []
            for (ci, ch) in line.enumerated() {
                guard let v = value(of: ch) else {
                    throw TensorError("line \(li + 1), column \(ci + 1): unknown pixel character \(describe(ch)); use the ramp \" .:-=+*#%@\" (dark to light) or numbers in [0, 1]")
                }
                row.append(v)
            }
            rows.append(row)
        }
        let width = rows.map(\.count).max() ?? 0
        guard width > 0 else { throw TensorError("the picture is empty: write one row of pixels per line") }
        let padded = rows.map { $0 + [Double](repeating: 0, count: width - $0.count) }
        return Tensor.matrix(padded)
    }

    private static func parseNumbers(_ lines: [String]) throws -> Tensor {
        var rows: [[Double]] = []
        var firstLine = 0
        for (li, line) in lines.enumerated() {
            var row: [Double] = []
            var token = ""
            var tokenColumn = 0
            func flush() throws {
                guard !token.isEmpty else { return }
                guard let v = Double(token), v.isFinite else {
                    throw TensorError("line \(li + 1), column \(tokenColumn): '\(token)' is not a number (a picture containing digits is read as numbers in [0, 1] separated by spaces or commas)")
                }
                guard v >= 0, v <= 1 else {
                    throw TensorError("line \(li + 1), column \(tokenColumn): pixel value \(token) is outside [0, 1]")
                }
                row.append(v)
                token = ""
            }
            for (ci, ch) in line.enumerated() {
                if ch == " " || ch == "\t" || ch == "," {
                    try flush()
                } else {
                    if token.isEmpty { tokenColumn = ci + 1 }
                    token.append(ch)
                }
            }
            try flush()
            if row.isEmpty { continue }
            if let first = rows.first, first.count != row.count {
                throw TensorError("line \(li + 1) has \(row.count) pixel\(row.count == 1 ? "" : "s") but line \(firstLine + 1) has \(first.count): every row of a numeric picture needs the same number of values")
            }
            if rows.isEmpty { firstLine = li }
            rows.append(row)
        }
        guard !rows.isEmpty else { throw TensorError("the picture is empty: write one row of pixels per line") }
        return Tensor.matrix(rows)
    }

    /// Splits at `"\n"` and at `"\r\n"` (a single Character, so a separator of its own).
    private static func splitLines(_ text: String) -> [String] {
        text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }.map(String.init)
    }

    /// `'x'` for a visible character, a name and code point otherwise.
    static func describe(_ ch: Character) -> String {
        let codes = ch.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true).leftPadded(to: 4) }.joined(separator: " ")
        switch ch {
        case "\t": return "tab (U+0009)"
        case "\u{A0}": return "no-break space (U+00A0)"
        default:
            if ch.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .control || $0.properties.isWhitespace }) {
                return codes
            }
            return "'\(ch)' (\(codes))"
        }
    }

    /// A feature matrix of pictures: row k is picture k flattened row-major, labelled by its
    /// name (so a picture h × w becomes a row of h·w features). Pictures of any rank are
    /// flattened the same way; all must have the same shape.
    /// - Throws: when there are no pictures, or when two pictures differ in shape (naming
    ///   both pictures and both shapes).
    public static func stack(images: [(name: String, image: Tensor)]) throws -> Tensor {
        guard let first = images.first else { throw TensorError("no images to stack") }
        for (name, image) in images.dropFirst() where image.shape != first.image.shape {
            throw TensorError("image '\(name)' is \(image.shapeDescription) but image '\(first.name)' is \(first.image.shapeDescription): every image must have the same size")
        }
        let width = first.image.count
        return Tensor(shape: [images.count, width], data: images.flatMap { $0.image.data },
                      rowLabels: images.map(\.name))
    }
}

private extension String {
    func leftPadded(to n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
