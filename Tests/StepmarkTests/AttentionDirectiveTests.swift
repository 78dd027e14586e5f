import Testing
import StepmarkGrade
import StepmarkCore
@testable import StepmarkLesson

/// `attend` and `softmax` through real lessons, against values computed with numpy:
///   def sm(x): x = x - x.max(-1, keepdims=True); e = np.exp(x); return e / e.sum(-1, keepdims=True)
///   Q, K, V as below; weights = sm(Q @ K.T / np.sqrt(4)); output = weights @ V
@Suite struct AttentionDirectiveTests {
    static let qkv = """
        ```let
        Q = [[1, 0, 1, 0], [0, 1, 0, 1], [1, 1, 0, 0]]
        K = [[1, 2, 0, 1], [0, 1, 1, 0], [2, 0, 1, 1]]
        V = [[1, 0, 2, 1], [0, 1, 1, 3], [1, 1, 0, 0]]
        tokens = ["강가", "의", "은행"]
        ```

        """

    @Test func defaultScaleIsOneOverRootDk() {
        let report = runLesson(Self.qkv + "```attend labels=tokens\n```\n")
        #expect(report.ok, "\(report.errors)")
        #expect(close(report.tensor(step: 2, "scores"), [[1, 1, 3], [3, 1, 1], [3, 1, 2]]))
        #expect(close(report.tensor(step: 2, "scaled"), [[0.5, 0.5, 1.5], [1.5, 0.5, 0.5], [1.5, 0.5, 1]]))
        #expect(close(report.tensor(step: 2, "weights"), [
            [0.21194155761708544, 0.21194155761708544, 0.5761168847658291],
            [0.5761168847658291, 0.21194155761708544, 0.21194155761708544],
            [0.506480391055654, 0.1863237232258476, 0.3071958857184984]], tolerance: 1e-12))
        #expect(close(report.tensor(step: 2, "output"), [
            [0.7880584423829146, 0.7880584423829146, 0.6358246728512563, 0.8477662304683418],
            [0.7880584423829146, 0.4238831152341709, 1.3641753271487436, 1.2119415576170853],
            [0.8136762767741523, 0.493519608944346, 1.1992845053371557, 1.0654515607331967]], tolerance: 1e-12))
        // Sub-steps in SPEC order, no mask without mask=.
        #expect(report.step(2)?.values.map(\.name) == ["scores", "scaled", "weights", "output"])
        // Token labels on rows and columns.
        #expect(report.tensor(step: 2, "weights")?.rowLabels == ["강가", "의", "은행"])
        #expect(report.tensor(step: 2, "weights")?.colLabels == ["강가", "의", "은행"])
        #expect(report.tensor(step: 2, "output")?.rowLabels == ["강가", "의", "은행"])
    }

    @Test func explicitScale() {
        let report = runLesson(Self.qkv + "```attend scale=1\n```\n")
        #expect(close(report.tensor(step: 2, "weights"), [
            [0.10650697891920076, 0.10650697891920076, 0.7869860421615985],
            [0.7869860421615984, 0.10650697891920073, 0.10650697891920073],
            [0.6652409557748218, 0.09003057317038046, 0.24472847105479764]], tolerance: 1e-12))
    }

    @Test func causalMaskSquare() {
        let report = runLesson(Self.qkv + "```attend mask=causal\n```\n")
        #expect(report.step(2)?.values.map(\.name) == ["scores", "scaled", "masked", "weights", "output"])
        let masked = report.tensor(step: 2, "masked")!
        #expect(masked[0, 1] == -.infinity && masked[0, 2] == -.infinity && masked[1, 2] == -.infinity)
        #expect(masked[1, 0] == 1.5 && masked[2, 2] == 1)
        #expect(close(report.tensor(step: 2, "weights"), [
            [1, 0, 0], [0.7310585786300049, 0.2689414213699951, 0],
            [0.506480391055654, 0.1863237232258476, 0.3071958857184984]], tolerance: 1e-12))
        #expect(close(report.tensor(step: 2, "output"), [
            [1, 0, 2, 1], [0.7310585786300049, 0.2689414213699951, 1.7310585786300048, 1.5378828427399902],
            [0.8136762767741523, 0.493519608944346, 1.1992845053371557, 1.0654515607331967]], tolerance: 1e-12))
    }

    /// Two queries over three keys: query i sees key j when j ≤ i + n_k − n_q = i + 1.
    @Test func causalMaskNonSquare() {
        let report = runLesson(Self.qkv + """
            ```let
            Q2 = [[1, 0, 1, 0], [0, 1, 0, 1]]
            ```

            ```attend q=Q2 mask=causal
            ```
            """)
        #expect(report.ok, "\(report.errors)")
        #expect(close(report.tensor(step: 3, "weights"), [
            [0.5, 0.5, 0], [0.5761168847658291, 0.21194155761708544, 0.21194155761708544]], tolerance: 1e-12))
        #expect(close(report.tensor(step: 3, "output"), [
            [0.5, 0.5, 1.5, 2], [0.7880584423829146, 0.4238831152341709, 1.3641753271487436, 1.2119415576170853]], tolerance: 1e-12))
    }

    @Test func moreQueriesThanKeysWithCausalMaskIsAnError() {
        let report = runLesson("""
            ```attend mask=causal
            Q = [[1, 0], [0, 1], [1, 1]]
            K = [[1, 0], [0, 1]]
            V = [[1, 2], [3, 4]]
            ```
            """)
        let error = report.step(1)?.error
        #expect(error?.message.contains("fully masked") == true)
        #expect(error?.line == 1)
    }

    /// heads=2 splits d=4 into two blocks of 2; each head scales by 1/√2.
    @Test func multiHeadWithOutputProjection() {
        let report = runLesson(Self.qkv + """
            ```let
            Wo = [[1, 0], [0, 1], [1, 1], [0.5, -1]]
            ```

            ```attend heads=2 wo=Wo
            ```
            """)
        #expect(report.ok, "\(report.errors)")
        let names = report.step(3)!.values.map(\.name)
        #expect(names == ["head1.scores", "head1.scaled", "head1.weights", "head1.output",
                          "head2.scores", "head2.scaled", "head2.weights", "head2.output", "concat", "output"])
        #expect(close(report.tensor(step: 3, "head1.weights"), [
            [0.28399540974126003, 0.14002924504337802, 0.5759753452153619],
            [0.575975345215362, 0.28399540974126003, 0.14002924504337802],
            [0.575975345215362, 0.14002924504337802, 0.28399540974126003]], tolerance: 1e-12))
        #expect(close(report.tensor(step: 3, "head2.weights"), [
            [0.1977758146404282, 0.4011120926797859, 0.4011120926797859],
            [0.4011120926797859, 0.1977758146404282, 0.4011120926797859],
            [1.0 / 3, 1.0 / 3, 1.0 / 3]], tolerance: 1e-12))
        #expect(close(report.tensor(step: 3, "concat"), [
            [0.8599707549566219, 0.7160045902587399, 0.7966637219606423, 1.401112092679786],
            [0.71600459025874, 0.424024654784638, 1, 0.9944395366010705],
            [0.859970754956622, 0.424024654784638, 1, 1.3333333333333333]], tolerance: 1e-12))
        #expect(close(report.tensor(step: 3, "output"), [
            [2.3571905232571573, 0.11155621953959605],
            [2.213224358559275, 0.4295851181835675],
            [2.5266374216232887, 0.09069132145130476]], tolerance: 1e-12))
    }

    @Test func resultIsStoredUnderOutputAndAs() {
        let report = runLesson(Self.qkv + "```attend as=ctx\n```\n\n```let\ny = ctx - output\n```\n")
        #expect(report.ok)
        #expect(report.tensor(step: 3, "y")?.data.allSatisfy { $0 == 0 } == true)
    }

    @Test func bodyAssignsQKV() {
        // The SPEC's own example: Q = K, so scores = Q·Qᵀ.
        let report = runLesson("""
            ```attend mask=causal as=ctx
            Q = [[1, 0], [0, 1], [1, 1]]
            K = Q
            V = [[1, 2], [3, 4], [5, 6]]
            ```
            """)
        #expect(report.ok)
        #expect(close(report.tensor(step: 1, "scores"), [[1, 0, 1], [0, 1, 1], [1, 1, 2]]))
    }

    /// numpy: sm(np.array([2.0, 1.0, 0.1]) / 2); the sum of exp((x − 2) / 2) = 1.9932716831671347.
    @Test func softmaxWithTemperature() {
        let report = runLesson("```softmax temperature=2\n[2.0, 1.0, 0.1]\n```\n")
        #expect(report.step(1)?.values.map(\.name) == ["input", "shifted", "exp", "sum", "output"])
        #expect(close(report.tensor(step: 1, "shifted"), [0, -0.5, -0.95], tolerance: 1e-15))
        #expect(abs(report.tensor(step: 1, "sum")!.data[0] - 1.9932716831671347) < 1e-12)
        #expect(close(report.tensor(step: 1, "output"), [0.501687757090437, 0.30428900627781413, 0.1940232366317488], tolerance: 1e-12))
    }

    @Test func softmaxRowsAndColumns() {
        let rows = runLesson("```softmax\n[[1, 2, 3], [1, 1, 1]]\n```\n")
        #expect(close(rows.tensor(step: 1, "output"), [
            [0.09003057317038046, 0.24472847105479764, 0.6652409557748218], [1.0 / 3, 1.0 / 3, 1.0 / 3]], tolerance: 1e-12))
        // Row 1 shifted is [−2, −1, 0]: e⁻² + e⁻¹ + 1 = 0.1353352832366127 + 0.36787944117144233 + 1.
        #expect(close(rows.tensor(step: 1, "sum"), [1.5032147244080551, 3], tolerance: 1e-12))
        let cols = runLesson("```softmax axis=col\n[[1, 2, 3], [1, 1, 1]]\n```\n")
        #expect(close(cols.tensor(step: 1, "output"), [
            [0.5, 0.7310585786300049, 0.8807970779778823], [0.5, 0.2689414213699951, 0.11920292202211755]], tolerance: 1e-12))
    }

    /// exp(−∞) = 0, and a row that is −∞ everywhere is an error, never NaN.
    @Test func softmaxOfNegativeInfinity() throws {
        let steps = try Softmax.rows(.vector([0, -.infinity]))
        #expect(steps.output.data == [1, 0])
        #expect(throws: TensorError.self) { try Softmax.rows(.vector([-.infinity, -.infinity])) }
    }

    /// One head with wo=: `concat` is the head's weights·V, `output` is concat·Wo and the only
    /// `output`, so `check=output` grades concat·Wo. Numbers by hand: scores = I, scaled = I/√2,
    /// each row's weights (e^{1/√2}, 1)/(e^{1/√2} + 1) = (0.669761, 0.330239) or reversed.
    @Test func oneHeadWithWoRecordsOutputOnce() {
        let lesson = "```let\nWo = [[2, 0], [0, 10]]\n```\n\n```attend wo=Wo exercise=e1 check=output\nQ = [[1, 0], [0, 1]]\nK = Q\nV = [[1, 2], [3, 4]]\n```\n\n```answer e1\n[[3.3210, 26.6048], [4.6790, 33.3952]]\n```\n"
        let report = Exercises.check(runLesson(lesson))
        let step = report.step(2)!
        #expect(step.values.map(\.name) == ["scores", "scaled", "weights", "concat", "output"])
        let a = 0.6697615493266569, b = 1 - a
        #expect(close(step.value(named: "concat")?.value.tensor, [[a * 1 + b * 3, a * 2 + b * 4], [b * 1 + a * 3, b * 2 + a * 4]], tolerance: 1e-12))
        #expect(close(step.value(named: "output")?.value.tensor, [[2 * (a + 3 * b), 10 * (2 * a + 4 * b)], [2 * (b + 3 * a), 10 * (2 * b + 4 * a)]], tolerance: 1e-12))
        #expect(report.exercises.first?.passed == true, "the key's answer is concat·Wo")
    }

    /// `check=x` on a `let` that assigns x twice grades what x holds after the step (the last),
    /// as the environment and the notebook do; it graded the first.
    @Test func checkOfANameAssignedTwiceGradesTheLast() {
        let report = Exercises.check(runLesson("```let exercise=e check=x\nx = 1\nx = 2\n```\n\n```answer e\n2\n```\n"))
        #expect(report.exercises.first?.passed == true)
    }
}
