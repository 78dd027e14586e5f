import FoundationEssentials

// MARK: - Vocabulary

/// An ordered list of tokens; a token's id is its position (0-based).
///
/// Tokens are compared after NFC normalisation, so a vocabulary written in decomposed Hangul
/// (NFD) finds the composed syllables a tokenizer produces.
public struct Vocabulary: Sendable, Equatable {
    /// The tokens, NFC-normalised, in id order.
    public let tokens: [String]
    private let index: [String: Int]

    /// - Throws: when a token is empty or appears twice (ids would be ambiguous); the message
    ///   names the token and both positions (1-based).
    public init(_ tokens: [String]) throws {
        var index: [String: Int] = [:]
        var normalised: [String] = []
        normalised.reserveCapacity(tokens.count)
        for (i, raw) in tokens.enumerated() {
            let t = Tokenizer.normalize(raw)
            guard !t.isEmpty else { throw TensorError("vocabulary entry \(i + 1) is an empty token") }
            if let j = index[t] {
                throw TensorError("vocabulary token '\(t)' appears twice (entries \(j + 1) and \(i + 1)); ids must be unique")
            }
            index[t] = i
            normalised.append(t)
        }
        self.tokens = normalised
        self.index = index
    }

    /// The vocabulary of a `vocab` block: tokens separated by any whitespace (spaces or lines).
    public init(parsing text: String) throws {
        try self.init(Tokenizer.whitespace(text))
    }

    public var count: Int { tokens.count }

    public func contains(_ token: String) -> Bool { index[token] != nil }

    /// The id of `token`, or nil when it is not in the vocabulary.
    public func id(of token: String) -> Int? { index[token] }

    /// The id of every token; a token outside the vocabulary gets the id of `unk`.
    /// - Throws: when a token is missing and `unk` is nil or not in the vocabulary either; the
    ///   message names the token and its 1-based position.
    public func ids(for tokens: [String], unk: String? = "[UNK]") throws -> [Int] {
        let unkID = unk.flatMap { index[$0] }
        return try tokens.enumerated().map { position, token in
            if let id = index[token] { return id }
            if let unkID { return unkID }
            if let unk {
                throw TensorError("token \(position + 1) '\(token)' is not in the vocabulary, and neither is the unknown token '\(unk)' to stand in for it")
            }
            throw TensorError("token \(position + 1) '\(token)' is not in the vocabulary")
        }
    }
}

// MARK: - Tokenizers

/// Tokenizers that work on grapheme clusters (Swift `Character`s) of NFC-normalised text, so a
/// Hangul syllable, an emoji with modifiers or a letter with combining marks is never split.
public enum Tokenizer {
    /// Unicode canonical composition (NFC). Every tokenizer applies it first: a decomposed
    /// `한` (U+1112 U+1161 U+11AB) becomes the single scalar U+D55C.
    public static func normalize(_ text: String) -> String {
        text.canonicallyComposed
    }

    /// Tokens separated by runs of whitespace (any `Character.isWhitespace`: spaces, tabs,
    /// line breaks, U+3000 …). Leading and trailing whitespace produce no empty tokens.
    public static func whitespace(_ text: String) -> [String] {
        normalize(text).split(whereSeparator: { $0.isWhitespace }).map(String.init)
    }

    /// One token per grapheme cluster; whitespace characters are dropped.
    public static func characters(_ text: String) -> [String] {
        normalize(text).filter { !$0.isWhitespace }.map { String($0) }
    }

    /// BERT's punctuation test (`_is_punctuation` in BERT's `tokenization.py`), applied to the
    /// first scalar of a grapheme cluster: the ASCII ranges 33–47, 58–64, 91–96 and 123–126
    /// (which include symbols such as `$ + < = > ^ \` | ~`) or any Unicode general category
    /// starting with P (connector, dash, open, close, initial, final, other punctuation).
    public static func isPunctuation(_ c: Character) -> Bool {
        c.unicodeScalars.first.map(BertTokenizer.isPunctuation) ?? false
    }

