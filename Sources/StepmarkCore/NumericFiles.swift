import FoundationEssentials

/// Readers for the numeric files a lesson may load: numpy `.npy`, CSV of numbers, and
/// GloVe / word2vec text embeddings. Every error says what was expected; errors in text
/// formats name the 1-based line (and the field where it helps). Readers never execute or
/// evaluate anything from the file.
public enum NumericFiles {
    // MARK: .npy

    /// Parses a numpy `.npy` file (format versions 1.0, 2.0 and 3.0).
    ///
    /// Supported: dtypes `<f8` (float64), `<f4` (float32), `<i8` (int64), `<i4` (int32) —
    /// little-endian; `|` or `=` byte order is not used by numpy for these, and big-endian
    /// (`>`) is rejected — 0-d (a scalar), 1-d (a vector) and 2-d (a matrix) arrays, in C order
    /// or Fortran order (column-major data is transposed into row-major). Integers are converted
    /// to `Double` (exact up to 2⁵³). Trailing bytes after the array data are ignored, as
    /// `numpy.load` does.
    ///
    /// - Throws: on a missing magic string, an unknown version, a malformed header, an
    ///   unsupported dtype or rank, or too little data — each naming what was expected.
    public static func parseNPY(_ bytes: [UInt8], source: String = "the .npy file") throws -> Tensor {
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]   // \x93NUMPY
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw TensorError("\(source) is not a .npy file: it should start with the bytes \\x93NUMPY")
        }
        let major = bytes[6], minor = bytes[7]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw TensorError("\(source) ends inside its header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw TensorError("\(source) uses .npy format version \(major).\(minor); stepmark reads versions 1.0, 2.0 and 3.0")
        }
        guard bytes.count >= headerStart + headerLength else {
            throw TensorError("\(source) ends inside its header (the header says \(headerLength) bytes, the file has \(bytes.count - headerStart) after the preamble)")
        }
        let headerBytes = bytes[headerStart..<(headerStart + headerLength)]
        guard let header = String(bytes: headerBytes, encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw TensorError("\(source) has a header that is not valid text")
        }
        let dict = try NPYHeader.parse(header, source: source)
        guard case .string(let descr)? = dict["descr"] else {
            throw TensorError("\(source): the header has no 'descr' string (the dtype), e.g. 'descr': '<f8'")
        }
        guard case .bool(let fortran)? = dict["fortran_order"] else {
            throw TensorError("\(source): the header has no 'fortran_order' True/False")
        }
        guard case .tuple(let shape)? = dict["shape"] else {
            throw TensorError("\(source): the header has no 'shape' tuple, e.g. 'shape': (3, 2)")
        }
        let width: Int
        switch descr {
        case "<f8", "<i8": width = 8
        case "<f4", "<i4": width = 4
        default:
            throw TensorError("\(source) holds dtype '\(descr)'; stepmark reads little-endian float64 '<f8', float32 '<f4', int64 '<i8' and int32 '<i4' (save with arr.astype('<f8'))")
        }
        guard shape.count <= 2 else {
            throw TensorError("\(source) holds an array of shape (\(shape.map(String.init).joined(separator: ", "))); stepmark handles scalars, vectors and matrices (at most 2 dimensions)")
        }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw TensorError("\(source) has a negative dimension in its shape") }
        var count = 1
        for s in shape {
            let (m, overflow) = count.multipliedReportingOverflow(by: s)
            guard !overflow else { throw TensorError("\(source) declares a shape too large to hold") }
            count = m
        }
        let dataStart = headerStart + headerLength
        let available = bytes.count - dataStart
        guard available / width >= count else {
            // count · width may itself overflow (a header declaring 2^61 entries).
            let (needed, overflow) = count.multipliedReportingOverflow(by: width)
            let bytesNeeded = overflow ? "more than \(Int.max)" : "\(needed)"
            throw TensorError("\(source) is truncated: shape (\(shape.map(String.init).joined(separator: ", "))) of '\(descr)' needs \(bytesNeeded) bytes of data, the file has \(available)")
        }
        var values = [Double](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { buf in
            let base = UnsafeRawPointer(buf.baseAddress!) + dataStart
            for i in 0..<count {
                let p = base + i * width
                switch descr {
                case "<f8": values[i] = Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)))
                case "<f4": values[i] = Double(Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(as: UInt32.self))))
                case "<i8": values[i] = Double(Int64(littleEndian: p.loadUnaligned(as: Int64.self)))
                default: values[i] = Double(Int32(littleEndian: p.loadUnaligned(as: Int32.self)))
                }
            }
        }
        if fortran && shape.count == 2 {
            let r = shape[0], c = shape[1]
            var t = [Double](repeating: 0, count: count)
            for j in 0..<c { for i in 0..<r { t[i * c + j] = values[j * r + i] } }
            values = t
        }
        return Tensor(shape: shape, data: values)
    }

    /// A value of the `.npy` header dictionary.
    enum NPYValue: Equatable {
        case string(String), bool(Bool), tuple([Int])
    }

    /// A parser for the tiny subset of Python literals the `.npy` header uses:
    /// `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }`.
    struct NPYHeader {
        var chars: [Character]
        var i = 0
        let source: String

        static func parse(_ text: String, source: String) throws -> [String: NPYValue] {
            var p = NPYHeader(chars: Array(text), source: source)
            return try p.dictionary()
        }

        func fail(_ expected: String) -> TensorError {
            let found = i < chars.count ? "'\(chars[i])'" : "the end of the header"
            return TensorError("\(source) has a malformed header: expected \(expected) at character \(i + 1), found \(found)")
        }

        mutating func skipSpace() { while i < chars.count, chars[i].isWhitespace { i += 1 } }

        mutating func expect(_ c: Character) throws {
            skipSpace()
            guard i < chars.count, chars[i] == c else { throw fail("'\(c)'") }
            i += 1
        }

        mutating func peek() -> Character? { skipSpace(); return i < chars.count ? chars[i] : nil }

        mutating func dictionary() throws -> [String: NPYValue] {
            try expect("{")
            var out: [String: NPYValue] = [:]
            while peek() != "}" {
                let key = try string()
                try expect(":")
                out[key] = try value()
                if peek() == "," { i += 1 } else { break }
            }
            try expect("}")
            return out
        }

        mutating func string() throws -> String {
            skipSpace()
            guard i < chars.count, chars[i] == "'" || chars[i] == "\"" else { throw fail("a quoted string") }
            let q = chars[i]; i += 1
            var s = ""
            while i < chars.count, chars[i] != q { s.append(chars[i]); i += 1 }
            guard i < chars.count else { throw fail("a closing quote") }
            i += 1
            return s
        }

        mutating func value() throws -> NPYValue {
            switch peek() {
            case "'", "\"": return .string(try string())
            case "(":
                i += 1
                var items: [Int] = []
                while peek() != ")" {
                    var digits = ""
                    while i < chars.count, chars[i].isASCII, chars[i].isNumber { digits.append(chars[i]); i += 1 }
                    if i < chars.count, chars[i] == "L" { i += 1 }   // Python 2 longs
                    guard !digits.isEmpty else { throw fail("a non-negative integer in the shape") }
                    guard let n = Int(digits) else {
                        throw TensorError("\(source) has a shape dimension too large to hold: \(digits.count > 24 ? String(digits.prefix(20)) + "… (\(digits.count) digits)" : digits) is over \(Int.max)")
                    }
                    items.append(n)
                    if peek() == "," { i += 1 } else { break }
                }
                try expect(")")
                return .tuple(items)
            default:
                for (word, v) in [("True", true), ("False", false)] where chars[i...].starts(with: word) {
                    i += word.count
                    return .bool(v)
                }
                throw fail("a string, a tuple, True or False")
            }
        }
    }

    // MARK: CSV

    /// Parses comma-separated numbers into a matrix (always rank 2, even for one row or column).
    ///
    /// - A first row in which no field is a number is a header: its fields become the column
    ///   labels.
    /// - When every data row's first field is not a number and the rest are, the first column
    ///   holds row labels (`king,0.1,0.2`); a header then has one more field than the numbers
    ///   (its first field names the label column) or exactly as many.
    /// - A leading byte-order mark is dropped. Fields are trimmed; a field in double quotes may
    ///   contain commas (`""` is a quote). Blank lines and lines starting with `#` are
    ///   skipped. Numbers are what Swift's
    ///   `Double(_:)` reads, including `nan` and `inf`.
    /// - Throws: on an empty file, a non-number (naming line and field), or a row whose number
    ///   of fields differs from the first row's (naming the line).
    /// - Parameter maxEntries: the most numbers the file may hold (`--max-entries`): past it the
    ///   read stops, before the rest is parsed.
    /// - Parameter deadline: the lesson's time limit, checked every 4,096 lines (a 10 MB file
    ///   of labelled rows takes seconds to read: two loads ran 3 s past the limit).
    public static func parseCSV(_ text: String, source: String = "the CSV file", maxEntries: Int = .max,
                                deadline: Deadline = .none) throws -> Tensor {
        // A byte-order mark, as Excel writes before "CSV UTF-8", is not part of the first field.
        let text = text.hasPrefix("\u{FEFF}") ? String(text.unicodeScalars.dropFirst()) : text
        // Two passes over the lines, neither keeping them: the first finds the first two rows
        // and whether the rows are labelled (that decides what the first row is), the second
        // fills the numbers. Kept rows of fields cost some 100 bytes a line: 5 million short
        // lines, just under the file limit, took 580 MB before the entry limit was reached.
        func isNumber(_ s: String) -> Bool { Double(s) != nil }
        func labelledRow(_ f: [String]) -> Bool { f.count > 1 && !isNumber(f[0]) && f.dropFirst().allSatisfy(isNumber) }
        var first: (line: Int, fields: [String])? = nil
        var second: (line: Int, fields: [String])? = nil
        // Whether the rows after the first are all labelled, and the first too: the first row
        // may be a header of words, and then only the others decide.
        var restLabelled = true, firstLabelled = true
        var fieldCount = 0
        try forEachLine(text) { n, raw in
            if n & 4095 == 0 { try deadline.check("load() of \(source)") }
            let line = raw.trimmingHorizontalWhitespace()
            if line.isEmpty || line.hasPrefix("#") { return }
            // A header row has no numbers, so it is capped on its own: more than a label and
            // `maxEntries` names means rows of more than `maxEntries` numbers below it.
            let cap = maxEntries >= Int.max / 4 ? Int.max
                : first == nil ? maxEntries + 2 : max(0, 2 * maxEntries + 2 - fieldCount)
            let fields = try csvFields(String(line), line: n, source: source, maxFields: cap)
            if fields.count > cap { throw tooMany(source, maxEntries) }
            if first == nil {
                first = (n, fields)
                firstLabelled = labelledRow(fields)
            } else {
                if second == nil { second = (n, fields) }
                if restLabelled && !labelledRow(fields) { restLabelled = false }
            }
            // At least half of the fields after the first row are numbers (a row has at most
            // one label), so past twice the limit the file is surely over it.
            if first?.line != n { fieldCount += fields.count }
            if fieldCount / 2 > maxEntries { throw tooMany(source, maxEntries) }
        }
        // "\r\n" counts as one Character, so line numbers above are right for CRLF files too.
        guard let firstRow = first else { throw TensorError("\(source) has no rows of numbers") }
        var header: [String]? = nil
        let headerLine = firstRow.line
        if !(firstLabelled && restLabelled) && firstRow.fields.allSatisfy({ !isNumber($0) }) { header = firstRow.fields }
        guard let model = header == nil ? firstRow : second else { throw TensorError("\(source) has a header row but no rows of numbers") }
        // Whether every row but the header is labelled.
        let rowLabelled = restLabelled && (header != nil || firstLabelled)
        let width = model.fields.count - (rowLabelled ? 1 : 0)
        var data: [Double] = []
        var rowLabels: [String] = []
        var rows = 0
        var index = 0
        try forEachLine(text) { n, raw in
            if n & 4095 == 0 { try deadline.check("load() of \(source)") }
            let line = raw.trimmingHorizontalWhitespace()
            if line.isEmpty || line.hasPrefix("#") { return }
            index += 1
            if index == 1 && header != nil { return }
            let fields = try csvFields(String(line), line: n, source: source)
            guard fields.count == model.fields.count else {
                throw TensorError("\(source) line \(n): expected \(model.fields.count) fields like line \(model.line), found \(fields.count)")
            }
            if rowLabelled { rowLabels.append(fields[0]) }
            for (j, f) in fields.enumerated().dropFirst(rowLabelled ? 1 : 0) {
                guard let v = Double(f) else {
                    throw TensorError("\(source) line \(n), field \(j + 1): expected a number, found '\(f)'")
                }
                // `inf` written as such is kept (a mask's −∞); a number past the largest Double
                // is an error, as the same number in an expression is (it read as ∞ silently).
                if v.isInfinite, !["inf", "infinity"].contains(f.drop { $0 == "+" || $0 == "-" || $0 == " " }.lowercased()) {
                    throw TensorError("\(source) line \(n), field \(j + 1): '\(f.prefix(40))' is too large for a number (beyond ±1.8e308)")
                }
                data.append(v)
            }
            if data.count > maxEntries { throw tooMany(source, maxEntries) }
            rows += 1
        }
        var colLabels: [String]? = nil
        if let header {
            if header.count == width { colLabels = header }
            else if rowLabelled && header.count == width + 1 { colLabels = Array(header.dropFirst()) }
            else {
                throw TensorError("\(source) line \(model.line): expected \(header.count) fields like the header on line \(headerLine), found \(width) numbers\(rowLabelled ? " after the row label" : "")")
            }
        }
        return Tensor(shape: [rows, width], data: data, rowLabels: rowLabelled ? rowLabels : nil, colLabels: colLabels)
    }

    /// The error for a file of more numbers than `--max-entries` allows, found while reading it.
    static func tooMany(_ source: String, _ maxEntries: Int) -> TensorError {
        TensorError("\(source) holds more than \(maxEntries) numbers, over the limit of \(maxEntries) entries (raise it with --max-entries)")
    }

    /// Calls `body` with each line of `text` and its 1-based number, split as CommonMark and
    /// `split(whereSeparator: \.isNewline)` split ("\r\n" is one line break), without making
    /// an array of them.
    static func forEachLine(_ text: String, _ body: (Int, Substring) throws -> Void) rethrows {
        var rest = text[...]
        var n = 0
        while true {
            n += 1
            guard let end = rest.firstIndex(where: \.isNewline) else { try body(n, rest); return }
            try body(n, rest[..<end])
            rest = rest[rest.index(after: end)...]
        }
    }

    static func csvFields(_ line: String, line number: Int, source: String, maxFields: Int = .max) throws -> [String] {
        // Read in place, a character at a time: an array of the line's characters cost 16
        // bytes a character, 160 MB for a file of one 10 MB line (a red-team pass), and the
        // split stops one field past `maxFields`, so the caller's limit is reached before the
        // rest of such a line is read.
        var fields: [String] = []
        var current = ""
        var quoted = false, wasQuoted = false
        var i = line.startIndex
        while i < line.endIndex {
            let c = line[i]
            i = line.index(after: i)
            if quoted {
                if c == "\"" {
                    if i < line.endIndex, line[i] == "\"" { current.append("\""); i = line.index(after: i) } else { quoted = false }
                } else { current.append(c) }
            } else if c == "\"" && current.trimmingHorizontalWhitespace().isEmpty && !wasQuoted {
                quoted = true; wasQuoted = true; current = ""
            } else if c == "," {
                fields.append(wasQuoted ? current : current.trimmingHorizontalWhitespace())
                current = ""; wasQuoted = false
                if fields.count > maxFields { return fields }
            } else if !(wasQuoted && c.isWhitespace) {
                current.append(c)
            }
        }
        guard !quoted else { throw TensorError("\(source) line \(number): a quoted field is not closed") }
        fields.append(wasQuoted ? current : current.trimmingHorizontalWhitespace())
        return fields
    }

    // MARK: GloVe / word2vec text

    /// Parses word vectors in GloVe text format (`token v1 v2 … vd` per line) or word2vec text
    /// format (the same rows after a first line `count dim`). Fields are separated by spaces or
    /// tabs; blank lines are skipped.
    ///
    /// The first line is taken as a word2vec header when it is exactly two non-negative
    /// integers and the next row has `dim + 1` fields; the number of rows must then be `count`.
    /// - Throws: on an empty file, a row whose length differs from the first row's (naming both
    ///   lines), a non-number (naming line and field), a repeated token, or a row count that
    ///   does not match the header.
    /// - Parameter maxEntries: the most numbers the table may hold (`--max-entries`): past it
    ///   the read stops, before the rest is parsed.
    public static func parseWordVectors(_ text: String, source: String = "the vectors file", maxEntries: Int = .max) throws -> EmbeddingTable {
        // The lines are read twice and never kept (5 million one-word lines took 580 MB as
        // kept rows of fields): the first look finds the first two rows, which decide whether
        // the first line is a word2vec header; the second fills the table.
        let normalized = Tokenizer.normalize(text)
        // At most `limit` fields and the rest of the line as one more: a file of one line of 5
        // million numbers took 377 MB as fields before the entry limit was looked at.
        let rowLimit = maxEntries >= Int.max / 2 ? Int.max - 1 : maxEntries + 1
        func fieldsOf(_ raw: Substring, limit: Int = rowLimit) -> [String] {
            raw.split(maxSplits: limit, omittingEmptySubsequences: true, whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        }
        var head: [(line: Int, fields: [String])] = []
        var rowCount = 0
        try forEachLine(normalized) { n, raw in
            if head.count < 2 {
                let fields = fieldsOf(raw)
                if fields.count > rowLimit { throw tooMany(source, maxEntries) }
                if !fields.isEmpty { head.append((n, fields)) }
                if !fields.isEmpty { rowCount += 1 }
            } else if raw.contains(where: { $0 != " " && $0 != "\t" }) {
                rowCount += 1
            }
        }
        guard let firstLine = head.first else { throw TensorError("\(source) has no word vectors") }
        var headerLine: Int? = nil
        if firstLine.fields.count == 2, let c = Int(firstLine.fields[0]), let d = Int(firstLine.fields[1]), c >= 0, d >= 1,
           head.count == 1 || head[1].fields.count == d + 1 {
            guard rowCount - 1 == c else {
                throw TensorError("\(source): the word2vec header on line \(firstLine.line) announces \(c) vectors of dimension \(d), but \(rowCount - 1) rows follow")
            }
            guard head.count > 1 else { throw TensorError("\(source) has a header but no word vectors") }
            headerLine = firstLine.line
        }
        let first = headerLine == nil ? firstLine : head[1]
        guard first.fields.count >= 2 else {
            throw TensorError("\(source) line \(first.line): expected a token followed by its numbers, found only '\(first.fields[0])'")
        }
        let d = first.fields.count - 1
        var tokens: [String] = []
        var data: [Double] = []
        var seen: [String: Int] = [:]
        try forEachLine(normalized) { line, raw in
            if line == headerLine { return }
            let fields = fieldsOf(raw, limit: d + 1)
            if fields.isEmpty { return }
            guard fields.count == d + 1 else {
                // Counted without making them: a line of millions of fields stays one string.
                var count = 0, inField = false
                for byte in raw.utf8 {
                    let separator = byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
                    if !separator && !inField { count += 1 }
                    inField = !separator
                }
                throw TensorError("\(source) line \(line): expected a token and \(d) numbers like line \(first.line), found \(count - 1) numbers")
            }
            if let earlier = seen[fields[0]] {
                throw TensorError("\(source) line \(line): token '\(fields[0])' already has a vector on line \(earlier)")
            }
            seen[fields[0]] = line
            tokens.append(fields[0])
            for j in 1...d {
                guard let v = Double(fields[j]), v.isFinite else {
                    throw TensorError("\(source) line \(line), field \(j + 1): expected a finite number, found '\(fields[j])'")
                }
                data.append(v)
            }
            if data.count > maxEntries { throw tooMany(source, maxEntries) }
        }
        return try EmbeddingTable(tokens: tokens, matrix: Tensor(shape: [tokens.count, d], data: data))
    }

    // MARK: Files

    /// Reads a `.npy` or `.csv` file into a tensor, choosing the format by the extension.
    /// - Throws: on an unreadable file or another extension.
    public static func load(contentsOf url: URL) throws -> Tensor {
        let name = url.lastPathComponent
        switch url.pathExtension.lowercased() {
        case "npy": return try parseNPY(try read(url), source: name)
        case "csv": return try parseCSV(try readText(url), source: name)
        default:
            throw TensorError("cannot load '\(name)': expected a .npy or .csv file")
        }
    }

    /// Reads a GloVe / word2vec text file (`.txt`, `.vec`, any extension).
    public static func loadWordVectors(contentsOf url: URL) throws -> EmbeddingTable {
        try parseWordVectors(try readText(url), source: url.lastPathComponent)
    }

    static func read(_ url: URL) throws -> [UInt8] {
        // No size limit is given here (callers are trusted tools); a FIFO is still refused.
        do { return try RegularFile.read(url.path, maxBytes: Int.max) } catch {
            throw TensorError("'\(url.lastPathComponent)' \(error.message)")
        }
    }

    static func readText(_ url: URL) throws -> String {
        let bytes = try read(url)
        guard let s = String(bytes: bytes, encoding: .utf8) else {
            throw TensorError("'\(url.lastPathComponent)' is not UTF-8 text")
        }
        return s
    }
}
