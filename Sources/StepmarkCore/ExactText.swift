/// Text compared and hashed by its Unicode scalars, as Python's `str` is: String's own == and
/// hash follow canonical equivalence (é as one scalar equals e and a combining accent), which
/// would merge distinct vocabulary entries or cache keys. Same scalars is same UTF-8 bytes, so
/// both are done on the bytes, without an array of scalars per text (which took half the time
/// of loading a model's vocabulary).
public struct ExactText: Hashable, Sendable {
    public var text: String
    public init(_ text: String) { self.text = text }
    public static func == (a: ExactText, b: ExactText) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }
    public func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
