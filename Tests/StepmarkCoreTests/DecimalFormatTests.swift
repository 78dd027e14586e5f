import Foundation
import Testing
@testable import StepmarkCore

/// DecimalFormat must write exactly what C's printf writes (the rendered course stays
/// byte-identical). The expected strings come from python3's `%` formatting, which rounds the
/// exact binary value correctly, as glibc does — an independent implementation.
@Suite struct DecimalFormatTests {
    /// Lines of `bits fixed0 fixed2 fixed4 fixed15 sci4 general3` from python3 for numbers that
    /// stress rounding: ties on every decimal place (x.5, x.125, 0.165, 2.675), values just
    /// either side of them, powers of ten, carries (9.99995), tiny and huge magnitudes,
    /// subnormals, negative zero and random doubles of many sizes.
    static let cases: [[String]] = {
        let script = #"""
            import random, struct
            random.seed(12)
            xs = [0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, 0.165, 2.675, 1.005, 0.00005, 0.00015,
                  0.99995, 9.99995, -0.00004, 1e-5, 123456789.0, 999999999.5, 1e9, 1.23456789e12,
                  5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 0.2, 0.3, 1/3, 2/3,
                  0.57735, 0.7870, 0.1065, 0.26894142, 0.7310585786300049]
            for k in range(-8, 9):
                for m in (0.5, 1.5, 2.5, 12.5, 0.05, 0.005, 0.0005, 0.00005):
                    x = m * 10.0 ** k
                    xs += [x, -x, x * (1 + 2**-52), x * (1 - 2**-53)]
            for _ in range(3000):
                xs.append(random.uniform(-1, 1) * 10.0 ** random.randint(-12, 12))
            for _ in range(500):
                xs.append(struct.unpack('<d', struct.pack('<Q', random.getrandbits(64)))[0])
            for x in xs:
                if x != x or x in (float('inf'), float('-inf')):
                    continue
                bits = struct.unpack('<Q', struct.pack('<d', x))[0]
                print(bits, '%.0f' % x, '%.2f' % x, '%.4f' % x, '%.15f' % x, '%.4e' % x, '%.3g' % x)
            """#
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let out = Pipe()
        process.standardOutput = out
        try? process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    }()

    @Test func matchesPrintfOnThousandsOfNumbers() {
        #expect(Self.cases.count > 3000, "python3 produced no cases")
        var mismatches: [String] = []
        for c in Self.cases where c.count == 7 {
            let x = Double(bitPattern: UInt64(c[0])!)
            let ours = [DecimalFormat.fixed(x, digits: 0), DecimalFormat.fixed(x, digits: 2), DecimalFormat.fixed(x, digits: 4),
                        DecimalFormat.fixed(x, digits: 15), DecimalFormat.scientific(x, digits: 4), DecimalFormat.general(x, significant: 3)]
            if ours != Array(c[1...]) { mismatches.append("\(x): \(ours) vs \(Array(c[1...]))") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test func handWorkedCases() {
        // Exact ties go to the even digit; a double just above a tie goes up.
        #expect(DecimalFormat.fixed(0.5, digits: 0) == "0")
        #expect(DecimalFormat.fixed(2.5, digits: 0) == "2")
        #expect(DecimalFormat.fixed(0.125, digits: 2) == "0.12")
        // 0.165 is 0.16500000000000000777… in binary: above the midpoint.
        #expect(DecimalFormat.fixed(0.165, digits: 2) == "0.17")
        // 2.675 is 2.67499999999999982236…: below it.
        #expect(DecimalFormat.fixed(2.675, digits: 2) == "2.67")
        #expect(DecimalFormat.fixed(9.99995, digits: 4) == "10.0000")  // 9.99995000000000011…: a carry into a new digit
        #expect(DecimalFormat.fixed(99.99996, digits: 4) == "100.0000")
        #expect(DecimalFormat.fixed(-0.00001, digits: 4) == "-0.0000")
        #expect(DecimalFormat.scientific(1234567890, digits: 4) == "1.2346e+09")
        #expect(DecimalFormat.scientific(9.99999e9, digits: 2) == "1.00e+10")
        #expect(DecimalFormat.general(0.000123456, significant: 3) == "0.000123")
        #expect(DecimalFormat.general(1234567, significant: 3) == "1.23e+06")
        #expect(DecimalFormat.hexByte(0xAF) == "af" && DecimalFormat.hexByte(0x0A, uppercase: true) == "0A")
    }
}
