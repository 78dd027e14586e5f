import Foundation
import Testing
@testable import StepmarkCore

@Suite struct NumericFilesTests {
    /// Bytes of `.npy` files written by `numpy.lib.format.write_array` (numpy 2.4), base64-encoded.
    enum NPY {
        /// `np.array([[1.0, -2.5, 3.25], [0.1, 1e-300, -0.0]], dtype='<f8')`, version 1.0
        static let f8Matrix = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADwPwAAAAAAAATAAAAAAAAACkCamZmZmZm5P1nz+MIfbqUBAAAAAAAAAIA="
        /// `np.array([1.5, -2.25, 3.0], dtype='<f4')`
        static let f4Vector = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/AAAQwAAAQEA="
        /// `np.array([0.1], dtype='<f4')`; float(np.float32(0.1)) == 0.10000000149011612
        static let f4Tenth = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIArNzMw9"
        /// `np.array(42, dtype='<i8')` (0-d)
        static let i8Scalar = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoqAAAAAAAAAA=="
        /// `np.asfortranarray(np.array([[1, 2, 3], [4, 5, 6]], dtype='<i4'))`
        static let i4Fortran = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAAABAAAAAIAAAAFAAAAAwAAAAYAAAA="
        /// `np.array([[7.0, 8.0]])`, version 2.0
        static let v2 = "k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMSwgMiksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAcQAAAAAAAACBA"
        /// `np.array([0.5, 0.25])`, version 3.0
        static let v3 = "k05VTVBZAwB0AAAAeydkZXNjcic6ICc8ZjgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADgPwAAAAAAANA/"
        /// `np.array([1.0, 2.0], dtype='>f8')`
        static let bigEndian = "k05VTVBZAQB2AHsnZGVzY3InOiAnPmY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo/8AAAAAAAAEAAAAAAAAAA"
        /// `np.zeros((2, 1, 2))`
        static let rank3 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDEsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="
        /// `np.zeros((0, 3))`
        static let empty = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDAsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo="
        /// `np.array([1.0, 2.0, 3.0])` with its last 4 bytes cut off
        static let truncated = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADwPwAAAAAAAABAAAAAAA=="
    }

