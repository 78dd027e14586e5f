import Foundation
import Testing
import StepmarkCore
@testable import StepmarkLesson

/// The token and embedding directives (`corpus`, `vocab`, `tokenize`, `bpe`, `embeddings`,
/// `embed`, `similarity`, `nearest`, `project`) through real lessons.
///
/// Expected numbers come from numpy, not from the implementation (table E below):
///
///     E = {"cat": [0.9, 0.8, 0.1], "dog": [0.8, 0.9, 0.2], "car": [0.1, 0.2, 0.9], "fish": [0.7, 0.3, 0.2]}
///     cos = a@b / norm(a) / norm(b); dot = a@b; euclidean = norm(a - b)
///     N = M / norm(M, axis=1, keepdims=True); cosine matrix = N @ N.T
///     Xc = M - M.mean(0); U, S, Vt = svd(Xc, full_matrices=False); flip each Vt[k] (and U[:, k])
///     so its largest-|entry| is positive; points = Xc @ Vt[:2].T; explained = S[:2]**2 / (S**2).sum()
///
/// The tokenizers are checked against the reference algorithms' published behaviour: BERT's
/// WordPiece docstring ("unaffable" → un ##aff ##able) and subword-nmt's learn_bpe/apply_bpe
/// re-implemented in Python (max(stats, key=(count, pair)), merges applied by rank).
@Suite struct TokenEmbeddingDirectiveTests {
    /// Six lines: a block that follows starts on line 7.
    static let table = """
        ```embeddings
        cat: [0.9, 0.8, 0.1]
        dog: [0.8, 0.9, 0.2]
        car: [0.1, 0.2, 0.9]
        fish: [0.7, 0.3, 0.2]
        ```

        """

    func tokens(_ report: Report, step: Int, _ name: String) -> TokenList? {
        guard case .tokens(let l)? = report.step(step)?.value(named: name)?.value else { return nil }
        return l
    }

    func error(_ report: Report, step: Int) -> LessonError? { report.step(step)?.error }

    // MARK: corpus, vocab

    /// Each token is found near where the last one ended, blank lines not counted; an `[UNK]`
    /// (not in the text) is put at the next word, and the tokens after it are still found
    /// where they are. The search is linear: it searched the whole rest of the body for each
    /// `[UNK]`, 223 s for 40,000 (a red-team pass).
    @Test func tokenPositionsStepOverUnknownWords() {
        let lines = [BodyLine(text: "xx b yy b", position: SourcePosition(line: 4, column: 1)),
                     BodyLine(text: "zz b", position: SourcePosition(line: 5, column: 1))]
        let found = tokenPositions(["[UNK]", "b", "[UNK]", "b", "[UNK]", "##b"], in: lines)
        #expect(found.map(\.description) == ["4:1", "4:4", "4:6", "4:9", "5:1", "5:4"])
        // A token whose soft hyphen the tokenizer removed is not found; the next still are.
        let hyphen = [BodyLine(text: "co\u{00AD}operate, xyz", position: SourcePosition(line: 2, column: 1))]
        #expect(tokenPositions(["cooperate", ",", "xyz"], in: hyphen).map(\.description) == ["2:1", "2:11", "2:13"])
        // A token 300 blank lines further on is found there.
        let far = [BodyLine(text: "cat", position: SourcePosition(line: 1, column: 1))]
            + (2...301).map { BodyLine(text: "", position: SourcePosition(line: $0, column: 1)) }
            + [BodyLine(text: "dgo", position: SourcePosition(line: 302, column: 1))]
        #expect(tokenPositions(["cat", "dgo"], in: far).map(\.description) == ["1:1", "302:1"])
        // 10,000 unknown words: each costs a window, not the rest of the body.
        let many = [BodyLine(text: String(repeating: "c ", count: 10_000), position: SourcePosition(line: 2, column: 1))]
        let positions = tokenPositions(Array(repeating: "[UNK]", count: 10_000), in: many)
        #expect(positions.count == 10_000 && positions.allSatisfy { $0.column == 1 })
    }

    @Test func corpusKeepsTheBodyVerbatim() {
        let r = runLesson("```corpus name=text1\nthe cat  sat\n\nthe dog\n```\n")
        #expect(r.ok)
        #expect(r.step(1)?.value(named: "text")?.value == .text("the cat  sat\n\nthe dog"))
        #expect(r.step(1)?.result == .text("the cat  sat\n\nthe dog"))
    }

