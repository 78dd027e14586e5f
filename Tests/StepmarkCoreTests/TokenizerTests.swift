import Foundation
import Testing
@testable import StepmarkCore

@Suite struct TokenizerTests {
    // MARK: whitespace and characters

    @Test func whitespaceSplitsOnAnyWhitespace() {
        #expect(Tokenizer.whitespace("  the cat\tsat\non  the mat ") == ["the", "cat", "sat", "on", "the", "mat"])
        #expect(Tokenizer.whitespace("   ").isEmpty)
    }

    @Test func charactersAreGraphemeClustersWithoutWhitespace() {
        // Expected list from Python: [c for c in s if not c.isspace()] (NFC syllables are one code point).
        #expect(Tokenizer.characters("고양이는 무엇을 먹나요?") == ["고", "양", "이", "는", "무", "엇", "을", "먹", "나", "요", "?"])
        // A family emoji (ZWJ sequence), a flag and e + combining acute stay whole.
        let tokens = Tokenizer.characters("👨‍👩‍👧 🇰🇷 e\u{301}x")
        #expect(tokens.count == 4)
        #expect(tokens[0] == "👨‍👩‍👧")
        #expect(tokens[1] == "🇰🇷")
        #expect(tokens[2].unicodeScalars.map(\.value) == [0xE9])   // NFC composes é
    }

    @Test func nfdHangulBecomesOneComposedToken() {
        // unicodedata.normalize('NFD', '한국') has 6 code points: 1112 1161 11AB 1100 116E 11A8.
        let nfd = "\u{1112}\u{1161}\u{11AB}\u{1100}\u{116E}\u{11A8}"
        let chars = Tokenizer.characters(nfd)
        #expect(chars.count == 2)
        #expect(chars.map { $0.unicodeScalars.map(\.value) } == [[0xD55C], [0xAD6D]])
        let words = Tokenizer.whitespace(nfd + " 어")
        #expect(words.first?.unicodeScalars.map(\.value) == [0xD55C, 0xAD6D])
    }

    // MARK: vocabulary

    @Test func vocabularyIdsWithUnknown() throws {
        let v = try Vocabulary(parsing: "[UNK] the\ncat  sat")
        #expect(v.tokens == ["[UNK]", "the", "cat", "sat"])
        #expect(try v.ids(for: ["the", "dog", "sat"]) == [1, 0, 3])
        #expect(throws: TensorError.self) { try v.ids(for: ["dog"], unk: "<unk>") }
        #expect(throws: TensorError.self) { try v.ids(for: ["dog"], unk: nil) }
        let e = #expect(throws: TensorError.self) { try Vocabulary(["a", "b", "a"]) }
        #expect(e?.message.contains("entries 1 and 3") == true)
    }

    @Test func vocabularyMatchesNFDEntries() throws {
        let v = try Vocabulary(["\u{1112}\u{1161}\u{11AB}"])   // 한 written decomposed
        #expect(v.tokens[0].unicodeScalars.map(\.value) == [0xD55C])
        #expect(v.id(of: "한") == 0)
    }

    // MARK: WordPiece

    @Test func bertPunctuation() {
        #expect(Tokenizer.isPunctuation("$"))     // ASCII symbol, BERT counts it
        #expect(Tokenizer.isPunctuation("^"))
        #expect(Tokenizer.isPunctuation("¿"))     // Po
        #expect(Tokenizer.isPunctuation("«"))     // Pi
        #expect(Tokenizer.isPunctuation("—"))     // Pd
        #expect(Tokenizer.isPunctuation("。"))    // Po
        #expect(!Tokenizer.isPunctuation("a"))
        #expect(!Tokenizer.isPunctuation("한"))
        #expect(!Tokenizer.isPunctuation("€"))    // Sc outside the ASCII ranges
        #expect(Tokenizer.bertPreTokenize("unaffable, running!") == ["unaffable", ",", "running", "!"])
        #expect(Tokenizer.bertPreTokenize("a...b") == ["a", ".", ".", ".", "b"])
    }

