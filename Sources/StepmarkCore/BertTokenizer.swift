import FoundationEssentials

/// BERT's tokenizer as Hugging Face's `BertTokenizer` runs it: the `BasicTokenizer` (clean,
/// split CJK ideographs, lower-case and strip accents, split punctuation) then `WordPiece`
/// (greedy longest match first, continuation pieces marked `##`), then `[CLS] … [SEP]`.
///
/// Everything works on Unicode scalars, as Python's `str` does: after NFD, "은행" is six
/// conjoining jamo, and a word's length (the 100-character rule) counts scalars. Vocabulary
/// lookups compare scalars exactly (Swift's `String ==` would treat a jamo sequence and its
/// composed syllable as equal; Python does not).
public struct BertTokenizer: Sendable {
    /// `tokenizer_config.json`'s switches (each defaults to true when absent; `stripAccents`
    /// unset follows `lowerCase`, as in `BasicTokenizer`).
    public var lowerCase = true
    public var stripAccents: Bool? = nil
    public var splitChineseCharacters = true
    /// Words longer than this many scalars become `[UNK]` (BERT: 100).
    public var maxCharactersPerWord = 100
    public let unknown = "[UNK]", classify = "[CLS]", separator = "[SEP]"

    /// The vocabulary in id order (`vocab.txt`, one token per line).
    public let tokens: [String]
    private let ids: [ExactText: Int]

    /// What the tokenizer did to one text, step by step.
    public struct Steps: Sendable, Equatable {
        /// The text after cleaning, CJK splitting, lower-casing and accent stripping.
        public var normalized: String
        /// The basic tokenizer's words (after the punctuation split).
        public var words: [String]
        /// `[CLS]`, the WordPiece pieces (truncated), `[SEP]`.
        public var tokens: [String]
        public var ids: [Int]
        /// True when pieces were dropped to fit `maxTokens`.
        public var truncated: Bool
    }

    /// - Throws: when the vocabulary lacks `[UNK]`, `[CLS]` or `[SEP]`.
    public init(vocabulary: [String]) throws {
        var ids: [ExactText: Int] = [:]
        ids.reserveCapacity(vocabulary.count)
        // As BERT's load_vocab: a token that appears twice keeps its last id.
        for (i, t) in vocabulary.enumerated() { ids[ExactText(t)] = i }
        self.tokens = vocabulary
        self.ids = ids
        for special in [unknown, classify, separator] where ids[ExactText(special)] == nil {
            throw TensorError("the vocabulary has no \(special) token, so it is not a BERT vocabulary")
        }
    }