    @Test func emptyCorpusIsAnError() {
        let r = runLesson("```corpus\n\n```\n")
        #expect(error(r, step: 1)?.position == SourcePosition(line: 1, column: 4))
    }

    @Test func vocabGivesIdsByPosition() {
        let r = runLesson("```vocab\n[UNK] un\n##aff   ##able\n```\n")
        #expect(r.ok)
        #expect(tokens(r, step: 1, "tokens") == TokenList(["[UNK]", "un", "##aff", "##able"], ids: [0, 1, 2, 3]))
    }

    @Test func duplicateVocabTokenPointsAtTheSecond() {
        let r = runLesson("```vocab\na b\nc b\n```\n")
        let e = error(r, step: 1)
        #expect(e?.position == SourcePosition(line: 3, column: 3))
        #expect(e?.message.contains("'b' appears twice") == true)
        #expect(e?.message.contains("2:3") == true)
    }

    // MARK: tokenize

    /// BERT's own example (tokenization.py, WordpieceTokenizer.tokenize docstring) plus
    /// punctuation split off as words and an unknown word becoming [UNK].
    @Test func wordPieceFollowsBERT() {
        let r = runLesson("""
            ```vocab
            [UNK] un ##aff ##able , runn ##ing !
            ```

            ```tokenize method=wordpiece
            unaffable, running! xyz
            ```

            """)
        #expect(r.ok)
        let expected = ["un", "##aff", "##able", ",", "runn", "##ing", "!", "[UNK]"]
        #expect(tokens(r, step: 2, "tokens")?.tokens == expected)
        #expect(tokens(r, step: 2, "ids") == TokenList(expected, ids: [1, 2, 3, 4, 5, 6, 7, 0]))
        #expect(r.step(2)?.result == .tokens(TokenList(expected)))
    }

    @Test func wordPieceWithoutVocabIsAnError() {
        let r = runLesson("```tokenize method=wordpiece\nhello\n```\n")
        let e = error(r, step: 1)
        #expect(e?.position == SourcePosition(line: 1, column: 4))
        #expect(e?.message.contains("needs a vocabulary") == true)
    }

    @Test func unknownTokenWithoutUnkPointsAtTheToken() {
        let r = runLesson("""
            ```vocab
            the cat sat
            ```

            ```tokenize vocab=vocab
            the cat
              sat on
            ```

            """)
        let e = error(r, step: 2)
        #expect(e?.position == SourcePosition(line: 7, column: 7))
        #expect(e?.message.contains("'on'") == true)
        #expect(e?.message.contains("[UNK]") == true)
    }

    @Test func whitespaceTokenizeMapsUnknownWordsToACustomUnk() {
        let r = runLesson("```vocab\n<unk> the cat\n```\n\n```tokenize vocab=vocab unk=\"<unk>\"\nthe dog cat\n```\n")
        #expect(r.ok)
        #expect(tokens(r, step: 2, "ids") == TokenList(["the", "dog", "cat"], ids: [1, 0, 2]))
    }

    @Test func composedAndDecomposedVocabTokensAreDuplicates() {
        let r = runLesson("```vocab\n\u{D55C} \u{1112}\u{1161}\u{11AB}\n```\n")
        #expect(error(r, step: 1)?.position == SourcePosition(line: 2, column: 3))
    }

    @Test func whitespaceTokenizeHasNoIdsWithoutVocab() {
        let r = runLesson("```tokenize\n  고양이는   무엇을\n먹나요?\n```\n")
        #expect(r.ok)
        #expect(tokens(r, step: 1, "tokens")?.tokens == ["고양이는", "무엇을", "먹나요?"])
        #expect(r.step(1)?.value(named: "ids") == nil)
    }

    @Test func charTokenizeKeepsGraphemeClusters() {
        // a Hangul syllable, an emoji with a skin-tone modifier, e + combining acute
        let r = runLesson("```tokenize method=char\n고양 👍🏽 e\u{301}\n```\n")
        #expect(r.ok)
        #expect(tokens(r, step: 1, "tokens")?.tokens == ["고", "양", "👍🏽", "\u{e9}"])
    }