    @Test func wordPieceFollowsBERT() throws {
        let v = try Vocabulary(["[UNK]", "un", "##aff", "##able", ",", "runn", "##ing", "!"])
        #expect(Tokenizer.wordPiece("unaffable, running!", vocabulary: v) == ["un", "##aff", "##able", ",", "runn", "##ing", "!"])
        // "unaffablex": un ##aff ##able then no piece for "x" → the whole word is unk, not a partial split.
        #expect(Tokenizer.wordPiece("unaffablex running", vocabulary: v) == ["[UNK]", "runn", "##ing"])
        #expect(Tokenizer.wordPiece("xyz!", vocabulary: v, unk: "<unk>") == ["<unk>", "!"])
        // No lower-casing: "Running" does not match "runn".
        #expect(Tokenizer.wordPiece("Running", vocabulary: v) == ["[UNK]"])
        #expect(try v.ids(for: Tokenizer.wordPiece("unaffable, running!", vocabulary: v)) == [1, 2, 3, 4, 5, 6, 7])
    }

    /// SPEC §3: cased BERT cleans the text first (Cc/Cf removed, so a soft hyphen or a
    /// zero-width space inside a word joins it) and spaces out CJK ideographs, but not Hangul.
    /// Expected values worked out by hand from BERT's `_clean_text`, `_tokenize_chinese_chars`
    /// and `whitespace_tokenize` (Python's `str.split`).
    @Test func wordPieceCleansTextAndSplitsIdeographs() throws {
        let v = try Vocabulary(["[UNK]", "中", "国", "play", "##ing", "강가", "##의", "a", "b"])
        #expect(Tokenizer.wordPiece("中国 play\u{200B}ing pl\u{00AD}aying", vocabulary: v)
                == ["中", "国", "play", "##ing", "play", "##ing"])
        #expect(Tokenizer.wordPiece("play中ing", vocabulary: v) == ["play", "中", "[UNK]"])
        #expect(Tokenizer.wordPiece("강가의", vocabulary: v) == ["강가", "##의"])
        // U+000B and U+0085 are control characters (dropped, the word joins); tab and line
        // breaks are whitespace; U+2028 splits (str.split), U+00A0 (Zs) too.
        #expect(Tokenizer.bertPreTokenize("pl\u{0B}ay\u{85}ing\ta\nb\u{2028}c\u{A0}d") == ["playing", "a", "b", "c", "d"])
        #expect(Tokenizer.bertPreTokenize("x\u{0}y\u{FFFD}z") == ["xyz"])
        #expect(Tokenizer.bertPreTokenize("\u{200B}\u{FEFF}") == [])
    }

    @Test func wordPieceLongestMatchFirst() throws {
        let v = try Vocabulary(["a", "ab", "abc", "##c", "##cd", "##d"])
        #expect(Tokenizer.wordPiece("abcd", vocabulary: v) == ["abc", "##d"])
        #expect(Tokenizer.wordPiece("abd", vocabulary: v) == ["ab", "##d"])
    }

    @Test func wordPieceLongWordsAreUnknown() throws {
        let long = String(repeating: "a", count: 101)
        let v = try Vocabulary(["[UNK]", "a", "##a"])
        #expect(Tokenizer.wordPiece(long, vocabulary: v) == ["[UNK]"])
        #expect(Tokenizer.wordPiece(String(long.dropFirst()), vocabulary: v).count == 100)
    }

    @Test func wordPieceHangul() throws {
        let v = try Vocabulary(["[UNK]", "고양이", "##는", "무엇", "##을", "먹", "##나요", "?", "##이"])
        #expect(Tokenizer.wordPiece("고양이는 무엇을 먹나요?", vocabulary: v)
                == ["고양이", "##는", "무엇", "##을", "먹", "##나요", "?"])
        // Decomposed input is normalised first and still matches the syllables.
        let nfd = "고양이는".decomposedStringWithCanonicalMapping
        #expect(nfd.unicodeScalars.count > 4)
        #expect(Tokenizer.wordPiece(nfd, vocabulary: v) == ["고양이", "##는"])
        #expect(Tokenizer.wordPiece("강아지는", vocabulary: v) == ["[UNK]"])
    }

    // MARK: BPE

    /// The subword-nmt toy corpus. Expected merges computed by a Python re-implementation of
    /// subword-nmt's learn_bpe (pairs weighted by frequency, `max(stats, key=(count, pair))`,
    /// regex replacement `(?<!\S)a b(?!\S)`), independent of this code.
    @Test func learnBPEToyCorpus() throws {
        let words: [(word: String, count: Int)] = [("low", 5), ("lower", 2), ("newest", 6), ("widest", 3)]
        let r = try BPE.learn(words: words, merges: 10)
        let expected: [(String, String, Int)] = [
            ("s", "t</w>", 9), ("e", "st</w>", 9), ("l", "o", 7), ("w", "est</w>", 6), ("n", "e", 6),
            ("ne", "west</w>", 6), ("lo", "w</w>", 5), ("w", "i", 3), ("wi", "d", 3), ("wid", "est</w>", 3),
        ]
        #expect(r.merges == expected.map { BPEMerge(left: $0.0, right: $0.1, count: $0.2) })
        #expect(!r.stoppedEarly)
        #expect(r.words.map(\.symbols) == [["low</w>"], ["lo", "w", "e", "r</w>"], ["newest</w>"], ["widest</w>"]])
        #expect(r.words.map(\.frequency) == [5, 2, 6, 3])

        #expect(BPE.apply(word: "lowest", merges: r.merges) == ["lo", "west</w>"])
        #expect(BPE.apply(word: "newer", merges: r.merges) == ["ne", "w", "e", "r</w>"])
        #expect(BPE.apply(word: "wider", merges: r.merges) == ["wid", "e", "r</w>"])
        #expect(BPE.apply(word: "slow", merges: r.merges) == ["s", "low</w>"])
        #expect(BPE.apply(word: "a", merges: r.merges) == ["a</w>"])
        #expect(try BPE.tokenize("low  lowest", merges: r.merges) == ["low</w>", "lo", "west</w>"])
        // A word met again is the same pieces (each distinct word is segmented once).
        #expect(try BPE.tokenize("lowest low lowest", merges: r.merges) == ["lo", "west</w>", "low</w>", "lo", "west</w>"])
        // The time limit stops a segmentation.
        let past = Deadline(date: Date(timeIntervalSinceNow: -1), seconds: 1)
        #expect(throws: TensorError.self) { try BPE.tokenize("lowest", merges: r.merges, deadline: past) }
    }

    @Test func learnBPEStopsWhenNoPairRepeats() throws {
        // Python reference: 13 merges, then every word is one symbol.
        let r = try BPE.learn(words: [("low", 5), ("lower", 2), ("newest", 6), ("widest", 3)], merges: 100)
        #expect(r.merges.count == 13)
        #expect(r.stoppedEarly)
        #expect(Array(r.merges.suffix(3)) == [BPEMerge(left: "w", right: "e", count: 2), BPEMerge(left: "we", right: "r</w>", count: 2),
                                              BPEMerge(left: "lo", right: "wer</w>", count: 2)])
    }

    @Test func learnBPEOverlappingPairsAndTies() throws {
        // "aaaaa": (a,a) occurs 3 times, merged left to right to "aa aa a</w>"; then nothing repeats.
        let r = try BPE.learn(words: [("aaaaa", 1), ("aa", 1)], merges: 4)
        #expect(r.merges == [BPEMerge(left: "a", right: "a", count: 3)])
        #expect(r.words.map(\.symbols) == [["aa", "aa", "a</w>"], ["a", "a</w>"]])
        #expect(r.stoppedEarly)
        // Ties go to the largest (left, right) by code points: x y</w> > c d</w> > a b</w>.
        let t = try BPE.learn(words: [("ab", 2), ("cd", 2), ("xy", 2)], merges: 5)
        #expect(t.merges.map(\.merged) == ["xy</w>", "cd</w>", "ab</w>"])
        // "aaa" 2: (a,a) and (a,a</w>) tie at 2; 'a</w>' > 'a' so (a, a</w>) wins.
        let u = try BPE.learn(words: [("aaa", 2), ("ab", 1)], merges: 5)
        #expect(u.merges == [BPEMerge(left: "a", right: "a</w>", count: 2), BPEMerge(left: "a", right: "aa</w>", count: 2)])
    }

    @Test func learnBPEHangulAndCorpusText() throws {
        let r = try BPE.learn(corpus: "강가 강물 강가\n가게 강가 가게 강물", merges: 3)
        #expect(r.merges == [BPEMerge(left: "강", right: "가</w>", count: 3), BPEMerge(left: "강", right: "물</w>", count: 2),
                             BPEMerge(left: "가", right: "게</w>", count: 2)])
        #expect(r.words.map(\.word) == ["강가", "강물", "가게"])
        #expect(throws: TensorError.self) { try BPE.learn(corpus: "a", merges: -1) }
        #expect(throws: TensorError.self) { try BPE.learn(words: [("a", 0)], merges: 1) }
    }
}