    /// Reads `vocab.txt`: one token per line, the line number (from 0) is the id. A trailing
    /// carriage return is dropped (so a file with CRLF line ends reads the same); the last line
    /// may end without a newline. Lines are cut on the bytes: splitting the String on
    /// Characters took most of the time of loading a model, and never split at `\r\n`,
    /// which is one Character.
    public init(vocabularyFile path: String) throws {
        // A file over the size limit says so (it was "not UTF-8 text", a red-team pass).
        let bytes: [UInt8]
        do {
            bytes = try RegularFile.read(path, maxBytes: Self.maxVocabularyBytes)
        } catch .tooLarge {
            throw TensorError("the vocabulary \(path) is larger than \(Self.maxVocabularyBytes / (1 << 20)) MB, the most a vocabulary may hold")
        } catch {
            throw TensorError("cannot read the vocabulary \(path) as UTF-8 text")
        }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw TensorError("cannot read the vocabulary \(path) as UTF-8 text")
        }
        var lines: [String] = []
        var start = 0
        func addLine(upTo end: Int) {
            let stop = end > start && bytes[end - 1] == 0x0D ? end - 1 : end
            lines.append(String(decoding: bytes[start..<stop], as: UTF8.self))
        }
        for i in bytes.indices where bytes[i] == 0x0A {
            addLine(upTo: i)
            start = i + 1
        }
        if start < bytes.count { addLine(upTo: bytes.count) }
        try self.init(vocabulary: lines)
    }

    /// The largest `vocab.txt` read (BERT's have 30,000 lines, some 230 KB; multilingual ones
    /// a few MB).
    public static let maxVocabularyBytes = 64 << 20

    public func id(of token: String) -> Int? { ids[ExactText(token)] }

    // MARK: Character classes (BERT's tokenization.py)

    /// `_is_whitespace`: space, tab, newline, carriage return, or category Zs.
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        s == " " || s == "\t" || s == "\n" || s == "\r" || s.properties.generalCategory == .spaceSeparator
    }

    /// Where the basic tokenizer cuts cleaned text into words. BERT's `whitespace_tokenize`
    /// is Python's `str.split()`, which after cleaning (control characters dropped, whitespace
    /// turned into spaces) still splits at the line and paragraph separators U+2028 and U+2029
    /// (categories Zl, Zp), which `_is_whitespace` does not count.
    static func separatesWords(_ s: Unicode.Scalar) -> Bool {
        isWhitespace(s) || s == "\u{2028}" || s == "\u{2029}"
    }

    /// `_is_control`: categories Cc and Cf, except tab, newline and carriage return (whitespace).
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        if s == "\t" || s == "\n" || s == "\r" { return false }
        let c = s.properties.generalCategory
        return c == .control || c == .format
    }

    /// `_is_punctuation`: the ASCII ranges 33–47, 58–64, 91–96, 123–126, or category P*.
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) { return true }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }

    /// `_is_chinese_char`: the CJK Unified Ideographs blocks and their extensions and
    /// compatibility blocks. Hangul and kana are not among them.
    static func isCJKIdeograph(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F: return true
        default: return false
        }
    }

    // MARK: The basic tokenizer

    /// `_clean_text` then `_tokenize_chinese_chars`: drops U+0000, U+FFFD and control/format
    /// characters, turns every whitespace character into a space, and (when
    /// `splittingIdeographs`) puts spaces around CJK ideographs. Cased WordPiece
    /// (`Tokenizer.wordPiece`) cleans its text with this too.
    static func clean(_ text: String, splittingIdeographs: Bool) -> String.UnicodeScalarView {
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if s.value == 0 || s.value == 0xFFFD || Self.isControl(s) { continue }
            if Self.isWhitespace(s) { out.append(" "); continue }
            if splittingIdeographs && Self.isCJKIdeograph(s) {
                out.append(" "); out.append(s); out.append(" ")
            } else {
                out.append(s)
            }
        }
        return out
    }

    /// Lower-casing (Python's `str.lower`, the full Unicode mapping) and accent stripping (NFD,
    /// then drop every nonspacing mark, category Mn) of one whitespace-separated word.
    func normalizeWord(_ word: String) -> String {
        var w = word
        if lowerCase { w = w.lowercased() }
        if stripAccents ?? lowerCase {
            var kept = String.UnicodeScalarView()
            for s in w.canonicallyDecomposed.unicodeScalars where s.properties.generalCategory != .nonspacingMark {
                kept.append(s)
            }
            w = String(kept)
        }
        return w
    }

    /// `BasicTokenizer.tokenize`: the normalised text and its words (punctuation split off).
    /// Like transformers' BasicTokenizer, the cleaned text is NFC-composed before it is split
    /// into words (so accent stripping sees whole characters and decomposes them itself).
    public func basic(_ text: String) -> (normalized: String, words: [String]) {
        let cleaned = String(Self.clean(text, splittingIdeographs: splitChineseCharacters)).canonicallyComposed
        var normalizedWords: [String] = []
        var words: [String] = []
        for chunk in cleaned.unicodeScalars.split(whereSeparator: Self.separatesWords) {
            let word = normalizeWord(String(String.UnicodeScalarView(chunk)))
            normalizedWords.append(word)
            var current = String.UnicodeScalarView()
            for s in word.unicodeScalars {
                if Self.isPunctuation(s) {
                    if !current.isEmpty { words.append(String(current)); current = String.UnicodeScalarView() }
                    words.append(String(s))
                } else if Self.isWhitespace(s) {
                    // Lower-casing never makes whitespace, but keep the final whitespace split.
                    if !current.isEmpty { words.append(String(current)); current = String.UnicodeScalarView() }
                } else {
                    current.append(s)
                }
            }
            if !current.isEmpty { words.append(String(current)) }
        }
        return (normalizedWords.joined(separator: " "), words)
    }

    // MARK: WordPiece

    /// `WordpieceTokenizer.tokenize` of one word: greedy longest match first over scalars;
    /// pieces after the first carry `##`; a word with no match at some position, or longer
    /// than `maxCharactersPerWord` scalars, is one `[UNK]`.
    public func wordPiece(_ word: String) -> [String] {
        let scalars = Array(word.unicodeScalars)
        if scalars.count > maxCharactersPerWord { return [unknown] }
        var pieces: [String] = []
        var start = 0
        while start < scalars.count {
            var end = scalars.count
            var found: String? = nil
            while start < end {
                var piece = String.UnicodeScalarView()
                if start > 0 { piece.append(contentsOf: "##".unicodeScalars) }
                piece.append(contentsOf: scalars[start..<end])
                let candidate = String(piece)
                if ids[ExactText(candidate)] != nil { found = candidate; break }
                end -= 1
            }
            guard let found else { return [unknown] }
            pieces.append(found)
            start = end
        }
        return pieces
    }

    /// The whole tokenizer: basic, WordPiece, keep at most `maxTokens − 2` pieces (the
    /// sentence-transformers truncation), then `[CLS] … [SEP]` and the ids.
    /// - Throws: when `maxTokens < 2`.
    public func tokenize(_ text: String, maxTokens: Int = 512) throws -> Steps {
        guard maxTokens >= 2 else { throw TensorError("max_tokens must be at least 2 ([CLS] and [SEP]), got \(maxTokens)") }
        let (normalized, words) = basic(text)
        var pieces: [String] = []
        for w in words { pieces.append(contentsOf: wordPiece(w)) }
        let truncated = pieces.count > maxTokens - 2
        if truncated { pieces.removeLast(pieces.count - (maxTokens - 2)) }
        let all = [classify] + pieces + [separator]
        let unkID = id(of: unknown)!
        return Steps(normalized: normalized, words: words, tokens: all,
                     ids: all.map { id(of: $0) ?? unkID }, truncated: truncated)
    }
}
