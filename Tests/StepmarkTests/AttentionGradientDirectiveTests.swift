import Foundation
import Testing
import StepmarkCore
@testable import StepmarkLesson
import StepmarkRender

/// `attend target=/grad=/jacobian_row=` and `train_attention` through real lessons. The
/// numbers were computed with numpy (the script is in the comment of each test); every
/// gradient is also checked against central differences and a numpy implementation run from
/// the tests in `StepmarkCoreTests/AttentionGradientTests.swift`.
@Suite struct AttentionGradientDirectiveTests {
    static let setup = """
        ```let
        tokens = ["강가", "의", "은행"]
        X = label([[2, 0, 0], [0, 0, 1], [1, 1, 0]], rows=tokens)
        Q = X
        K = X
        V = X
        T = [[2, 0, 0], [0, 0, 1], [2, 0, 0]]
        ```

        """

    /// numpy: s = 1/√3; z = X@X.T*s; w = softmax(z); out = w@X; L = mean((out − T)²);
    /// dO = 2(out − T)/9; dw = dO@X.T; ds = w*(dw − (dw*w).sum(1)); dz = ds*s;
    /// d_Q = dz@X, d_K = dz.T@X, d_V = w.T@dO; J = diag(w[2]) − outer(w[2], w[2]).
    @Test func riverBankGradients() throws {
        let report = runLesson(Self.setup + "```attend labels=tokens target=T jacobian_row=2\n```\n")
        let step = try #require(report.step(2))
        #expect(step.ok, "\(String(describing: step.error))")
        #expect(step.values.map(\.name) == ["scores", "scaled", "weights", "output", "loss", "d_output", "d_weights", "d_V",
                                            "jacobian", "d_scaled", "d_scores", "d_Q", "d_K"])
        #expect(abs(report.tensor(step: 2, "loss")!.data[0] - 0.20740373587060454) < 1e-15)
        let numpy: [String: [[Double]]] = [
            "d_output": [[-0.0807200476685498, 0.04951227360203317, 0.015603887033258317], [0.17630564099707982, 0.05876854699902661, -0.11753709399805325], [-0.15648637696342227, 0.09598602249367405, 0.030250177234874095]],
            "d_weights": [[-0.1614400953370996, 0.015603887033258317, -0.031207774066516633], [0.35261128199415964, -0.11753709399805325, 0.23507418799610644], [-0.31297275392684454, 0.030250177234874095, -0.06050035446974822]],
            "d_V": [[-0.0780339929865722, 0.09200581621363299, -0.006985911613530412], [0.056084811710838685, 0.044227669476111106, -0.05015624059347491], [-0.03895160235915873, 0.06803335740498971, -0.014540877522915505]],
            "d_scaled": [[-0.029302813133693078, 0.009521207877616747, 0.019781605256076328], [0.06679232262008783, -0.10250096619278448, 0.03570864357269664], [-0.06728443679807823, 0.02551667723621326, 0.04176775956186495]],
            "d_Q": [[-0.02241505898190342, 0.011420915119598585, 0.005497071931152415], [0.09774152586810889, 0.020616394979092807, -0.05917896042360086], [-0.05357874816879536, 0.0241146272264903, 0.014732060471152523]],
            "d_K": [[-0.07268266179914484, -0.03884668769764283, 0.03856256544450804], [0.025726204333457355, 0.014732060471152523, -0.05917896042360086], [0.04695645746568747, 0.0241146272264903, 0.020616394979092807]],
            "jacobian": [[0.2453674418098722, -0.058797782398211096, -0.18656965941166104], [-0.058797782398211096, 0.11759556479642222, -0.058797782398211096], [-0.18656965941166104, -0.058797782398211096, 0.2453674418098722]],
        ]
        for (name, expected) in numpy {
            #expect(close(report.tensor(step: 2, name), expected, tolerance: 1e-14), "\(name)")
        }
        // The Jacobian shown is the one the backward pass applies: J·d_weights[은행] = d_scaled[은행].
        let j = try #require(report.tensor(step: 2, "jacobian")), dw = try #require(report.tensor(step: 2, "d_weights")).row(2)
        let applied = (0..<3).map { r in (0..<3).reduce(0.0) { $0 + j[r, $1] * dw.data[$1] } }
        #expect(close(report.tensor(step: 2, "d_scaled")?.row(2), applied, tolerance: 1e-15))
        // d_scores = d_scaled / √3.
        let dScaled = try #require(report.tensor(step: 2, "d_scaled")), dScores = try #require(report.tensor(step: 2, "d_scores"))
        #expect(zip(dScaled.data, dScores.data).allSatisfy { abs($0 / 3.0.squareRoot() - $1) < 1e-16 })
        // Labels follow the tokens: d_weights is queries × keys, d_K is keys × features.
        #expect(report.tensor(step: 2, "d_weights")?.rowLabels == ["강가", "의", "은행"])
        #expect(report.tensor(step: 2, "jacobian")?.colLabels == ["강가", "의", "은행"])
    }

    /// Several heads, a causal mask and Wo: the order of SPEC (d_concat before the heads) and
    /// the shapes of the whole d_Q, d_K, d_V, d_wo; a masked pair gets no gradient.
    @Test func headsMaskAndWo() throws {
        let lesson = """
            ```let
            Q = [[1, 0, 0.5, 1], [0, 1, 1, 0], [1, 1, 0, 0]]
            K = [[0.5, 1, 0, 1], [1, 0, 1, 0], [0, 1, 1, 1]]
            V = [[1, 2, 0, 1], [0, 1, 1, 0], [2, 0, 1, 1]]
            Wo = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]]
            G = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
            ```

            ```attend heads=2 mask=causal wo=Wo grad=G
            ```
            """
        let report = runLesson(lesson)
        let step = try #require(report.step(2))
        #expect(step.ok, "\(String(describing: step.error))")
        // SPEC §3: "with heads, each under headN. and d_concat first": d_output too.
        let head = ["d_output", "d_weights", "d_V", "d_scaled", "d_scores", "d_Q", "d_K"]
        #expect(step.values.map(\.name) == ["head1.scores", "head1.scaled", "head1.masked", "head1.weights", "head1.output",
                                            "head2.scores", "head2.scaled", "head2.masked", "head2.weights", "head2.output",
                                            "concat", "output", "d_output", "d_wo", "d_concat"]
                + head.map { "head1." + $0 } + head.map { "head2." + $0 } + ["d_Q", "d_K", "d_V"])
        #expect(report.tensor(step: 2, "d_output")?.data == [1, 0, 0, 0, 1, 0, 0, 0, 1])
        #expect(report.tensor(step: 2, "d_wo")?.shape == [4, 3])
        #expect(report.tensor(step: 2, "d_Q")?.shape == [3, 4] && report.tensor(step: 2, "d_V")?.shape == [3, 4])
        // d_concat = G·Woᵀ (by hand: row i of Woᵀ's columns): [[1, 0, 0, 1], [0, 1, 0, 1], [0, 0, 1, 1]].
        #expect(close(report.tensor(step: 2, "d_concat"), [[1, 0, 0, 1], [0, 1, 0, 1], [0, 0, 1, 1]]))
        // Each head's d_output is its two columns of d_concat, and its d_V = weightsᵀ·d_output.
        #expect(close(report.tensor(step: 2, "head1.d_output"), [[1, 0], [0, 1], [0, 0]]))
        #expect(close(report.tensor(step: 2, "head2.d_output"), [[0, 1], [0, 1], [1, 1]]))
        let w2 = try #require(report.tensor(step: 2, "head2.weights"))
        let dV2 = (0..<3).map { j in (0..<2).map { c in (0..<3).reduce(0.0) { $0 + w2[$1, j] * [[0.0, 1], [0, 1], [1, 1]][$1][c] } } }
        #expect(close(report.tensor(step: 2, "head2.d_V"), dV2))
        for h in 1...2 {
            let ds = try #require(report.tensor(step: 2, "head\(h).d_scores"))
            #expect(ds[0, 1] == 0 && ds[0, 2] == 0 && ds[1, 2] == 0)
        }
        // The first query sees only the first key: its weight is 1, so the softmax passes no
        // gradient back to its scores at all (J = 1 − 1·1 = 0).
        #expect(report.tensor(step: 2, "head1.d_scaled")?.row(0).data == [0, 0, 0])
    }

    /// SPEC §3: d_scaled is "0 where masked": +0, never the −0 of 0 · (negative), which JSON
    /// writes as -0.0 (a red-team pass).
    @Test func maskedGradientsArePlusZero() throws {
        for scale in ["", " scale=2"] {
            let report = runLesson("```let\nG = [[-1, 0], [1, 0]]\n```\n\n```attend mask=causal grad=G\(scale)\nQ = [[1, 0], [0, 1]]\nK = Q\nV = [[1, 2], [3, 4]]\n```\n")
            #expect(report.errors.isEmpty, "\(report.errors)")
            for name in ["d_scaled", "d_scores"] {
                let t = try #require(report.tensor(step: 2, name))
                #expect(t[0, 1] == 0 && t[0, 1].sign == .plus, "\(name)\(scale): \(t[0, 1])")
            }
            #expect(JSONRenderer.render(report).contains("-0.0") == false)
        }
    }

    @Test func positionedErrors() throws {
        let undefined = runLesson(Self.setup + "```attend target=S\n```\n").steps.last?.error
        #expect(undefined?.message.hasPrefix("undefined name 'S'") == true && undefined?.position.column == 18)
        let lesson = Self.setup + "```let\nS = [[1, 2], [3, 4]]\n```\n"
        let shape = runLesson(lesson + "```attend target=S\n```\n").steps.last?.error
        #expect(shape?.message == "target= must have the output's shape: output is [3, 3], S is [2, 2]")
        #expect(shape?.position.line == 12 && shape?.position.column == 18)
        let both = runLesson(lesson + "```attend target=T grad=T\n```\n").steps.last?.error
        #expect(both?.message == "give either target= (a loss is computed) or grad= (a given ∂L/∂output), not both")
        #expect(both?.position.column == 25)
        let loss = runLesson(lesson + "```attend loss=mse\n```\n").steps.last?.error
        #expect(loss?.message == "loss= needs target=, the output the loss compares with")
        let kind = runLesson(lesson + "```attend target=T loss=mae\n```\n").steps.last?.error
        #expect(kind?.message == "loss= must be one of mse, got mae; did you mean 'mse'?" && kind?.position.column == 25)
        let row = runLesson(lesson + "```attend jacobian_row=3\n```\n").steps.last?.error
        #expect(row?.message == "jacobian_row= must be between 0 and 2, got 3" && row?.position.column == 24)
        let tokens = runLesson(lesson + "```attend grad=tokens\n```\n").steps.last?.error
        #expect(tokens?.message == "grad= must name a tensor of the output's shape [3, 3], but tokens is a token list of 3")
    }

    /// The lesson's training run: 은행 learns to look at 강가 (numpy, lr = 1, W_V fixed:
    /// 100 updates of W_Q and W_K move row 은행 from (0.4319, 0.1361, 0.4319) to
    /// (0.95953, 0.00132, 0.03916); the loss from 0.20740 to 0.00074).
    @Test func trainAttentionRecordsBeforeAndAfter() throws {
        let report = runLesson(Self.setup + "```train_attention target=T learn=qk lr=1 epochs=100 record=[0, 10, 100] labels=tokens\n```\n"
                                          + "```let\nlearned = wq\n```\n")
        let step = try #require(report.step(2))
        #expect(step.ok, "\(String(describing: step.error))")
        #expect(step.values.map(\.name) == ["wq_before", "wk_before", "wv_before", "epoch0.weights", "epoch10.weights",
                                            "epoch100.weights", "history", "wq_after", "wk_after", "output", "loss"])
        #expect(close(report.tensor(step: 2, "epoch0.weights")?.row(2), [0.4319371, 0.1361258, 0.4319371], tolerance: 1e-7))
        #expect(close(report.tensor(step: 2, "epoch100.weights")?.row(2), [0.95952517, 0.00131658, 0.03915825], tolerance: 1e-7))
        #expect(report.tensor(step: 2, "epoch100.weights")?.rowLabels == ["강가", "의", "은행"])
        let history = try #require(report.tensor(step: 2, "history"))
        #expect(history.shape == [101, 2] && abs(history[0, 1] - 0.20740373587060454) < 1e-15)
        #expect((1..<101).allSatisfy { history[$0, 1] < history[$0 - 1, 1] })
        #expect(step.resultName == "loss")
        // The trained matrices are stored as wq and wk for the steps below.
        let learned = try #require(report.tensor(step: 3, "learned"))
        #expect(learned.data == report.tensor(step: 2, "wq_after")?.data && learned.data != Tensor.identity(3).data)
    }

    @Test func trainAttentionErrors() throws {
        func error(_ block: String) -> LessonError? { runLesson(Self.setup + block).step(2)?.error }
        let noTarget = error("```train_attention lr=1\n```\n")
        #expect(noTarget?.message == "train_attention needs target=, the output each token should produce (like target=T)")
        let tokens = error("```train_attention target=tokens\n```\n")
        #expect(tokens?.message == "target= must name a matrix with one row per token, but tokens is a token list of 3" && tokens?.position.column == 27)
        let wrongTarget = runLesson(Self.setup + "```let\nS = [[1, 2], [3, 4], [5, 6]]\n```\n"
                                    + "```train_attention target=S\n```\n").steps.last?.error
        #expect(wrongTarget?.message == "S must be 3 × 3 (one row per token of X, one column per output), got [3, 2]")
        #expect(wrongTarget?.position.column == 27)
        let learn = error("```train_attention target=T learn=qo\n```\n")
        #expect(learn?.message == "learn= includes o but there is no output projection; give wo=NAME" && learn?.position.column == 35)
        let record = error("```train_attention target=T epochs=5 record=[0, 6]\n```\n")
        #expect(record?.message == "record= holds epoch 6, but the epochs run from 0 to 5")
        let epochs = runLesson(Self.setup + "```train_attention target=T epochs=200\n```\n", limits: { var l = Limits(); l.maxSteps = 100; return l }()).step(2)?.error
        #expect(epochs?.message == "epochs=200 is over the limit of 100 (raise it with --max-steps)")
        let kept = runLesson(Self.setup + "```train_attention target=T epochs=2 record=[0, 1, 2]\n```\n",
                             limits: { var l = Limits(); l.maxEntries = 20; return l }()).step(2)?.error
        #expect(kept?.message == "record= would keep 27 attention weights (3 epochs × 1 head × n² per sequence), over the limit of 20 (raise it with --max-entries)")
        #expect(kept?.position.column == 45)
        let lr = error("```train_attention target=T lr=0\n```\n")
        #expect(lr?.message.hasPrefix("lr= must be a positive number") == true)
    }

    /// Lesson 08 in both languages: the same steps and values, the numbers of its prose, and
    /// keys that pass. numpy (W_Q = W_K = W_V = I, learn W_Q and W_K, lr = 1): the river
    /// sentence after 10 updates gives 은행 (0.81761, 0.01793, 0.16446), after 100
    /// (0.95953, 0.00132, 0.03916) with loss 0.00074119; the money sentence the same numbers
    /// (its vectors are the river's with nature and money swapped); both sentences at once,
    /// 200 updates: (0.49887, 0.00227, 0.49887) in each, loss 0.056129.
    @Test(arguments: ["en", "ko"]) func lesson08(_ language: String) throws {
        let path = repositoryRoot + "/lessons/\(language)/08-how-attention-learns.md"
        let report = runLesson(try String(contentsOfFile: path, encoding: .utf8), path: path)
        #expect(report.ok, "lesson \(language) must run clean")
        let trainings = report.steps.filter { $0.directive == "train_attention" }
        guard trainings.count == 3, let gradients = report.steps.first(where: { $0.directive == "attend" }) else {
            Issue.record("the lesson's gradient and training steps are missing"); return
        }
        func value(_ step: Step, _ name: String) -> Tensor? { step.value(named: name)?.value.tensor }
        #expect(close(value(gradients, "d_Q")?.row(2), [-0.0536, 0.0241, 0.0147], tolerance: 5e-5))
        #expect(close(value(trainings[0], "epoch10.weights")?.row(2), [0.81761, 0.01793, 0.16446], tolerance: 1e-5))
        #expect(close(value(trainings[0], "epoch100.weights")?.row(2), [0.95953, 0.00132, 0.03916], tolerance: 1e-5))
        #expect(abs((value(trainings[0], "loss")?.scalarValue ?? .nan) - 0.0007411898622962491) < 1e-12)
        #expect(close(value(trainings[1], "epoch100.weights")?.row(2), [0.95953, 0.00132, 0.03916], tolerance: 1e-5))
        #expect(close(value(trainings[2], "epoch200.XB.weights")?.row(2), [0.49887, 0.00227, 0.49887], tolerance: 1e-5))
        #expect(abs((value(trainings[2], "loss")?.scalarValue ?? .nan) - 0.05612902066579715) < 1e-12)
        let result = try stepmark(["check", path])
        #expect(result.status == 0, "\(language): \(result.stdout) \(result.stderr)")
    }

    /// The two languages run the same directives and record the same value names.
    @Test func lesson08LanguagesAgree() throws {
        func names(_ language: String) throws -> [[String]] {
            let path = repositoryRoot + "/lessons/\(language)/08-how-attention-learns.md"
            return runLesson(try String(contentsOfFile: path, encoding: .utf8), path: path).steps.map { [$0.directive] + $0.values.map(\.name) }
        }
        #expect(try names("en") == names("ko"))
    }

    /// The HTML page draws the attention weights before and after training as heat maps with
    /// each row's largest weight marked (after training: 은행's row peaks at 강가).
    @Test func lesson08HeatMapsBeforeAndAfter() throws {
        let path = repositoryRoot + "/lessons/en/08-how-attention-learns.md"
        let html = HTMLRenderer().render(runLesson(try String(contentsOfFile: path, encoding: .utf8), path: path))
        for name in ["epoch0.weights", "epoch100.weights"] {
            guard let start = html.range(of: "data-name=\"\(name)\""), let end = html.range(of: "</li>", range: start.upperBound..<html.endIndex) else {
                Issue.record("no \(name) in the page"); continue
            }
            let item = String(html[start.upperBound..<end.lowerBound])
            #expect(item.contains("<th scope=\"row\">은행</th>") && item.contains("class=\"s max\""), "\(name)")
        }
        let after = html.range(of: "data-name=\"epoch100.weights\"").map { String(html[$0.upperBound...]) } ?? ""
        #expect(after.contains("<tr><th scope=\"row\">은행</th><td class=\"s max\" style=\"--h:0.96\" title=\"largest in its row\">0.9595</td>"))
    }
}
