import Foundation
import Testing
import StepmarkCore
@testable import StepmarkLesson

/// `encode` and `generate` through real lessons, against values computed independently with
/// numpy (script below), not with the implementation:
///
///     def softmax(x): m = x.max(-1, keepdims=True); e = np.exp(x - m); return e / e.sum(-1, keepdims=True)
///     def pe(n, d): P[p, j] = sin(p / 10000**((j - j%2)/d)) if j even else cos(…)
///     def ln(x): m = x.mean(-1, keepdims=True); v = ((x - m)**2).mean(-1, keepdims=True); return (x - m)/np.sqrt(v + 1e-5)
///     X = E[tokens] + pe(3, 4); Q, K, V = X@Wq, X@Wk, X@Wv
///     weights = softmax(Q@K.T/2); output = weights@V; context = ln(output + X)
///
/// Generation follows SPEC §2/§3 in Python: SplitMix64 (s += 0x9E3779B97F4A7C15; z = s;
/// z = (z ^ z>>30)·0xBF58476D1CE4E5B9; z = (z ^ z>>27)·0x94D049BB133111EB; z ^= z>>31; all mod 2⁶⁴),
/// u = (z >> 11)·2⁻⁵³, p = softmax(log P / T) for the bigram model (P = add-k counts of the next
/// token within each line), p = softmax(logits / T) with logits = (softmax(XXᵀ/√d + causal)·X)[-1]·Eᵀ
/// for the attention model; greedy = argmax (first on ties), sampling = first i with u < cumsum(p)ᵢ.
@Suite struct EncodeGenerateDirectiveTests {
    static let table = """
        ```let
        E = label([[1, 0.5, -0.5, 0], [0, 1, 0.5, -1], [0.5, -0.5, 1, 0.5], [-1, 0, 0.5, 1]], rows=["a", "b", "c", "d"])
        Wq = [[1, 0, 0.5, 0], [0, 1, 0, -0.5], [0.5, 0, 1, 0], [0, 0.5, 0, 1]]
        Wk = [[0.5, 0, 0, 1], [0, 0.5, 1, 0], [1, 0, 0.5, 0], [0, 1, 0, 0.5]]
        Wv = [[1, -1, 0, 0], [0, 1, -1, 0], [0, 0, 1, -1], [1, 0, 0, 1]]
        ```

        """

    static let corpus = """
        ```corpus
        the cat sat on the mat
        the dog sat on the rug
        the cat ate the fish
        ```

        """

    static let smallTable = """
        ```let
        E = label([[1, 0, 0.5], [1.5, 1, 0], [0, 1.5, 1], [-0.5, 0.5, 1.5]], rows=["the", "cat", "sat", "on"])
        ```

        """

    func names(_ report: Report, _ step: Int) -> [String] { report.step(step)?.values.map(\.name) ?? [] }

    func column(_ report: Report, _ step: Int, _ name: String) -> [Double]? {
        report.tensor(step: step, name)?.data
    }

    // MARK: - encode

