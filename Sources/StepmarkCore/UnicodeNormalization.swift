@_spi(_Unicode) import Swift

// Unicode canonical normalization from the Swift standard library itself (the tables it uses to
// compare strings), instead of Foundation's `precomposedStringWithCanonicalMapping` and
// `decomposedStringWithCanonicalMapping`: those live in full Foundation, whose ICU data stepmark no
// longer links (issue 13). `_nfcCodeUnits` is public; `_nfd` is the standard library's `_Unicode`
// SPI, the same one swift-experimental-string-processing uses. The tokenizer tests compare both
// with Python's `unicodedata` results written into the tests.
extension StringProtocol {
    /// Canonical composition (NFC): `한` written as three jamo becomes the one scalar U+D55C.
    public var canonicallyComposed: String {
        String(decoding: String(self)._nfcCodeUnits, as: UTF8.self)
    }

    /// Canonical decomposition (NFD): `é` becomes `e` and U+0301.
    public var canonicallyDecomposed: String {
        var scalars = String.UnicodeScalarView()
        for s in String(self)._nfd { scalars.append(s) }
        return String(scalars)
    }
}