    @Test func decomposedHangulIsNormalisedAndTheReportSaysSo() {
        // 한 written as three jamo (U+1112 U+1161 U+11AB) becomes the one syllable U+D55C.
        let r = runLesson("```tokenize method=char\n\u{1112}\u{1161}\u{11AB}글\n```\n")
        #expect(r.ok)
        #expect(tokens(r, step: 1, "tokens")?.tokens == ["\u{D55C}", "글"])
        #expect(r.step(1)?.warnings.contains { $0.contains("NFC-normalised") } == true)
        let plain = runLesson("```tokenize method=char\n한글\n```\n")
        #expect(plain.step(1)?.warnings.isEmpty == true)
    }

    @Test func emptyTextIsAnError() {
        let r = runLesson("```tokenize\n   \n```\n")
        let e = error(r, step: 1)
        #expect(e?.position == SourcePosition(line: 1, column: 4))
        #expect(e?.message.contains("empty") == true)
    }

    @Test func bpeTokenizeWithoutMergesIsAnError() {
        let r = runLesson("```tokenize method=bpe\nlowest\n```\n")
        #expect(error(r, step: 1)?.message.contains("needs learned merges") == true)
    }

    // MARK: bpe

    static let toyCorpus = """
        ```bpe merges=10
        low low low low low
        lower lower
        newest newest newest newest newest newest
        widest widest widest
        ```

        """

    /// subword-nmt's toy corpus {low: 5, lower: 2, newest: 6, widest: 3}: the merges and their
    /// counts as the Python reference of learn_bpe gives them.
    @Test func bpeLearnsTheSubwordNMTMerges() {
        let r = runLesson(Self.toyCorpus)
        #expect(r.ok)
        guard case .table(let t)? = r.step(1)?.value(named: "merges")?.value else {
            Issue.record("no merges table"); return
        }
        #expect(t.columns == ["left", "right", "count"])
        let expected: [(String, String, Double)] = [
            ("s", "t</w>", 9), ("e", "st</w>", 9), ("l", "o", 7), ("w", "est</w>", 6), ("n", "e", 6),
            ("ne", "west</w>", 6), ("lo", "w</w>", 5), ("w", "i", 3), ("wi", "d", 3), ("wid", "est</w>", 3),
        ]
        let expectedRows: [[Table.Cell]] = expected.map { [.text($0.0), .text($0.1), .number($0.2)] }
        #expect(t.rows == expectedRows)
        let corpusTokens = tokens(r, step: 1, "tokens")?.tokens ?? []
        let start: [String] = ["low</w>", "low</w>", "low</w>", "low</w>", "low</w>", "lo", "w", "e", "r</w>"]
        #expect(Array(corpusTokens.prefix(9)) == start)
        #expect(corpusTokens.last == "widest</w>")
        #expect(corpusTokens.count == 5 + 2 * 4 + 6 + 3)
    }

    /// apply_bpe with those merges: lowest → lo west</w> (w+est</w> was learned before lo+w</w>),
    /// newer → ne w e r</w>.
    @Test func tokenizeAppliesLearnedMerges() {
        let r = runLesson(Self.toyCorpus + "```tokenize method=bpe\nlowest newer\n```\n")
        #expect(r.ok)
        #expect(tokens(r, step: 2, "tokens")?.tokens == ["lo", "west</w>", "ne", "w", "e", "r</w>"])
    }

    @Test func bpeStopsWhenNoPairOccursTwice() {
        let r = runLesson("```bpe merges=5 name=m\nab ab cd\n```\n")
        #expect(r.ok)
        guard case .table(let t)? = r.step(1)?.value(named: "merges")?.value else {
            Issue.record("no merges table"); return
        }
        #expect(t.rows == [[.text("a"), .text("b</w>"), .number(2)]])
        #expect(r.step(1)?.warnings.contains { $0.contains("stopped after 1 of 5") } == true)
    }

    @Test func bpeUsesTheStoredCorpusAndNeedsMerges() {
        let r = runLesson("```corpus\nab ab\n```\n\n```bpe merges=1\n```\n\n```bpe\nab\n```\n")
        #expect(r.step(2)?.ok == true)
        #expect(tokens(r, step: 2, "tokens")?.tokens == ["ab</w>", "ab</w>"])
        let e = error(r, step: 3)
        #expect(e?.position == SourcePosition(line: 8, column: 4))
        #expect(e?.message.contains("merges=N") == true)
    }