/// Control characters made visible for terminals, CSV cells and feedback pages.
@Suite struct ControlCharactersTests {
    @Test func escapeSequencesBecomeVisibleSymbols() {
        #expect(ControlCharacters.neutralized("a\u{1B}]0;PWN\u{07}b") == "a\u{241B}]0;PWN\u{2407}b")
        #expect(ControlCharacters.neutralized("tab\tline\nend\r") == "tab\tline\nend\u{240D}")
        #expect(ControlCharacters.neutralized("\u{0}\u{7F}\u{85}\u{9F}") == "\u{2400}\u{2421}\u{FFFD}\u{FFFD}")
        // U+00A0…U+00FF (also 0xC2/0xC3 lead bytes) are text, not controls.
        #expect(ControlCharacters.neutralized("°·± é 강") == "°·± é 강")
        // Colour stepmark writes itself passes when asked; nothing else that starts with ESC.
        #expect(ControlCharacters.neutralized("\u{1B}[1;31mred\u{1B}[0m", keepingSGR: true) == "\u{1B}[1;31mred\u{1B}[0m")
        #expect(ControlCharacters.neutralized("\u{1B}[2J\u{1B}[H\u{1B}]52;c;eA==\u{07}", keepingSGR: true)
                == "\u{241B}[2J\u{241B}[H\u{241B}]52;c;eA==\u{2407}")
        #expect(ControlCharacters.neutralized("\u{1B}[31mred", keepingSGR: false) == "\u{241B}[31mred")
    }

    /// Bidirectional overrides, embeddings and isolates reorder what follows them where the
    /// text is shown (a red-team pass: an answer id with U+202E reached `check`'s output,
    /// results.json and feedback.html); the marks that reorder nothing, and every neighbour
    /// in the same UTF-8 ranges, stay.
    @Test func bidirectionalControlsBecomeVisible() {
        for scalar in [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069] {
            let text = "s1" + String(Unicode.Scalar(UInt32(scalar))!) + "dm.yek"
            #expect(ControlCharacters.neutralized(text) == "s1\u{FFFD}dm.yek", "U+\(String(scalar, radix: 16))")
        }
        let kept = "\u{200E}\u{200F}\u{061C}\u{2029}\u{202F}\u{2065}\u{206A}\u{2026}‥ 한국어 \u{05D0}"
        #expect(ControlCharacters.neutralized(kept) == kept)
    }
}
