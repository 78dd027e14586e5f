import FoundationEssentials

/// Vectorised elementary functions for the softmax hot path.
public enum FastMath {
    private static let log2e = 1.4426950408889634
    private static let ln2Hi = 0.6931471803691238       // ln 2 with its low 32 bits cleared
    private static let ln2Lo = 1.9082149292705877e-10   // ln 2 − ln2Hi
    /// 1.5·2⁵²: adding it rounds a double to an integer held in the low mantissa bits.
    private static let shifter = 0x1.8p52

    /// `exp(x)` for eight lanes at once, within 2 ulp of glibc's `exp` on [−708, 709].
    ///
    /// x = k·ln 2 + r with k = round(x·log₂e) and |r| ≤ ln2/2, so exp(x) = 2ᵏ·exp(r); exp(r) is the
    /// Taylor polynomial of degree 13 (truncation error r¹⁴/14! < 3·10⁻¹⁸) evaluated by Horner's
    /// rule, and 2ᵏ is built from its exponent bits. Lanes outside [−708, 709] — −∞, results that
    /// are subnormal or overflow — are left to `Glibc.exp` by the caller.
    @inline(__always)
    static func exp8(_ x: SIMD8<Double>) -> SIMD8<Double> {
        let kShifted = x * log2e + shifter
        let k = kShifted - shifter
        let r = (x - k * ln2Hi) - k * ln2Lo
        var p = SIMD8<Double>(repeating: 1.0 / 6_227_020_800)   // 1/13!
        p = p * r + 1.0 / 479_001_600                            // 1/12!
        p = p * r + 1.0 / 39_916_800
        p = p * r + 1.0 / 3_628_800
        p = p * r + 1.0 / 362_880
        p = p * r + 1.0 / 40_320
        p = p * r + 1.0 / 5_040
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let kBits = unsafeBitCast(kShifted, to: SIMD8<UInt64>.self) &- shifter.bitPattern
        let scale = unsafeBitCast((kBits &+ 1023) &<< 52, to: SIMD8<Double>.self)
        return p * scale
    }

    /// Replaces every element of `buffer` by its exponential.
    public static func expInPlace(_ buffer: UnsafeMutableBufferPointer<Double>) {
        guard let base = buffer.baseAddress else { return }
        let n = buffer.count
        var i = 0
        let low = SIMD8<Double>(repeating: -708), high = SIMD8<Double>(repeating: 709)
        while i + 8 <= n {
            let x = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD8<Double>.self)
            if any(x .< low) || any(x .> high) || any(x .!= x) {
                for j in i..<(i + 8) { base[j] = Glibc.exp(base[j]) }
            } else {
                UnsafeMutableRawPointer(base + i).storeBytes(of: exp8(x), as: SIMD8<Double>.self)
            }
            i += 8
        }
        while i < n { base[i] = Glibc.exp(base[i]); i += 1 }
    }
}
