/// Numbers as decimal text, natively: the same characters as C's `printf("%.*f")` and
/// `printf("%.*e")` (so every page stays byte-identical), without Foundation's `String(format:)`,
/// which parses a format string and goes through `vsnprintf` for each of the thousands of cells
/// a course shows.
///
/// How it rounds exactly: Swift's `description` gives the shortest digits `s` that read back as
/// the double `v`. Rounding `s` at a digit gives the same result as rounding `v` there, except
/// when the dropped part of `s` is exactly `5`: the midpoint `m` then *is* `s`, and only the exact
/// binary value says whether `v` lies above, below or on it (a shorter midpoint strictly between
/// `s` and `v` is impossible: it would read back as `v` too, and it is shorter than `s`). That
/// one case compares `v = M·2ᵉ` with `m = N·10^q` in exact integer arithmetic, and breaks a true
/// tie to the even digit, as glibc does.
public enum DecimalFormat {
    /// `x` with `digits` digits after the point, as `String(format: "%.{digits}f", x)`:
    /// `0.5774`, `-0.0000` (the sign of a negative number that rounds to zero is kept), `nan`,
    /// `inf`, `-inf`.
    public static func fixed(_ x: Double, digits: Int) -> String {
        if let special = special(x) { return special }
        let p = max(0, digits)
        var out = x.sign == .minus ? "-" : ""
        guard x != 0 else { return out + zeros(p) }
        if let fast = fixedFast(x.magnitude, digits: p) { return out + fast }
        var d = decimal(of: x.magnitude)
        // Keep the digits down to 10^-p: `keep` of them (the first is at 10^(exponent-1)).
        var keep = d.exponent + p
        if keep > maxShortDigits || x.isSubnormal {
            // Past 15 significant digits printf shows the exact binary expansion, not zeros.
            d = exactDecimal(of: x.magnitude)
            keep = d.exponent + p
        }
        var kept: [UInt8]
        if keep < 0 {
            kept = []
        } else if keep >= d.digits.count {
            kept = d.digits + [UInt8](repeating: 0, count: keep - d.digits.count)
        } else {
            kept = Array(d.digits[0..<keep])
            if roundsUp(x.magnitude, d, at: keep) { increment(&kept) }
        }
        // kept holds the number × 10^p as digits (possibly one longer after a carry).
        if kept.count <= p { kept = [UInt8](repeating: 0, count: p + 1 - kept.count) + kept }
        let integerCount = kept.count - p
        for k in 0..<integerCount { out.unicodeScalars.append(Unicode.Scalar(48 + kept[k])) }
        if p > 0 {
            out += "."
            for k in integerCount..<kept.count { out.unicodeScalars.append(Unicode.Scalar(48 + kept[k])) }
        }
        return out
    }

    /// `x` in scientific notation with `digits` digits after the point, as
    /// `String(format: "%.{digits}e", x)`: `1.2346e+09`, `-5.0e-324` for digits 1.
    public static func scientific(_ x: Double, digits: Int) -> String {
        if let special = special(x) { return special }
        let p = max(0, digits)
        var out = x.sign == .minus ? "-" : ""
        var digitsOut: [UInt8]
        var exponent: Int
        if x == 0 {
            digitsOut = [UInt8](repeating: 0, count: p + 1)
            exponent = 0
        } else {
            let keep = p + 1
            // Past 15 significant digits printf shows the exact binary expansion, not zeros.
            let d = keep > maxShortDigits || x.isSubnormal ? exactDecimal(of: x.magnitude) : decimal(of: x.magnitude)
            exponent = d.exponent - 1
            if keep >= d.digits.count {
                digitsOut = d.digits + [UInt8](repeating: 0, count: keep - d.digits.count)
            } else {
                digitsOut = Array(d.digits[0..<keep])
                if roundsUp(x.magnitude, d, at: keep) { increment(&digitsOut) }
                if digitsOut.count > keep {  // 9.99… rounded up to 10.0…
                    digitsOut.removeLast()
                    exponent += 1
                }
            }
        }
        out.unicodeScalars.append(Unicode.Scalar(48 + digitsOut[0]))
        if p > 0 {
            out += "."
            for k in 1..<digitsOut.count { out.unicodeScalars.append(Unicode.Scalar(48 + digitsOut[k])) }
        }
        out += exponent < 0 ? "e-" : "e+"
        let e = exponent.magnitude
        if e < 10 { out += "0" }
        out += String(e)
        return out
    }