    /// Cased BERT's basic tokenizer on grapheme clusters, as the SPEC fixes it: clean the text
    /// as BERT's `_clean_text` does (drop U+0000, U+FFFD and control and format characters,
    /// Unicode Cc/Cf such as U+00AD or U+200B, but keep tab and line breaks as whitespace), put
    /// spaces around every CJK ideograph (`_tokenize_chinese_chars`; Hangul and kana are not
    /// ideographs), compose (NFC), split on whitespace, then split off every punctuation
    /// character as a word of its own. No lower-casing, no accent stripping.
    /// `"unaffable, running!"` → `["unaffable", ",", "running", "!"]`;
    /// `"中国 play\u{200B}ing"` → `["中", "国", "playing"]`.
    public static func bertPreTokenize(_ text: String) -> [String] {
        let cleaned = String(BertTokenizer.clean(text, splittingIdeographs: true)).canonicallyComposed
        var words: [String] = []
        for chunk in cleaned.unicodeScalars.split(whereSeparator: BertTokenizer.separatesWords) {
            var current = ""
            for c in String(String.UnicodeScalarView(chunk)) {
                if isPunctuation(c) {
                    if !current.isEmpty { words.append(current); current = "" }
                    words.append(String(c))
                } else {
                    current.append(c)
                }
            }
            if !current.isEmpty { words.append(current) }
        }
        return words
    }

    /// BERT's WordPiece (`WordpieceTokenizer.tokenize`): after `bertPreTokenize`, each word is
    /// cut greedily from the left, always taking the longest prefix found in the vocabulary;
    /// every piece after the first is looked up with the prefix `##`. When some position has
    /// no matching piece at all, the whole word becomes `unk` (never a partial split). A word
    /// of more than `maxCharactersPerWord` grapheme clusters (BERT: 100) is `unk` too.
    ///
    /// Example with the vocabulary `[UNK] un ##aff ##able , runn ##ing !`:
    /// `"unaffable, running!"` → `un ##aff ##able , runn ##ing !`.
    ///
    /// `unk` itself need not be in the vocabulary (ids then fail with a clear error).
    public static func wordPiece(_ text: String, vocabulary: Vocabulary, unk: String = "[UNK]",
                                 maxCharactersPerWord: Int = 100) -> [String] {
        var out: [String] = []
        for word in bertPreTokenize(text) {
            let chars = Array(word)
            if chars.count > maxCharactersPerWord { out.append(unk); continue }
            var pieces: [String] = []
            var start = 0
            var failed = false
            while start < chars.count {
                var end = chars.count
                var found: String? = nil
                while start < end {
                    var piece = String(chars[start..<end])
                    if start > 0 { piece = "##" + piece }
                    if vocabulary.contains(piece) { found = piece; break }
                    end -= 1
                }
                guard let found else { failed = true; break }
                pieces.append(found)
                start = end
            }
            if failed { out.append(unk) } else { out.append(contentsOf: pieces) }
        }
        return out
    }
}

// MARK: - Byte-pair encoding

/// One learned BPE merge: the pair `(left, right)` becomes the symbol `left + right`.
public struct BPEMerge: Sendable, Equatable, CustomStringConvertible {
    public var left: String
    public var right: String
    /// How often the pair occurred (weighted by word frequency) when it was chosen.
    public var count: Int

    public init(left: String, right: String, count: Int) {
        self.left = left; self.right = right; self.count = count
    }

    public var merged: String { left + right }
    public var description: String { "\(left) \(right) (\(count))" }
}

/// A corpus word, how often it occurs, and its current segmentation.
public struct BPEWord: Sendable, Equatable {
    public var word: String
    public var frequency: Int
    /// The symbols of the word; the last carries the end-of-word marker `</w>`.
    public var symbols: [String]

    public init(word: String, frequency: Int, symbols: [String]) {
        self.word = word; self.frequency = frequency; self.symbols = symbols
    }
}

/// What `BPE.learn` produced.
public struct BPELearning: Sendable, Equatable {
    /// The merges in the order they were learned (their priority when applying).
    public var merges: [BPEMerge]
    /// Every distinct corpus word (first-appearance order) segmented by all the merges.
    public var words: [BPEWord]
    /// True when learning stopped before the requested number of merges because no pair
    /// occurred at least twice.
    public var stoppedEarly: Bool
}