    // MARK: embeddings

    @Test func inlineTableIsALabelledMatrix() {
        let r = runLesson(Self.table)
        #expect(r.ok)
        let e = r.tensor(step: 1, "E")
        #expect(e?.rowLabels == ["cat", "dog", "car", "fish"])
        #expect(close(e, [[0.9, 0.8, 0.1], [0.8, 0.9, 0.2], [0.1, 0.2, 0.9], [0.7, 0.3, 0.2]]))
    }

    @Test func raggedRowsPointAtTheShortRow() {
        let r = runLesson("```embeddings name=W\na: [1, 2, 3]\nb: [4, 5]\n```\n")
        let e = error(r, step: 1)
        #expect(e?.position == SourcePosition(line: 3, column: 4))
        #expect(e?.message.contains("2 entries") == true)
        #expect(e?.message.contains("line 2 has 3") == true)
    }

    @Test func duplicateTokensAndBadLinesAreErrors() {
        let dup = runLesson("```embeddings\na: [1, 2]\n  a: [3, 4]\n```\n")
        #expect(error(dup, step: 1)?.position == SourcePosition(line: 3, column: 3))
        #expect(error(dup, step: 1)?.message.contains("already has a vector on line 2") == true)
        let noColon = runLesson("```embeddings\na [1, 2]\n```\n")
        #expect(error(noColon, step: 1)?.position.line == 2)
        let text = runLesson("```embeddings\na: [1, x]\n```\n")
        #expect(error(text, step: 1)?.position.line == 2)
    }

    @Test func gloveAndWord2vecFiles() throws {
        let folder = try temporaryFolder([
            "glove.txt": "the 0.1 0.2\ncat 0.3 -0.4\n",
            "w2v.vec": "2 3\nthe 1 2 3\ncat 4 5 6\n",
            "lesson.md": "```embeddings from=glove.txt\n```\n\n```embeddings from=\"w2v.vec\" name=W\n```\n",
        ])
        let r = Runner().run(try LessonParser.read(path: folder + "/lesson.md"))
        #expect(r.ok)
        #expect(r.tensor(step: 1, "E")?.rowLabels == ["the", "cat"])
        #expect(close(r.tensor(step: 1, "E"), [[0.1, 0.2], [0.3, -0.4]]))
        #expect(close(r.tensor(step: 2, "W"), [[1, 2, 3], [4, 5, 6]]))
    }