    func npy(_ base64: String) throws -> Tensor {
        try NumericFiles.parseNPY([UInt8](try #require(Data(base64Encoded: base64))), source: "x.npy")
    }

    func npyError(_ base64: String) -> String? {
        do { _ = try npy(base64); return nil } catch let e as TensorError { return e.message } catch { return "\(error)" }
    }

    @Test func npyDtypesAndRanks() throws {
        let m = try npy(NPY.f8Matrix)
        #expect(m.shape == [2, 3])
        #expect(m.data == [1.0, -2.5, 3.25, 0.1, 1e-300, -0.0])
        #expect(m.data[5].sign == .minus)
        #expect(try npy(NPY.f4Vector) == Tensor.vector([1.5, -2.25, 3.0]))
        #expect(try npy(NPY.f4Tenth).data == [0.10000000149011612])
        #expect(try npy(NPY.i8Scalar) == Tensor.scalar(42))
        let f = try npy(NPY.i4Fortran)
        #expect(f.shape == [2, 3] && f.data == [1, 2, 3, 4, 5, 6])
        #expect(try npy(NPY.v2) == Tensor.matrix([[7, 8]]))
        #expect(try npy(NPY.v3) == Tensor.vector([0.5, 0.25]))
        #expect(try npy(NPY.empty).shape == [0, 3])
    }

    @Test func npyRejectsWhatItCannotRead() throws {
        #expect(npyError(NPY.bigEndian)?.contains("'>f8'") == true)
        #expect(npyError(NPY.rank3)?.contains("(2, 1, 2)") == true)
        #expect(npyError(NPY.truncated)?.contains("truncated") == true)
        let notNPY = #expect(throws: TensorError.self) { try NumericFiles.parseNPY(Array("a,b\n1,2\n".utf8)) }
        #expect(notNPY?.message.contains("\\x93NUMPY") == true)
        // A header that is cut short, and one that is not a dictionary.
        var bytes = [UInt8](try #require(Data(base64Encoded: NPY.v3)))
        #expect(throws: TensorError.self) { try NumericFiles.parseNPY(Array(bytes.prefix(40))) }
        bytes[12] = UInt8(ascii: "[")
        let bad = #expect(throws: TensorError.self) { try NumericFiles.parseNPY(bytes) }
        #expect(bad?.message.contains("malformed header") == true)
        var version = [UInt8](try #require(Data(base64Encoded: NPY.f4Vector)))
        version[6] = 4
        #expect(throws: TensorError.self) { try NumericFiles.parseNPY(version) }
    }

    // MARK: CSV

    @Test func csvPlainHeaderAndRowLabels() throws {
        let plain = try NumericFiles.parseCSV("1, 2, 3\n4,5,6e-1\n\n")
        #expect(plain == Tensor.matrix([[1, 2, 3], [4, 5, 0.6]]))
        let header = try NumericFiles.parseCSV("x,y\r\n1,2\r\n3,4\r\n")
        #expect(header.colLabels == ["x", "y"] && header.data == [1, 2, 3, 4] && header.rowLabels == nil)
        let labelled = try NumericFiles.parseCSV("# vectors\nking,0.5,0.1\nqueen,0.4,0.2\n")
        #expect(labelled.rowLabels == ["king", "queen"] && labelled.colLabels == nil && labelled.shape == [2, 2])
        let both = try NumericFiles.parseCSV("word,d1,d2\nking,0.5,0.1\n\"queen, regnant\",0.4,0.2\n")
        #expect(both.rowLabels == ["king", "queen, regnant"] && both.colLabels == ["d1", "d2"])
        let column = try NumericFiles.parseCSV("7\n8\n")
        #expect(column.shape == [2, 1])
        // Excel's "CSV UTF-8" starts with a byte-order mark: not part of the first number or label.
        #expect(try NumericFiles.parseCSV("\u{FEFF}1,2\r\n3,4\r\n") == Tensor.matrix([[1, 2], [3, 4]]))
        #expect(try NumericFiles.parseCSV("\u{FEFF}a,b\n1,2\n").colLabels == ["a", "b"])
        #expect(try NumericFiles.parseCSV("\u{FEFF}은행,1,2\n강가,3,4\n").rowLabels == ["은행", "강가"])
    }

    @Test func csvErrorsNameTheLine() throws {
        let ragged = #expect(throws: TensorError.self) { try NumericFiles.parseCSV("1,2\n3,4\n5\n", source: "d.csv") }
        #expect(ragged?.message.contains("d.csv line 3") == true)
        let word = #expect(throws: TensorError.self) { try NumericFiles.parseCSV("1,2\n3,x\n") }
        #expect(word?.message.contains("line 2, field 2") == true)
        #expect(throws: TensorError.self) { try NumericFiles.parseCSV("") }
        #expect(throws: TensorError.self) { try NumericFiles.parseCSV("a,b\n") }
        let header = #expect(throws: TensorError.self) { try NumericFiles.parseCSV("a,b,c\n1,2\n") }
        #expect(header?.message.contains("line 2") == true)
        #expect(throws: TensorError.self) { try NumericFiles.parseCSV("\"open,1\n") }
    }

    /// The entry limit stops a read before the rest of the file is parsed (5 million one-word
    /// lines took 580 MB before the limit was checked on the finished table), and counts only
    /// numbers: a header and row labels do not count.
    /// The lesson's clock is read while a CSV is parsed (a red-team pass: two loads of a 10 MB
    /// file ran 3 s past the limit); a small file never looks at it.
    @Test func theTimeLimitStopsTheRead() throws {
        let text = (0..<10_000).map { "t\($0),1" }.joined(separator: "\n")
        let past = Deadline(date: Date(timeIntervalSinceNow: -1), seconds: 10)
        #expect(throws: TensorError("the lesson ran over its time limit of 10 s while computing load() of big.csv (raise it with --max-seconds)")) {
            try NumericFiles.parseCSV(text, source: "big.csv", deadline: past)
        }
        #expect(try NumericFiles.parseCSV("a,1\nb,2", source: "small.csv", deadline: past).shape == [2, 1])
    }

    /// A number past the largest Double is an error, as in an expression (it read as ∞
    /// silently; a red-team pass); `inf` written as such stays ∞ (a mask's −∞).
    @Test func numbersTooLargeAreErrors() throws {
        #expect(throws: TensorError("x.csv line 2, field 2: '1e999' is too large for a number (beyond ±1.8e308)")) {
            try NumericFiles.parseCSV("a,1\nb,1e999\n", source: "x.csv")
        }
        #expect(throws: TensorError.self) { try NumericFiles.parseCSV("-" + String(repeating: "9", count: 400) + ",1\n", source: "y.csv") }
        #expect(try NumericFiles.parseCSV("-inf,0\n0,Infinity\n", source: "z.csv").data == [-.infinity, 0, 0, .infinity])
    }

    @Test func theEntryLimitStopsTheRead() throws {
        let tooMany = "d.csv holds more than 4 numbers, over the limit of 4 entries (raise it with --max-entries)"
        #expect(throws: TensorError(tooMany)) { try NumericFiles.parseCSV("1,2\n3,4\n5,6\n", source: "d.csv", maxEntries: 4) }
        #expect(try NumericFiles.parseCSV("1,2\n3,4\n", maxEntries: 4).count == 4)
        let labelled = try NumericFiles.parseCSV("w,a,b\nx,1,2\ny,3,4\n", maxEntries: 4)
        #expect(labelled.rowLabels == ["x", "y"] && labelled.colLabels == ["a", "b"] && labelled.data == [1, 2, 3, 4])
        // A header of words over rows that are not all labelled: every field below is a number.
        #expect(throws: TensorError("m.csv line 2, field 1: expected a number, found 'x'")) {
            try NumericFiles.parseCSV("a,b\nx,1\n2,3\n", source: "m.csv")
        }
        #expect(throws: TensorError("v.txt holds more than 3 numbers, over the limit of 3 entries (raise it with --max-entries)")) {
            try NumericFiles.parseWordVectors("a 1 2\nb 3 4\n", source: "v.txt", maxEntries: 3)
        }
        #expect(try NumericFiles.parseWordVectors("2 2\na 1 2\nb 3 4\n", maxEntries: 4).tokens == ["a", "b"])
        // A file of one-word lines stops at its first line.
        let words = String(repeating: "a\n", count: 200_000)
        #expect(throws: TensorError("w.txt line 1: expected a token followed by its numbers, found only 'a'")) {
            try NumericFiles.parseWordVectors(words, source: "w.txt")
        }
        #expect(throws: TensorError("w.csv holds more than 1000 numbers, over the limit of 1000 entries (raise it with --max-entries)")) {
            try NumericFiles.parseCSV(String(repeating: "1\n", count: 200_000), source: "w.csv", maxEntries: 1000)
        }
    }

    /// A file of one long line stops within it (a red-team pass: a 9.9 MB CSV of one line took
    /// 434 MB and 6.8 s, a word-vector line of 5 million numbers 377 MB, before the limit was
    /// looked at): the first row is split only a field past what the limit allows, a header's
    /// words included. Counted by hand: 1000 entries allow a first row of 1002 fields.
    @Test func aLongLineStopsTheReadWithinIt() throws {
        let tooMany = "l.csv holds more than 1000 numbers, over the limit of 1000 entries (raise it with --max-entries)"
        let line = Array(repeating: "1", count: 1_003).joined(separator: ",")
        // The 'x' at its end is never reached: the read stops first.
        #expect(throws: TensorError(tooMany)) { try NumericFiles.parseCSV(line + ",x\n", source: "l.csv", maxEntries: 1000) }
        let header = Array(repeating: "a", count: 1_003).joined(separator: ",")
        #expect(throws: TensorError(tooMany)) { try NumericFiles.parseCSV(header + "\n" + line + "\n", source: "l.csv", maxEntries: 1000) }
        // Just within: a label and 1000 numbers under a header of 1000 names.
        let names = (1...1000).map { "c\($0)" }.joined(separator: ",")
        let row = "x," + Array(repeating: "2", count: 1000).joined(separator: ",")
        let read = try NumericFiles.parseCSV("," + names + "\n" + row + "\n", maxEntries: 1000)
        #expect(read.shape == [1, 1000] && read.rowLabels == ["x"] && read.colLabels?.last == "c1000")
        let vectors = "w " + Array(repeating: "1", count: 1_001).joined(separator: " ")
        #expect(throws: TensorError("v.txt holds more than 1000 numbers, over the limit of 1000 entries (raise it with --max-entries)")) {
            try NumericFiles.parseWordVectors(vectors + " x\n", source: "v.txt", maxEntries: 1000)
        }
        #expect(try NumericFiles.parseWordVectors("w " + Array(repeating: "1", count: 1000).joined(separator: " "), maxEntries: 1000).matrix.shape == [1, 1000])
        // A later row longer than the first is counted as it was, without being split whole.
        #expect(throws: TensorError("v.txt line 2: expected a token and 2 numbers like line 1, found 5 numbers")) {
            try NumericFiles.parseWordVectors("a 1 2\nb 1 2 3\t4  5\n", source: "v.txt")
        }
    }

    // MARK: word vectors

    @Test func gloveAndWord2vecText() throws {
        let glove = try NumericFiles.parseWordVectors("the 0.1 0.2 -0.3\n강가 1 2 3\n\n")
        #expect(glove.tokens == ["the", "강가"] && glove.dimension == 3)
        #expect(glove.matrix.data == [0.1, 0.2, -0.3, 1, 2, 3])
        let w2v = try NumericFiles.parseWordVectors("2 2\ncat 1 0\ndog\t0 1\n")
        #expect(w2v.tokens == ["cat", "dog"] && w2v.matrix.data == [1, 0, 0, 1])
        // "2 5" cannot be a word2vec header (rows would need 6 fields): it is the GloVe row of the token "2".
        let notHeader = try NumericFiles.parseWordVectors("2 5\nx 1\n")
        #expect(notHeader.tokens == ["2", "x"])
    }

    @Test func wordVectorErrorsNameTheLine() throws {
        let ragged = #expect(throws: TensorError.self) { try NumericFiles.parseWordVectors("a 1 2\nb 1 2\nc 1\n", source: "v.txt") }
        #expect(ragged?.message.contains("v.txt line 3") == true)
        #expect(ragged?.message.contains("2 numbers like line 1") == true)
        let nan = #expect(throws: TensorError.self) { try NumericFiles.parseWordVectors("a 1 2\nb 1 two\n") }
        #expect(nan?.message.contains("line 2, field 3") == true)
        let dup = #expect(throws: TensorError.self) { try NumericFiles.parseWordVectors("a 1\nb 2\na 3\n") }
        #expect(dup?.message.contains("line 1") == true)
        let count = #expect(throws: TensorError.self) { try NumericFiles.parseWordVectors("3 2\na 1 2\nb 3 4\n") }
        #expect(count?.message.contains("announces 3") == true)
        #expect(throws: TensorError.self) { try NumericFiles.parseWordVectors("\n\n") }
        #expect(throws: TensorError.self) { try NumericFiles.parseWordVectors("lonely\n") }
    }

    @Test func loadChoosesByExtension() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("stepmark-nf-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let npyURL = dir.appendingPathComponent("m.npy")
        try Data(base64Encoded: NPY.f8Matrix)!.write(to: npyURL)
        #expect(try NumericFiles.load(contentsOf: npyURL).shape == [2, 3])
        let csvURL = dir.appendingPathComponent("m.csv")
        try Data("1,2\n".utf8).write(to: csvURL)
        #expect(try NumericFiles.load(contentsOf: csvURL) == Tensor.matrix([[1, 2]]))
        #expect(throws: TensorError.self) { try NumericFiles.load(contentsOf: dir.appendingPathComponent("m.json")) }
        #expect(throws: TensorError.self) { try NumericFiles.load(contentsOf: dir.appendingPathComponent("missing.npy")) }
    }
}