/// Byte-pair encoding as in Sennrich et al. (2016) and the `subword-nmt` tool.
///
/// The end-of-word marker: a word's last symbol carries `</w>` (`low` → `l o w</w>`), exactly
/// as subword-nmt stores it while learning, so merges such as `(s, t</w>)` mean "st at the end
/// of a word". stepmark keeps the marker in every token it shows — the `bpe` step's corpus
/// tokens and `tokenize method=bpe` alike — so the tokens line up with the merge table.
/// Removing the trailing `</w>` from the last token of each word gives the output of
/// subword-nmt's `apply_bpe` (which marks the other pieces with `@@` instead).
public enum BPE {
    public static let endOfWord = "</w>"

    /// The distinct whitespace-separated words of a corpus (NFC) with their counts, in order of
    /// first appearance — subword-nmt's `get_vocab`.
    public static func wordCounts(_ corpus: String) -> [(word: String, count: Int)] {
        var order: [String] = []
        var counts: [String: Int] = [:]
        for w in Tokenizer.whitespace(corpus) {
            if counts[w] == nil { order.append(w) }
            counts[w, default: 0] += 1
        }
        return order.map { ($0, counts[$0]!) }
    }

    /// A word's initial symbols: its grapheme clusters, with `</w>` appended to the last.
    public static func initialSymbols(_ word: String) -> [String] {
        var s = Tokenizer.normalize(word).map { String($0) }
        if !s.isEmpty { s[s.count - 1] += endOfWord }
        return s
    }

    /// Learns up to `merges` merges, following subword-nmt's `learn_bpe`:
    ///
    /// 1. every word is split into grapheme clusters, `</w>` attached to the last one;
    /// 2. each adjacent pair of symbols is counted once per occurrence, weighted by the
    ///    frequency of the word it occurs in;
    /// 3. the most frequent pair is merged everywhere (left to right, non-overlapping: `a a a`
    ///    with the merge `(a, a)` becomes `aa a`); ties go to the largest `(left, right)`
    ///    comparing the strings by Unicode code points (Python's `max(stats, key=(count, pair))`);
    /// 4. repeat until `merges` merges are learned or no pair occurs at least twice.
    ///
    /// Pair counts are recomputed exactly after every merge (subword-nmt's pruning of rare
    /// pairs is only a speed-up).
    ///
    /// - Parameter words: corpus words and their frequencies; repeated words are added up.
    /// - Parameter checkpoint: called before every merge; what it throws stops the learning
    ///   (the lesson's time limit).
    /// - Throws: when `merges` is negative or a frequency is not positive.
    public static func learn(words: [(word: String, count: Int)], merges: Int,
                             checkpoint: () throws -> Void = {}) throws -> BPELearning {
        guard merges >= 0 else { throw TensorError("merges must be 0 or more, got \(merges)") }
        var order: [String] = []
        var freq: [String: Int] = [:]
        for (raw, c) in words {
            let w = Tokenizer.normalize(raw)
            guard c > 0 else { throw TensorError("the frequency of '\(w)' must be positive, got \(c)") }
            guard !w.isEmpty else { continue }
            if freq[w] == nil { order.append(w) }
            freq[w, default: 0] += c
        }
        var corpus = order.map { BPEWord(word: $0, frequency: freq[$0]!, symbols: initialSymbols($0)) }
        var learned: [BPEMerge] = []
        var stoppedEarly = false
        while learned.count < merges {
            try checkpoint()
            var stats: [Pair: Int] = [:]
            for w in corpus where w.symbols.count > 1 {
                for i in 0..<(w.symbols.count - 1) {
                    stats[Pair(left: w.symbols[i], right: w.symbols[i + 1]), default: 0] += w.frequency
                }
            }
            var best: (pair: Pair, count: Int)? = nil
            for (pair, count) in stats {
                if let b = best {
                    if count > b.count || (count == b.count && b.pair.codePointsLess(than: pair)) { best = (pair, count) }
                } else {
                    best = (pair, count)
                }
            }
            guard let best, best.count >= 2 else { stoppedEarly = true; break }
            learned.append(BPEMerge(left: best.pair.left, right: best.pair.right, count: best.count))
            for i in corpus.indices {
                corpus[i].symbols = merge(corpus[i].symbols, best.pair.left, best.pair.right)
            }
        }
        return BPELearning(merges: learned, words: corpus, stoppedEarly: stoppedEarly)
    }