    /// `x` as `String(format: "%.{significant}g", x)`: scientific notation when the rounded
    /// exponent is below −4 or at least `significant`, fixed otherwise; trailing zeros removed.
    public static func general(_ x: Double, significant: Int) -> String {
        if let special = special(x) { return special }
        let p = max(1, significant)
        let sci = scientific(x, digits: p - 1)
        // The exponent after rounding to p significant digits decides the style.
        let eIndex = sci.lastIndex(of: "e")!
        let exponent = Int(sci[sci.index(after: eIndex)...])!
        func stripped(_ s: Substring) -> String {
            guard s.contains(".") else { return String(s) }
            var t = s
            while t.last == "0" { t.removeLast() }
            if t.last == "." { t.removeLast() }
            return String(t)
        }
        if exponent < -4 || exponent >= p {
            return stripped(sci[..<eIndex]) + sci[eIndex...]
        }
        return stripped(Substring(fixed(x, digits: p - 1 - exponent)))
    }

    /// `value` as two lowercase (or uppercase) hexadecimal digits, as `%02x` (`%02X`).
    public static func hexByte(_ value: UInt8, uppercase: Bool = false) -> String {
        let alphabet = Array((uppercase ? "0123456789ABCDEF" : "0123456789abcdef").unicodeScalars)
        var out = ""
        out.unicodeScalars.append(alphabet[Int(value >> 4)])
        out.unicodeScalars.append(alphabet[Int(value & 0xF)])
        return out
    }

    /// Powers of ten that are exact doubles.
    static let powersOfTen: [Double] = (0...15).map { k in (0..<k).reduce(1.0) { r, _ in r * 10 } }

