import Testing
@testable import StepmarkCore

@Suite struct PixelsTests {
    private func message(_ body: () throws -> Tensor) -> String {
        do { _ = try body(); return "no error" } catch let e as TensorError { return e.message } catch { return "\(error)" }
    }

    @Test func rampMapsCharacterIToIOverNine() throws {
        let t = try Pixels.parse(lines: [" .:-=+*#%@"])
        #expect(t.shape == [1, 10])
        for i in 0..<10 { #expect(t.data[i] == Double(i) / 9) }
        #expect(Pixels.value(of: "@") == 1)
        #expect(Pixels.value(of: " ") == 0)
        #expect(Pixels.value(of: "x") == nil)
    }

    @Test func shortCharacterLinesArePaddedWithZeros() throws {
        // Trailing spaces lost by an editor: "@" stands for "@  ", "" for a dark row.
        let t = try Pixels.parse(lines: ["@@@", "@", "", " .@"])
        #expect(t.shape == [4, 3])
        #expect(t.data == [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1.0 / 9, 1])
        #expect(t.rowLabels == nil && t.colLabels == nil)
    }

    @Test func bodyStringDropsFinalNewlineAndCarriageReturns() throws {
        let t = try Pixels.parse("#%\r\n@ \r\n")
        #expect(t.shape == [2, 2])
        #expect(t.data == [7.0 / 9, 8.0 / 9, 1, 0])
        // A blank line in the middle is a row; only the piece after the final newline is dropped.
        #expect(try Pixels.parse("@\n\n@\n").shape == [3, 1])
        // Lines split at "\n" by a caller still hold "\r\n" as one Character.
        #expect(try Pixels.parse(lines: ["@.\r\n.@"]).data == [1, 1.0 / 9, 1.0 / 9, 1])
        // An all-space picture is a valid black picture.
        #expect(try Pixels.parse(lines: ["  "]).data == [0, 0])
    }

    @Test func numericRowsWithSpacesCommasAndTabs() throws {
        let t = try Pixels.parse("0 0.5, 1\n\n1,\t0.25 ,0\n")
        #expect(t.shape == [2, 3])
        #expect(t.data == [0, 0.5, 1, 1, 0.25, 0])
        #expect(try Pixels.parse(lines: ["1e-1 .5"]).data == [0.1, 0.5])
    }

    @Test func unknownCharacterNamesItWithLineAndColumn() {
        let m = message { try Pixels.parse(lines: ["@@@", "@.x"]) }
        #expect(m.contains("line 2, column 3"))
        #expect(m.contains("'x'"))
        let tab = message { try Pixels.parse(lines: [".\t."]) }
        #expect(tab.contains("line 1, column 2"))
        #expect(tab.contains("tab"))
    }

    @Test func numbersOutsideUnitIntervalAreErrors() {
        let high = message { try Pixels.parse(lines: ["0 0.5", "0.2 1.5"]) }
        #expect(high.contains("line 2, column 5"))
        #expect(high.contains("1.5") && high.contains("[0, 1]"))
        let low = message { try Pixels.parse(lines: ["-0.1 0"]) }
        #expect(low.contains("line 1, column 1") && low.contains("-0.1"))
        let nan = message { try Pixels.parse(lines: ["0 nan 1"]) }
        #expect(nan.contains("'nan' is not a number"))
        let word = message { try Pixels.parse(lines: ["0.5 abc"]) }
        #expect(word.contains("line 1, column 5") && word.contains("'abc'"))
    }

    @Test func raggedNumericRowsAreErrors() {
        let m = message { try Pixels.parse(lines: ["", "0 1 0", "1 0"]) }
        #expect(m.contains("line 3 has 2"))
        #expect(m.contains("line 2 has 3"))
    }

    @Test func emptyPictureIsAnError() {
        #expect(message { try Pixels.parse("") }.contains("empty"))
        #expect(message { try Pixels.parse(lines: []) }.contains("empty"))
        #expect(message { try Pixels.parse(lines: ["", ""]) }.contains("empty"))
    }

    @Test func stackFlattensRowMajorWithNames() throws {
        let a = Tensor.matrix([[0, 1], [0.5, 0]])
        let b = Tensor.matrix([[1, 1], [0, 0.25]])
        let s = try Pixels.stack(images: [(name: "cat", image: a), (name: "dog", image: b)])
        #expect(s.shape == [2, 4])
        #expect(s.data == [0, 1, 0.5, 0, 1, 1, 0, 0.25])
        #expect(s.rowLabels == ["cat", "dog"])
    }

    @Test func stackRejectsMismatchedSizesNamingBoth() {
        let m = message {
            try Pixels.stack(images: [(name: "cat", image: .zeros(2, 2)), (name: "dog", image: .zeros(3, 2))])
        }
        #expect(m.contains("'dog' is [3, 2]"))
        #expect(m.contains("'cat' is [2, 2]"))
        #expect(message { try Pixels.stack(images: []) }.contains("no images"))
    }
}