    /// `learn(words:merges:)` on the whitespace-separated words of a corpus text.
    public static func learn(corpus: String, merges: Int) throws -> BPELearning {
        try learn(words: wordCounts(corpus), merges: merges)
    }

    /// The symbols of one word after applying learned merges, as subword-nmt's `apply_bpe`
    /// does: start from `initialSymbols(word)`; repeatedly find, among the adjacent pairs
    /// present, the one learned earliest, and merge all its occurrences left to right; stop when
    /// no adjacent pair is a learned merge. The last symbol keeps `</w>` (see the type's note).
    ///
    /// With the first ten merges of the subword-nmt toy corpus (`low` 5, `lower` 2, `newest` 6,
    /// `widest` 3), `lowest` becomes `["lo", "west</w>"]`: `(l, o)` and `(w, est</w>)` were
    /// learned before `(lo, w</w>)`, and `low` + `est</w>` was never a merge.
    public static func apply(word: String, merges: [BPEMerge]) -> [String] {
        var rank: [Pair: Int] = [:]
        for (i, m) in merges.enumerated() where rank[Pair(left: m.left, right: m.right)] == nil {
            rank[Pair(left: m.left, right: m.right)] = i
        }
        return apply(symbols: initialSymbols(word), rank: rank)
    }

    /// Every whitespace-separated word of `text` segmented by `apply(word:merges:)`, in order.
    /// Each distinct word is segmented once (as subword-nmt caches it): a long word repeated
    /// cost its whole segmentation every time (60 copies of a 2,000-character word took 41 s;
    /// a red-team pass).
    /// - Parameter deadline: the lesson's time limit, checked at every merge.
    public static func tokenize(_ text: String, merges: [BPEMerge], deadline: Deadline = .none) throws -> [String] {
        var rank: [Pair: Int] = [:]
        for (i, m) in merges.enumerated() where rank[Pair(left: m.left, right: m.right)] == nil {
            rank[Pair(left: m.left, right: m.right)] = i
        }
        var segmented: [String: [String]] = [:]
        var out: [String] = []
        for word in Tokenizer.whitespace(text) {
            if let known = segmented[word] { out += known; continue }
            let pieces = try apply(symbols: initialSymbols(word), rank: rank, deadline: deadline)
            segmented[word] = pieces
            out += pieces
        }
        return out
    }

    static func apply(symbols: [String], rank: [Pair: Int]) -> [String] {
        // No deadline, nothing to throw.
        (try? apply(symbols: symbols, rank: rank, deadline: .none)) ?? symbols
    }

    static func apply(symbols: [String], rank: [Pair: Int], deadline: Deadline) throws -> [String] {
        var s = symbols
        while s.count > 1 {
            try deadline.check("BPE segmentation")
            var best: (pair: Pair, rank: Int)? = nil
            for i in 0..<(s.count - 1) {
                let p = Pair(left: s[i], right: s[i + 1])
                if let r = rank[p], best == nil || r < best!.rank { best = (p, r) }
            }
            guard let best else { break }
            s = merge(s, best.pair.left, best.pair.right)
        }
        return s
    }

    /// All non-overlapping occurrences of `left right`, scanning left to right, joined.
    static func merge(_ symbols: [String], _ left: String, _ right: String) -> [String] {
        guard symbols.count > 1 else { return symbols }
        var out: [String] = []
        out.reserveCapacity(symbols.count)
        var i = 0
        while i < symbols.count {
            if i + 1 < symbols.count && symbols[i] == left && symbols[i + 1] == right {
                out.append(left + right)
                i += 2
            } else {
                out.append(symbols[i])
                i += 1
            }
        }
        return out
    }

    struct Pair: Hashable {
        var left: String
        var right: String

        /// `(left, right) < (other.left, other.right)` comparing Unicode scalar values, as
        /// Python compares tuples of `str`.
        func codePointsLess(than other: Pair) -> Bool {
            let a = Array(left.unicodeScalars.map(\.value)), b = Array(other.left.unicodeScalars.map(\.value))
            if a != b { return a.lexicographicallyPrecedes(b) }
            return Array(right.unicodeScalars.map(\.value)).lexicographicallyPrecedes(Array(other.right.unicodeScalars.map(\.value)))
        }
    }
}