    @Test func encodeWithPositionsProjectionsResidualAndNorm() {
        let report = runLesson(Self.table + """
            ```encode positions=sinusoidal wq=Wq wk=Wk wv=Wv residual=true norm=true
            a c b
            ```

            ```let
            c = context
            ```
            """)
        #expect(report.ok, "\(report.errors)")
        #expect(names(report, 2) == ["tokens", "embedded", "positioned", "Q", "K", "V",
                                     "scores", "scaled", "weights", "output", "context"])
        #expect(report.step(2)?.value(named: "tokens")?.value == .tokens(TokenList(["a", "c", "b"])))
        #expect(close(report.tensor(step: 2, "embedded"), [[1, 0.5, -0.5, 0], [0.5, -0.5, 1, 0.5], [0, 1, 0.5, -1]]))
        #expect(close(report.tensor(step: 2, "positioned"), [
            [1.0, 1.5, -0.5, 1.0],
            [1.3414709848078965, 0.040302305868139765, 1.0099998333341667, 1.4999500004166653],
            [0.9092974268256817, 0.58385316345285765, 0.51999866669333306, -1.9999333342224368e-04]], tolerance: 1e-12))
        #expect(close(report.tensor(step: 2, "scores"), [
            [3.875, 4.8236152972591135, 1.5417380694053862],
            [5.703602714030364, 8.316158383307833, 4.793924939317631],
            [1.8016874044186972, 2.773152663231121, 1.8668062375549044]], tolerance: 1e-12))
        #expect(close(report.tensor(step: 2, "weights"), [
            [0.342663416986167, 0.5506262806108329, 0.10671030240300007],
            [0.18772452241129362, 0.6931548455168061, 0.11912063207190028],
            [0.2733390076002899, 0.4442757553670516, 0.28238523703265855]], tolerance: 1e-12))
        #expect(close(report.tensor(step: 2, "output"), [
            [2.346897964757853, -0.5798542173986613, -0.1581998237651949, 0.7282640073434524],
            [2.4532860297766694, -0.8468162397932917, 0.2890951070115278, 0.5592317228066004],
            [2.065768163969507, -0.533308849349218, -0.1338964809110879, 0.4807850700574983]], tolerance: 1e-12))
        let expectedContext: [[Double]] = [
            [1.3932112263281056, -0.286677045678999, -1.379266677535391, 0.27273249688628415],
            [1.3370938770149752, -1.449127655054646, -0.1741119367322028, 0.2861457147718735],
            [1.715723414885681, -0.7906159655092277, -0.5030400415819376, -0.42206740779451574]]
        #expect(close(report.tensor(step: 2, "context"), expectedContext, tolerance: 1e-10))
        // Token labels on rows (and on the score columns).
        #expect(report.tensor(step: 2, "context")?.rowLabels == ["a", "c", "b"])
        #expect(report.tensor(step: 2, "weights")?.colLabels == ["a", "c", "b"])
        #expect(report.tensor(step: 2, "Q")?.rowLabels == ["a", "c", "b"])
        // The result is stored under `context`.
        #expect(report.step(2)?.resultName == "context")
        #expect(close(report.tensor(step: 3, "c"), expectedContext, tolerance: 1e-10))
        #expect(report.step(2)?.value(named: "context")?.formula?.contains("LayerNorm(output + positioned)") == true)
    }

    @Test func encodeWithTwoHeads() {
        let report = runLesson(Self.table + """
            ```encode wq=Wq wk=Wk wv=Wv heads=2 as=ctx
            b d a
            ```
            """)
        #expect(report.ok, "\(report.errors)")
        #expect(names(report, 2) == ["tokens", "embedded", "Q", "K", "V",
                                     "head1.scores", "head1.scaled", "head1.weights", "head1.output",
                                     "head2.scores", "head2.scaled", "head2.weights", "head2.output",
                                     "concat", "context"])
        #expect(close(report.tensor(step: 2, "head1.weights"), [
            [0.26673141639643605, 0.41496075905007507, 0.3183078245534888],
            [0.2034575206196086, 0.4507678076632513, 0.34577467171714016],
            [0.3026958593635068, 0.39460828127298647, 0.3026958593635068]], tolerance: 1e-12))
        #expect(close(report.tensor(step: 2, "head2.output"), [
            [-0.15822228169430674, -0.5838692662071092],
            [-0.590857893018714, 0.090857893018714],
            [-0.27721624307027115, -0.22278375692972885]], tolerance: 1e-12))
        let concat: [[Double]] = [
            [0.05157640815705278, 0.5225382631697666, -0.15822228169430674, -0.5838692662071092],
            [0.14231715109753157, 0.48133799242428976, -0.590857893018714, 0.090857893018714],
            [0, 0.5459562109547399, -0.27721624307027115, -0.22278375692972885]]
        #expect(close(report.tensor(step: 2, "concat"), concat, tolerance: 1e-12))
        // Without residual or norm the context is the attention output itself.
        #expect(close(report.tensor(step: 2, "context"), concat, tolerance: 1e-12))
        #expect(report.step(2)?.value(named: "head1.scaled")?.formula == "scaled = scores × 1/√2 = 0.7071")
        let stored = runLesson(Self.table + "```encode heads=2 as=ctx\nb d a\n```\n\n```let\nx = ctx\ny = context\n```\n")
        #expect(stored.ok)
    }

    @Test func encodeWithoutWeightsUsesXForQKV() {
        let report = runLesson(Self.table + "```encode\na b\n```\n")
        #expect(report.ok, "\(report.errors)")
        let x: [[Double]] = [[1, 0.5, -0.5, 0], [0, 1, 0.5, -1]]
        for name in ["embedded", "Q", "K", "V"] { #expect(close(report.tensor(step: 2, name), x), "\(name)") }
        #expect(report.step(2)?.value(named: "Q")?.formula == "Q = embedded (no wq given)")
        // scores = X·Xᵀ = [[1.5, 0.25], [0.25, 2.25]]; weights = softmax(scores / 2).
        #expect(close(report.tensor(step: 2, "scores"), [[1.5, 0.25], [0.25, 2.25]]))
        let w0 = 1 / (1 + exp(-0.625)), w1 = 1 / (1 + exp(-1.0))
        #expect(close(report.tensor(step: 2, "weights"), [[w0, 1 - w0], [1 - w1, w1]], tolerance: 1e-12))
    }

    /// Lesson 04's claim: the contextual vectors of 은행 differ between "강가 의 은행" and
    /// "돈 이 은행 에 있다" and lean towards 강 / 돈. numpy: X = E[tokens];
    /// C = softmax(X@X.T/2)@X; cos(C1[2], C2[2]), cos(C1[2], E[강]), cos(C1[2], E[돈]), …
    @Test func contextualBankDiffersBetweenSentences() {
        let report = runLesson("""
            ```embeddings
            강: [1, 0, 0, 0]
            강가: [0.9, 0, 0.1, 0.5]
            돈: [0, 1, 0, 0]
            은행: [0.5, 0.5, 0, 0.5]
            의: [0, 0, 0.3, 0]
            이: [0, 0, 0.3, 0.1]
            에: [0, 0, 0.3, 0.2]
            있다: [0.1, 0.1, 0.3, 0.2]
            ```

            ```encode as=river
            강가 의 은행
            ```

            ```encode as=money
            돈 이 은행 에 있다
            ```

            ```let
            bank_cos = cosine([0, 0, 1] @ river, [0, 0, 1, 0, 0] @ money)
            river_vs_table = cosine([0, 0, 1] @ river, E)
            money_vs_table = cosine([0, 0, 1, 0, 0] @ money, E)
            ```
            """)
        #expect(report.ok, "\(report.errors)")
        #expect(abs((report.tensor(step: 4, "bank_cos")?.scalarValue ?? 0) - 0.753474631014448) < 1e-12)
        let river = report.tensor(step: 4, "river_vs_table"), money = report.tensor(step: 4, "money_vs_table")
        #expect(close(river, [0.7683, 0.9510, 0.2788, 0.9225, 0.1694, 0.3348, 0.4464, 0.6859], tolerance: 5e-5))
        #expect(close(money, [0.3019, 0.5155, 0.7644, 0.8779, 0.3438, 0.4699, 0.5381, 0.7762], tolerance: 5e-5))
        #expect(close(report.tensor(step: 2, "weights"), [
            [0.4123, 0.2451, 0.3426], [0.3316, 0.3417, 0.3267], [0.3663, 0.2581, 0.3756]], tolerance: 5e-5))
        #expect(report.tensor(step: 3, "context")?.rowLabels == ["돈", "이", "은행", "에", "있다"])
    }

    @Test func decomposedHangulInTheTextMatchesTheTable() {
        // "은행" typed as conjoining jamo (NFD) is normalised to NFC before the lookup.
        let nfd = "은행".decomposedStringWithCanonicalMapping
        #expect(nfd.unicodeScalars.count > 2)
        let report = runLesson("```let\nE = label([[1, 0], [0, 1]], rows=[\"강가\", \"은행\"])\n```\n\n```encode\n강가 \(nfd)\n```\n")
        #expect(report.ok, "\(report.errors)")
        #expect(report.tensor(step: 2, "context")?.rowLabels == ["강가", "은행"])
    }

    // MARK: - generate, bigram

    @Test func bigramGreedy() {
        // After "the": cat 2, mat 1, dog 1, rug 1, fish 1. After "cat": sat 1, ate 1 — a tie, and
        // sat comes first in the vocabulary (order of first appearance).
        let report = runLesson(Self.corpus + "```generate model=bigram\nthe\n```\n")
        #expect(report.ok, "\(report.errors)")
        #expect(names(report, 2) == ["step1", "step2", "step3", "step4", "step5", "text"])
        #expect(report.step(2)?.value(named: "text")?.value == .text("the cat sat on the cat"))
        #expect(report.step(2)?.result == .text("the cat sat on the cat"))
        let step1 = report.tensor(step: 2, "step1")
        #expect(step1?.rowLabels == ["cat", "mat", "dog"])
        #expect(step1?.colLabels == ["probability"])
        #expect(close(step1, [[1.0 / 3], [1.0 / 6], [1.0 / 6]], tolerance: 1e-12))
        #expect(report.tensor(step: 2, "step2")?.rowLabels == ["sat", "ate", "the"])
        #expect(close(report.tensor(step: 2, "step2"), [[0.5], [0.5], [0]], tolerance: 1e-12))
        #expect(report.tensor(step: 2, "step3")?.rowLabels?.first == "on")
        // The context so far is visible at every step.
        #expect(report.step(2)?.value(named: "step2")?.formula?.hasPrefix("after 'the cat' → 'sat'") == true)
        #expect(report.step(2)?.value(named: "step5")?.formula?.hasPrefix("after 'the cat sat on the' → 'cat'") == true)
    }

    @Test func bigramSampledWithTemperatureAndSeed() {
        // seed 42: u = 0.7416, 0.1599, 0.2786, 0.3442, 0.0380, 0.8682. At T = 0.5 the
        // probabilities after "the" are p²/Σp² = cat 0.5, mat 0.125, dog 0.125, rug 0.125,
        // fish 0.125: the cumulative sums 0.5, 0.625, 0.75 put u = 0.7416 on "dog".
        let report = runLesson(Self.corpus + "```generate model=bigram steps=6 temperature=0.5 seed=42 top=2\nthe\n```\n")
        #expect(report.ok, "\(report.errors)")
        #expect(report.step(2)?.result == .text("the dog sat on the cat ate"))
        #expect(report.tensor(step: 2, "step1")?.rowLabels == ["cat", "mat"])
        #expect(close(report.tensor(step: 2, "step1"), [[0.5], [0.125]], tolerance: 1e-12))
        #expect(report.tensor(step: 2, "step6")?.rowLabels == ["sat", "ate"])
        #expect(report.step(2)?.value(named: "step1")?.formula?.contains("u = 0.7416") == true)
    }

    @Test func bigramSmoothing() {
        // smoothing 0.5 over 9 tokens, T = 2, seed 1: the dog rug fish on.
        let report = runLesson(Self.corpus + "```generate model=bigram steps=4 temperature=2 seed=1 smoothing=0.5\nthe\n```\n")
        #expect(report.ok, "\(report.errors)")
        #expect(report.step(2)?.result == .text("the dog rug fish on"))
        #expect(close(report.tensor(step: 2, "step1"), [[0.16985885068814793], [0.13157209998422584], [0.13157209998422584]], tolerance: 1e-12))
        #expect(close(report.tensor(step: 2, "step3"), [[1.0 / 9], [1.0 / 9], [1.0 / 9]], tolerance: 1e-12))
    }

    @Test func bigramStopsAtATokenWithNoContinuation() {
        // seed 7: u = 0.3898 lands on "mat" (cumulative 0.3333, then 0.5); "mat" ends its line.
        let report = runLesson(Self.corpus + "```generate model=bigram steps=6 temperature=1 seed=7\nthe\n```\n")
        #expect(report.ok, "\(report.errors)")
        #expect(names(report, 2) == ["step1", "text"])
        #expect(report.step(2)?.result == .text("the mat"))
        #expect(report.step(2)?.warnings.first?.contains("stopped after 1 of 6 steps") == true)
        #expect(report.step(2)?.warnings.first?.contains("'mat'") == true)
    }

    @Test func zeroStepsKeepsThePrompt() {
        let report = runLesson(Self.corpus + "```generate model=bigram steps=0\nthe cat\n```\n")
        #expect(report.ok)
        #expect(names(report, 2) == ["text"])
        #expect(report.step(2)?.result == .text("the cat"))
    }

    @Test func generationChecksTheTimeLimitBetweenTokens() throws {
        // A runner would skip a step that starts after the deadline, so run the directive
        // directly with a deadline already past: the loop must stop with the limit's error.
        let lesson = LessonParser.parse("```generate model=bigram steps=1000\nthe\n```\n", path: "lesson.md")
        guard case .directive(let block) = lesson.blocks.first else { Issue.record("no directive"); return }
        var environment = Environment()
        environment.define("corpus", .text("the cat sat on the mat"))
        let info = try InfoString.parse(block.info, at: block.infoPosition)
        let context = StepContext(block: block, args: Arguments(info: info, position: block.infoPosition),
                                  environment: environment, limits: Limits(), baseDirectory: ".",
                                  deadline: Date().addingTimeInterval(-1), precision: 4)
        #expect {
            try GenerateDirective.run(context)
        } throws: { error in
            (error as? LessonError)?.message.contains("--max-seconds") == true
        }
    }

    // MARK: - generate, attention

    @Test func attentionGreedyAndSampled() {
        let greedy = runLesson(Self.smallTable + "```generate model=attention steps=3\nthe\n```\n")
        #expect(greedy.ok, "\(greedy.errors)")
        #expect(greedy.step(2)?.result == .text("the cat cat cat"))
        #expect(greedy.tensor(step: 2, "step1")?.rowLabels == ["cat", "the", "sat"])
        #expect(close(greedy.tensor(step: 2, "step1"), [[0.4109839536767612], [0.3200746249532436], [0.15119254720903685]], tolerance: 1e-12))
        #expect(close(greedy.tensor(step: 2, "step2"), [[0.6550186123729059], [0.1698688867696556], [0.1390516251489044]], tolerance: 1e-12))

        // seed 5: u = 0.3868, 0.7523, 0.2327, 0.0993; the last one falls on "the" (vocabulary order).
        let sampled = runLesson(Self.smallTable + "```generate model=attention steps=4 temperature=1 seed=5\nthe\n```\n")
        #expect(sampled.ok, "\(sampled.errors)")
        #expect(sampled.step(2)?.result == .text("the cat cat cat the"))
        #expect(close(sampled.tensor(step: 2, "step4"), [[0.6986193552940351], [0.14280032582572894], [0.13166708911657124]], tolerance: 1e-12))
        #expect(sampled.step(2)?.value(named: "step4")?.formula?.hasPrefix("after 'the cat cat cat' → 'the'") == true)
    }

    // MARK: - errors

    func error(_ report: Report) -> LessonError? { report.errors.first }

    @Test func encodeUnknownTokenIsReportedAtTheToken() {
        // Lines 1-6 are the table block; the encode fence is line 7.
        let report = runLesson(Self.table + "```encode\na  zz b\n```\n")
        let e = error(report)
        #expect(e?.position == SourcePosition(line: 8, column: 4))
        #expect(e?.message.contains("'zz' is not in the embedding table E") == true)
    }

    @Test func encodeEmptyText() {
        let report = runLesson(Self.table + "```encode positions=sinusoidal\n\n```\n")
        #expect(error(report)?.position == SourcePosition(line: 7, column: 4))
        #expect(error(report)?.message.contains("needs a sentence") == true)
    }

    @Test func encodeMissingTable() {
        let report = runLesson("```encode\na b\n```\n")
        #expect(error(report)?.position == SourcePosition(line: 1, column: 4))
        #expect(error(report)?.message.contains("undefined name 'E'") == true)
        let named = runLesson(Self.table + "```encode table=F\na b\n```\n")
        #expect(error(named)?.position == SourcePosition(line: 7, column: 17))
        // A matrix without token labels is not a table.
        let unlabelled = runLesson("```let\nM = [[1, 0], [0, 1]]\n```\n\n```encode table=M\na b\n```\n")
        #expect(error(unlabelled)?.position == SourcePosition(line: 5, column: 17))
        #expect(error(unlabelled)?.message.contains("without token labels") == true)
    }

    @Test func encodeBadProjectionHeadsAndResidual() {
        let wrong = runLesson(Self.table + "```let\nW3 = ones(3, 4)\nW2 = ones(4, 2)\n```\n\n```encode wq=W3\na b\n```\n")
        #expect(error(wrong)?.position == SourcePosition(line: 12, column: 14))
        #expect(error(wrong)?.message.contains("must have 4 rows") == true)
        let heads = runLesson(Self.table + "```encode heads=3\na b\n```\n")
        #expect(error(heads)?.position == SourcePosition(line: 7, column: 17))
        #expect(error(heads)?.message.contains("heads=3 must divide") == true)
        let residual = runLesson(Self.table + "```let\nW2 = ones(4, 2)\n```\n\n```encode wv=W2 residual=true\na b\n```\n")
        #expect(error(residual)?.position == SourcePosition(line: 11, column: 26))
        let qk = runLesson(Self.table + "```let\nW2 = ones(4, 2)\n```\n\n```encode wq=W2\na b\n```\n")
        #expect(error(qk)?.message.contains("Q and K need the same width") == true)
    }

    @Test func generateErrors() {
        // The corpus block is lines 1-5; the generate fence is line 6.
        func run(_ info: String, _ body: String = "the", limits: Limits = .init()) -> LessonError? {
            error(runLesson(Self.corpus + "```" + info + "\n" + body + "\n```\n", limits: limits))
        }
        let noModel = run("generate")
        #expect(noModel?.position == SourcePosition(line: 6, column: 4))
        #expect(noModel?.message.contains("model=bigram or model=attention") == true)

        let badModel = run("generate model=trigram")
        #expect(badModel?.position == SourcePosition(line: 6, column: 19))

        let empty = run("generate model=bigram", "  ")
        #expect(empty?.position == SourcePosition(line: 6, column: 4))
        #expect(empty?.message.contains("needs a prompt") == true)

        let tooMany = run("generate model=bigram steps=1001")
        #expect(tooMany?.position == SourcePosition(line: 6, column: 32))
        #expect(tooMany?.message.contains("over the limit of 1000") == true)
        #expect(tooMany?.message.contains("--max-tokens") == true)
        var limits = Limits()
        limits.maxTokens = 3
        #expect(run("generate model=bigram steps=4", limits: limits)?.message.contains("over the limit of 3 (raise it with --max-tokens)") == true)
        #expect(run("generate model=bigram steps=3", limits: limits) == nil)

        let cold = run("generate model=bigram temperature=-0.5")
        #expect(cold?.position == SourcePosition(line: 6, column: 38))
        #expect(cold?.message.contains("temperature= must be a number ≥ 0") == true)

        let unknownLast = run("generate model=bigram", "the  unicorn")
        #expect(unknownLast?.position == SourcePosition(line: 7, column: 6))
        #expect(unknownLast?.message.contains("'unicorn'") == true)

        let tableForBigram = run("generate model=bigram table=E")
        #expect(tableForBigram?.position == SourcePosition(line: 6, column: 26))

        let negativeSmoothing = run("generate model=bigram smoothing=-1")
        #expect(negativeSmoothing?.position == SourcePosition(line: 6, column: 36))
    }

    @Test func generateMissingCorpusOrTable() {
        let noCorpus = error(runLesson("```generate model=bigram\nthe\n```\n"))
        #expect(noCorpus?.position == SourcePosition(line: 1, column: 4))
        #expect(noCorpus?.message.contains("undefined name 'corpus'") == true)

        let named = error(runLesson(Self.corpus + "```generate model=bigram corpus=stories\nthe\n```\n"))
        #expect(named?.position == SourcePosition(line: 6, column: 33))
        #expect(named?.message.contains("undefined name 'stories'") == true)

        let notText = error(runLesson("```let\ncorpus = [1, 2]\n```\n\n```generate model=bigram\nthe\n```\n"))
        #expect(notText?.position == SourcePosition(line: 5, column: 4))
        #expect(notText?.message.contains("must name a text") == true)

        let noTable = error(runLesson("```generate model=attention\nthe\n```\n"))
        #expect(noTable?.position == SourcePosition(line: 1, column: 4))
        #expect(noTable?.message.contains("undefined name 'E'") == true)

        let unknownToken = error(runLesson(Self.smallTable + "```generate model=attention\nthe dog\n```\n"))
        #expect(unknownToken?.position == SourcePosition(line: 5, column: 5))
        #expect(unknownToken?.message.contains("'dog' is not in the embedding table E") == true)

        let corpusForAttention = error(runLesson(Self.smallTable + Self.corpus + "```generate model=attention corpus=corpus\nthe\n```\n"))
        #expect(corpusForAttention?.position == SourcePosition(line: 9, column: 29))
    }
}