    /// A .npy v1.0 file of float64 in C order, written byte by byte.
    static func npy(_ rows: [[Double]]) -> Data {
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (\(rows.count), \(rows[0].count)), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let n = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(n & 0xff), UInt8(n >> 8)])
        data.append(contentsOf: Array(header.utf8))
        for row in rows { for x in row { withUnsafeBytes(of: x.bitPattern.littleEndian) { data.append(contentsOf: $0) } } }
        return data
    }

    @Test func npyWithVocab() throws {
        let folder = try temporaryFolder([
            "lesson.md": "```vocab\n고양이 개\n```\n\n```embeddings from=vec.npy\n```\n\n```embeddings from=bad.npy name=B\n```\n",
            "bad.npy": "not numpy at all",
        ])
        try Self.npy([[1, 2], [3, 4.5]]).write(to: URL(fileURLWithPath: folder + "/vec.npy"))
        let r = Runner().run(try LessonParser.read(path: folder + "/lesson.md"))
        #expect(r.step(2)?.ok == true)
        #expect(r.tensor(step: 2, "E")?.rowLabels == ["고양이", "개"])
        #expect(close(r.tensor(step: 2, "E"), [[1, 2], [3, 4.5]]))
        let e = error(r, step: 3)
        #expect(e?.position == SourcePosition(line: 8, column: 20))
        #expect(e?.message.contains("not a .npy file") == true)
    }

    @Test func npyRowsMustMatchTheVocab() throws {
        let folder = try temporaryFolder(["lesson.md": "```vocab\na b c\n```\n\n```embeddings from=vec.npy\n```\n"])
        try Self.npy([[1, 2], [3, 4]]).write(to: URL(fileURLWithPath: folder + "/vec.npy"))
        let r = Runner().run(try LessonParser.read(path: folder + "/lesson.md"))
        #expect(error(r, step: 2)?.message.contains("2 rows but the vocabulary vocab has 3 tokens") == true)
    }

    @Test func filesInTheWrongFormat() throws {
        let folder = try temporaryFolder([
            "words.txt": "the 0.1 0.2\ncat 0.3 oops\n",
            "short.txt": "the 0.1 0.2\ncat 0.3\n",
            "lesson.md": """
                ```embeddings from=words.txt
                ```

                ```embeddings from=short.txt
                ```

                ```embeddings from=vec.txt
                ```

                ```embeddings from=missing.txt
                ```

                """,
        ])
        // A binary .npy under a text name.
        try Self.npy([[1, 2]]).write(to: URL(fileURLWithPath: folder + "/vec.txt"))
        let r = Runner().run(try LessonParser.read(path: folder + "/lesson.md"))
        #expect(error(r, step: 1)?.position == SourcePosition(line: 1, column: 20))
        #expect(error(r, step: 1)?.message.contains("line 2, field 3") == true)
        #expect(error(r, step: 2)?.message.contains("line 2") == true)
        #expect(error(r, step: 2)?.position.line == 4)
        #expect(error(r, step: 3)?.message.contains("not UTF-8 text") == true)
        #expect(error(r, step: 4)?.message.contains("no file 'missing.txt'") == true)
    }

    // MARK: embed

    @Test func embedMeanSumAndNone() {
        let r = runLesson(Self.table + """
            ```embed
            cat fish
            ```

            ```embed pool=sum
            cat fish
            ```

            ```embed pool=none
            cat fish
            ```

            """)
        #expect(r.ok)
        #expect(tokens(r, step: 2, "tokens")?.tokens == ["cat", "fish"])
        #expect(r.tensor(step: 2, "vectors")?.rowLabels == ["cat", "fish"])
        #expect(close(r.tensor(step: 2, "vectors"), [[0.9, 0.8, 0.1], [0.7, 0.3, 0.2]]))
        #expect(close(r.tensor(step: 2, "sentence"), [0.8, 0.55, 0.15], tolerance: 1e-12))
        #expect(close(r.tensor(step: 3, "sentence"), [1.6, 1.1, 0.3], tolerance: 1e-12))
        #expect(close(r.tensor(step: 4, "sentence"), [[0.9, 0.8, 0.1], [0.7, 0.3, 0.2]]))
    }

    @Test func embedUnknownTokenNamesItAndAMatch() {
        let r = runLesson(Self.table + "```embed\ncat\n  dogs fish\n```\n")
        let e = error(r, step: 2)
        #expect(e?.position == SourcePosition(line: 9, column: 3))
        #expect(e?.message.contains("'dogs'") == true)
        #expect(e?.message.contains("did you mean 'dog'") == true)
    }

    @Test func embedKoreanHintUsesAPrefix() {
        let r = runLesson("```embeddings\n고양이: [1, 0]\n개: [0, 1]\n```\n\n```embed\n개 고양이는\n```\n")
        let e = error(r, step: 2)
        #expect(e?.position == SourcePosition(line: 7, column: 3))
        #expect(e?.message.contains("did you mean '고양이'") == true)
    }

    @Test func embedEmptyTextAndMissingTable() {
        let empty = runLesson(Self.table + "```embed\n\n```\n")
        #expect(error(empty, step: 2)?.message.contains("empty") == true)
        let noTable = runLesson("```embed table=T\ncat\n```\n")
        #expect(error(noTable, step: 1)?.position == SourcePosition(line: 1, column: 16))
        #expect(error(noTable, step: 1)?.message.contains("undefined name 'T'") == true)
    }

    // MARK: similarity

    @Test func similarityPairsAgainstNumpy() {
        let r = runLesson(Self.table + """
            ```similarity
            cat dog
            cat car
            ```

            ```similarity metric=dot
            cat dog
            ```

            ```similarity metric=euclidean
            cat car
            ```

            """)
        #expect(r.ok)
        #expect(close(r.tensor(step: 2, "cat~dog"), [0.9898816958667741], tolerance: 1e-12))
        #expect(close(r.tensor(step: 2, "cat~car"), [0.3034263294974635], tolerance: 1e-12))
        #expect(r.step(2)?.result?.tensor?.rowLabels == ["cat~dog", "cat~car"])
        #expect(close(r.tensor(step: 3, "cat~dog"), [1.46], tolerance: 1e-12))
        #expect(r.step(3)?.result?.tensor?.isScalar == true)
        #expect(close(r.tensor(step: 4, "cat~car"), [1.2806248474865698], tolerance: 1e-12))
    }

    @Test func similarityOfNamedVectorsAndTheWholeTable() {
        let r = runLesson(Self.table + """
            ```let
            q = [1, 0, 0]
            ```

            ```similarity
            q cat
            ```

            ```similarity
            ```

            """)
        #expect(r.ok)
        #expect(close(r.tensor(step: 3, "q~cat"), [0.9 / (0.81 + 0.64 + 0.01).squareRoot()], tolerance: 1e-12))
        let m = r.tensor(step: 4, "matrix")
        #expect(m?.rowLabels == ["cat", "dog", "car", "fish"])
        #expect(m?.colLabels == ["cat", "dog", "car", "fish"])
        #expect(close(m, [
            [1.0, 0.9898817, 0.30342633, 0.93544387],
            [0.9898817, 1.0, 0.38869622, 0.90517025],
            [0.30342633, 0.38869622, 1.0, 0.42453805],
            [0.93544387, 0.90517025, 0.42453805, 1.0],
        ], tolerance: 1e-7))
    }

    @Test func namedVectorsNeedNoTableAndIgnoreAnUnlabelledE() {
        let r = runLesson("```let\nE = [[1, 0], [0, 1]]\nu = [1, 1]\nv = [1, 0]\n```\n\n```similarity\nu v\n```\n")
        #expect(r.ok)
        #expect(close(r.tensor(step: 2, "u~v"), [1 / 2.0.squareRoot()], tolerance: 1e-12))
        let missing = runLesson("```similarity\nu v\n```\n")
        #expect(error(missing, step: 1)?.position == SourcePosition(line: 2, column: 1))
        #expect(error(missing, step: 1)?.message.contains("no table E is defined") == true)
        // A table whose embeddings step failed is named as that, not as missing.
        let failed = runLesson("```embeddings\na: [1, 0]\nb: [0, 1, 2]\n```\n\n```similarity\na b\n```\n")
        #expect(error(failed, step: 2)?.message == "'a' is neither a token of E nor a defined vector (the table E is undefined because the embeddings step at 1:1 failed; see its error at 3:4)", "\(String(describing: error(failed, step: 2)))")
    }

    @Test func cosineOfAZeroVectorIsAPositionedError() {
        let r = runLesson(Self.table + "```let\nz = [0, 0, 0]\n```\n\n```similarity\ncat z\n```\n\n```similarity metric=dot\ncat z\n```\n")
        let e = error(r, step: 3)
        #expect(e?.position == SourcePosition(line: 12, column: 5))
        #expect(e?.message.contains("zero vector") == true)
        #expect(e?.message.contains("'z'") == true)
        #expect(close(r.tensor(step: 4, "cat~z"), [0]))
    }

    @Test func zeroRowInTheTableMatrix() {
        let r = runLesson("```embeddings\na: [1, 0]\nnil: [0, 0]\n```\n\n```similarity\n```\n")
        #expect(error(r, step: 2)?.message == "cosine of a zero vector is undefined ('nil' is all zeros)")
        // The same row met by nearest, and a query of zeros: each said once.
        let n = runLesson("```embeddings\na: [1, 0]\nnil: [0, 0]\n```\n\n```nearest\na\n```\n\n```nearest\n[0, 0]\n```\n")
        #expect(error(n, step: 2)?.message == "cosine of a zero vector is undefined ('nil' is all zeros)")
        #expect(error(n, step: 3)?.message == "cosine of a zero vector is undefined (the query is all zeros)")
    }

    @Test func similarityBadLines() {
        let r = runLesson(Self.table + "```similarity\ncat dog car\n```\n\n```similarity\ncat dgo\n```\n")
        #expect(error(r, step: 2)?.position == SourcePosition(line: 8, column: 1))
        let e = error(r, step: 3)
        #expect(e?.position == SourcePosition(line: 12, column: 5))
        #expect(e?.message.contains("did you mean 'dog'") == true)
    }

    // MARK: nearest

    @Test func nearestExcludesTheQueryToken() {
        let r = runLesson(Self.table + "```nearest k=3\ncat\n```\n")
        #expect(r.ok)
        let ranking = r.tensor(step: 2, "ranking")
        #expect(ranking?.rowLabels == ["dog", "fish", "car"])
        #expect(ranking?.colLabels == ["cosine"])
        #expect(close(ranking, [[0.9898816958667741], [0.9354438713315955], [0.3034263294974635]], tolerance: 1e-12))
    }

    @Test func nearestToAVectorByDistance() {
        let r = runLesson(Self.table + "```nearest k=10 metric=euclidean\n[1, 0, 0]\n```\n")
        #expect(r.ok)
        let ranking = r.tensor(step: 2, "ranking")
        #expect(ranking?.rowLabels == ["fish", "cat", "dog", "car"])
        #expect(close(ranking, [[0.469041575982343], [0.8124038404635961], [0.9433981132056605], [1.2884098726725126]], tolerance: 1e-12))
        #expect(r.step(2)?.warnings.contains { $0.contains("only 4 candidates") } == true)
    }

    @Test func nearestTiesKeepTableOrderAndExcludeWorks() {
        let r = runLesson("""
            ```embeddings name=T
            z: [0, 1]
            b: [2, 0]
            a: [1, 0]
            c: [3, 0]
            ```

            ```let
            liked = [1, 0]
            ```

            ```nearest table=T k=3
            liked
            ```

            ```nearest table=T k=2 exclude=["b"]
            liked
            ```

            """)
        #expect(r.ok)
        #expect(r.tensor(step: 3, "ranking")?.rowLabels == ["b", "a", "c"])
        #expect(close(r.tensor(step: 3, "ranking"), [[1], [1], [1]]))
        #expect(r.tensor(step: 4, "ranking")?.rowLabels == ["a", "c"])
    }

    @Test func nearestErrors() {
        let r = runLesson(Self.table + """
            ```nearest
            kat
            ```

            ```nearest
            [1, 2]
            ```

            ```nearest
            ```

            """)
        #expect(error(r, step: 2)?.position == SourcePosition(line: 8, column: 1))
        #expect(error(r, step: 2)?.message.contains("did you mean 'cat'") == true)
        #expect(error(r, step: 3)?.message.contains("2 entries") == true)
        #expect(error(r, step: 4)?.position == SourcePosition(line: 15, column: 4))
    }

    // MARK: project

    @Test func projectMatchesNumpySVDWithTheSignRule() {
        let r = runLesson(Self.table + "```project\n```\n")
        #expect(r.ok)
        let points = r.tensor(step: 2, "points")
        #expect(points?.rowLabels == ["cat", "dog", "car", "fish"])
        #expect(points?.colLabels == ["PC1", "PC2"])
        #expect(close(points, [
            [-0.44696962, 0.02542797], [-0.37733511, 0.18197193],
            [0.83179099, 0.09350579], [-0.00748626, -0.30090569],
        ], tolerance: 1e-7))
        #expect(close(r.tensor(step: 2, "explained"), [0.88573526, 0.11395969], tolerance: 1e-7))
        #expect(r.step(2)?.values.map(\.name) == ["points", "explained"])
    }

    @Test func projectNeedsTwoDifferentRows() {
        let r = runLesson("```embeddings\na: [1, 2]\n```\n\n```project\n```\n")
        #expect(error(r, step: 2)?.position == SourcePosition(line: 5, column: 4))
        #expect(error(r, step: 2)?.message.contains("at least 2 vectors") == true)
    }

    @Test func unlabelledMatrixIsNotATable() {
        let r = runLesson("```let\nM = [[1, 2], [3, 4]]\n```\n\n```project table=M\n```\n")
        #expect(error(r, step: 2)?.message.contains("without token labels") == true)
        let labelled = runLesson("```let\nM = label([[1, 2], [3, 4], [0, 1]], rows=[\"a\", \"b\", \"c\"])\n```\n\n```project table=M\n```\n")
        #expect(labelled.ok)
    }
}