    /// The common case of `fixed` in integer arithmetic: s = v·10^p is computed with an error of
    /// at most half an ulp of s (10^p is exact), so when s is more than an ulp away from a
    /// half-integer, rounding s gives the same integer as rounding the exact v·10^p. Nil when it
    /// might not (a near-tie, or s too large for exact integers): the exact path decides.
    static func fixedFast(_ v: Double, digits p: Int) -> String? {
        guard p < powersOfTen.count else { return nil }
        let s = v * powersOfTen[p]
        guard s < 1e15 else { return nil }
        let n = s.rounded()
        guard abs(abs(s - n) - 0.5) > 2 * s.ulp else { return nil }
        // The digits of n (at least p + 1 of them, zeros in front) with a point before the last
        // p, written straight into the string's bytes: this runs once per shown cell.
        let value = UInt64(n)
        var digitCount = 1
        var rest = value
        while rest >= 10 { rest /= 10; digitCount += 1 }
        let total = Swift.max(digitCount, p + 1)
        let length = total + (p > 0 ? 1 : 0)
        return String(unsafeUninitializedCapacity: length) { bytes in
            var v = value
            var i = length - 1
            for written in 0..<total {
                if p > 0 && written == p { bytes[i] = UInt8(ascii: "."); i -= 1 }
                bytes[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
                v /= 10
                i -= 1
            }
            return length
        }
    }

    // MARK: - digits

    /// Up to this many significant digits, rounding the shortest digits (zeros after them) is
    /// exact for a normal double: its relative half-ulp (2^-53 ≈ 1.1e-16) is less than the
    /// distance from a 15-digit decimal to the nearest midpoint one digit further (more than
    /// 0.5·10^-15 relative). Subnormals, with fewer bits, always take the exact path.
    static let maxShortDigits = 15

    /// All the decimal digits of a positive finite `v` (a double is a finite binary fraction,
    /// so its expansion ends), with `v = 0.d₁d₂… × 10^exponent`.
    static func exactDecimal(of v: Double) -> (digits: [UInt8], exponent: Int) {
        let m: UInt64 = v.isSubnormal ? v.significandBitPattern : v.significandBitPattern | (1 << 52)
        let e = v.isSubnormal ? -1074 : Int(v.exponent) - 52
        var n = BigDigits(m)
        var shift = 0
        if e >= 0 {
            n.shiftLeft(e)
        } else {
            // M·2^e = M·5^k / 10^k with k = −e.
            for _ in 0..<(-e) { n.multiply(by: 5) }
            shift = -e
        }
        var digits = n.decimalDigits()
        let exponent = digits.count - shift
        while let last = digits.last, last == 0 { digits.removeLast() }
        return (digits, exponent)
    }

    static func special(_ x: Double) -> String? {
        if x.isNaN { return x.sign == .minus ? "-nan" : "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        return nil
    }

    static func zeros(_ p: Int) -> String {
        p == 0 ? "0" : "0." + String(repeating: "0", count: p)
    }

    /// The shortest decimal digits of a positive finite `v` (no leading or trailing zeros) and
    /// the exponent with `v = 0.d₁d₂… × 10^exponent`.
    static func decimal(of v: Double) -> (digits: [UInt8], exponent: Int) {
        // `description` is "123.45", "0.001", "1e-05", "1.2345e+20" or "5e-324".
        var digits: [UInt8] = []
        var pointAt: Int? = nil
        var exponent = 0
        var sawE = false
        var exponentSign = 1
        for byte in v.description.utf8 {
            if sawE {
                if byte == UInt8(ascii: "-") { exponentSign = -1 } else if byte != UInt8(ascii: "+") {
                    exponent = exponent * 10 + Int(byte - 48)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "."): pointAt = digits.count
            case UInt8(ascii: "e"): sawE = true
            default: digits.append(byte - 48)
            }
        }
        var decimalExponent = (pointAt ?? digits.count) + exponentSign * exponent
        while let first = digits.first, first == 0 { digits.removeFirst(); decimalExponent -= 1 }
        while let last = digits.last, last == 0 { digits.removeLast() }
        return (digits, decimalExponent)
    }

    /// Whether `v`, with shortest digits `d`, rounds up when only its first `keep` digits stay.
    static func roundsUp(_ v: Double, _ d: (digits: [UInt8], exponent: Int), at keep: Int) -> Bool {
        let next = d.digits[keep]
        if next != 5 { return next > 5 }
        // 5 and more digits: above the midpoint (for shortest digits too, see the type's note).
        if keep + 1 < d.digits.count { return true }
        // The shortest digits end on the midpoint: compare the exact binary value with it.
        let midpoint = d.digits  // m = N · 10^q, N the digits as an integer
        let q = d.exponent - midpoint.count
        switch compareExactly(v, digits: midpoint, tenPower: q) {
        case 1: return true
        case -1: return false
        default: return keep > 0 ? d.digits[keep - 1] % 2 == 1 : false  // a tie: to even
        }
    }

    /// The sign of `v − N·10^q`, computed exactly (`N` given by its decimal digits).
    static func compareExactly(_ v: Double, digits: [UInt8], tenPower q: Int) -> Int {
        // v = M · 2^e exactly.
        let m: UInt64 = v.isSubnormal ? v.significandBitPattern : v.significandBitPattern | (1 << 52)
        let e = v.isSubnormal ? -1074 : Int(v.exponent) - 52
        var left = BigDigits(m)
        var right = BigDigits(0)
        for digit in digits { right.multiply(by: 10); right.add(UInt32(digit)) }
        if e > 0 { left.shiftLeft(e) } else { right.shiftLeft(-e) }
        if q > 0 { for _ in 0..<q { right.multiply(by: 10) } } else { for _ in 0..<(-q) { left.multiply(by: 10) } }
        return BigDigits.compare(left, right)
    }

    /// Adds one to the last digit, carrying (may grow by one digit in front).
    static func increment(_ digits: inout [UInt8]) {
        var k = digits.count - 1
        while k >= 0 {
            if digits[k] == 9 { digits[k] = 0; k -= 1 } else { digits[k] += 1; return }
        }
        digits.insert(1, at: 0)
    }
}

/// A small unsigned big integer (32-bit limbs, least significant first), just enough for the
/// exact midpoint comparison: values up to 2^1074 · 10^340.
struct BigDigits {
    var limbs: [UInt32]

    init(_ value: UInt64) {
        limbs = [UInt32(truncatingIfNeeded: value), UInt32(truncatingIfNeeded: value >> 32)]
        trim()
    }

    mutating func trim() { while let last = limbs.last, last == 0 { limbs.removeLast() } }

    mutating func multiply(by factor: UInt32) {
        var carry: UInt64 = 0
        for i in limbs.indices {
            let product = UInt64(limbs[i]) * UInt64(factor) + carry
            limbs[i] = UInt32(truncatingIfNeeded: product)
            carry = product >> 32
        }
        if carry > 0 { limbs.append(UInt32(carry)) }
    }

    mutating func add(_ value: UInt32) {
        var carry = UInt64(value)
        var i = 0
        while carry > 0 {
            if i == limbs.count { limbs.append(0) }
            let sum = UInt64(limbs[i]) + carry
            limbs[i] = UInt32(truncatingIfNeeded: sum)
            carry = sum >> 32
            i += 1
        }
    }

    /// Divides in place by `divisor`, returning the remainder.
    mutating func divide(by divisor: UInt32) -> UInt32 {
        var remainder: UInt64 = 0
        for i in stride(from: limbs.count - 1, through: 0, by: -1) {
            let current = (remainder << 32) | UInt64(limbs[i])
            limbs[i] = UInt32(current / UInt64(divisor))
            remainder = current % UInt64(divisor)
        }
        trim()
        return UInt32(remainder)
    }

    /// The decimal digits, most significant first (`[0]` for zero).
    func decimalDigits() -> [UInt8] {
        var n = self
        var chunks: [UInt32] = []
        while !n.limbs.isEmpty { chunks.append(n.divide(by: 1_000_000_000)) }
        guard let top = chunks.last else { return [0] }
        var out = String(top).utf8.map { $0 - 48 }
        for chunk in chunks.dropLast().reversed() {
            let text = String(chunk).utf8.map { $0 - 48 }
            out += [UInt8](repeating: 0, count: 9 - text.count) + text
        }
        return out
    }

    mutating func shiftLeft(_ bits: Int) {
        guard !limbs.isEmpty, bits > 0 else { return }
        let whole = bits / 32, part = bits % 32
        if part > 0 {
            var carry: UInt32 = 0
            for i in limbs.indices {
                let next = limbs[i] >> (32 - part)
                limbs[i] = (limbs[i] << part) | carry
                carry = next
            }
            if carry > 0 { limbs.append(carry) }
        }
        limbs.insert(contentsOf: [UInt32](repeating: 0, count: whole), at: 0)
    }

    /// -1, 0 or 1 as a < b, a == b, a > b.
    static func compare(_ a: BigDigits, _ b: BigDigits) -> Int {
        if a.limbs.count != b.limbs.count { return a.limbs.count < b.limbs.count ? -1 : 1 }
        for i in stride(from: a.limbs.count - 1, through: 0, by: -1) where a.limbs[i] != b.limbs[i] {
            return a.limbs[i] < b.limbs[i] ? -1 : 1
        }
        return 0
    }
}
