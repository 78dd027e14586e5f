import Foundation
import Testing
import StepmarkCore
@testable import StepmarkLesson

/// Expected numbers computed independently with Python 3 + numpy 2.4 (float64): sentence
/// vectors as `np.mean([T[w] for w in s.split()], 0)`, then `lr = 1.5`, three updates of
/// `S = X@W + b; D = softmax(S) - eye(2)[y]; W -= lr*X.T@D/n; b -= lr*D.sum(0)/n` from zeros,
/// and the held-out scores `Z@W + b`.
@Suite struct ClassifyDirectiveTests {
    static let table = """
        ```embeddings
        good: [1.0, 0.0]
        bad:  [0.0, 1.0]
        film: [0.2, 0.2]
        food: [0.3, 0.1]
        ```

        """

    @Test func trainsAndTestsLikeNumpy() throws {
        let report = runLesson(Self.table + """
            ```classify lr=1.5 epochs=3
            pos: good film
            neg: bad film
            pos: good food
            neg: bad food
            ---
            pos: good
            neg: bad film food
            ```
            """)
        #expect(report.ok, "\(report.errors)")
        let step = try #require(report.step(2))
        #expect(step.values.map(\.name) == ["classes", "vectors", "history", "W", "b", "test_vectors", "scores", "probs", "predictions", "accuracy"])
        guard case .tokens(let classes)? = step.value(named: "classes")?.value else { Issue.record("classes"); return }
        #expect(classes.tokens == ["pos", "neg"])
        // Row 0 by hand: W = 0, so both classes have probability 1/2 and the loss is log 2.
        #expect(close(report.tensor(step: 2, "history"), [
            [0, 0.6931471805599453, 0.5], [1, 0.6038724072376063, 1.0],
            [2, 0.5306370564771954, 1.0], [3, 0.4702710207214787, 1.0]], tolerance: 1e-12))
        #expect(close(report.tensor(step: 2, "W"), [[0.5062474326801246, -0.5062474326801246],
                                                    [-0.5157932966743106, 0.5157932966743106]], tolerance: 1e-12))
        #expect(close(report.tensor(step: 2, "b"), [-0.013636948563122878, 0.013636948563122878], tolerance: 1e-12))
        #expect(close(report.tensor(step: 2, "test_vectors"), [[1.0, 0.0], [0.16666666666666666, 0.43333333333333335]], tolerance: 1e-12))
        #expect(close(report.tensor(step: 2, "scores"), [[0.49261048411700176, -0.49261048411700176],
                                                         [-0.15277280500863671, 0.15277280500863671]], tolerance: 1e-12))
        #expect(close(report.tensor(step: 2, "probs"), [[0.7281429413095873, 0.2718570586904127],
                                                        [0.4242023756270381, 0.5757976243729619]], tolerance: 1e-12))
        #expect(report.tensor(step: 2, "scores")?.rowLabels == ["good", "bad film food"])
        #expect(report.tensor(step: 2, "W")?.colLabels == ["pos", "neg"])
        guard case .table(let predictions)? = step.value(named: "predictions")?.value else { Issue.record("predictions"); return }
        #expect(predictions.rows.map { $0[1] } == [.text("pos"), .text("neg")])
        #expect(report.tensor(step: 2, "accuracy")?.scalarValue == 1)
    }

    @Test func storesTheWeightsForLaterSteps() {
        let report = runLesson(Self.table + """
            ```classify epochs=5 weights=Wc bias=bc
            pos: good
            neg: bad
            ```

            ```let
            s = [1, 0] @ Wc + bc
            ```
            """)
        #expect(report.ok, "\(report.errors)")
        let w = report.tensor(step: 2, "W")!, b = report.tensor(step: 2, "b")!
        // s = row 0 of W plus b, computed here from the recorded values.
        #expect(close(report.tensor(step: 3, "s"), [w[0, 0] + b.data[0], w[0, 1] + b.data[1]], tolerance: 1e-15))
    }

    @Test func positionedErrors() {
        func error(_ body: String, args: String = "") -> String? {
            let report = runLesson(Self.table + "```classify\(args)\n" + body + "\n```\n")
            return report.errors.first.map { "\($0.position): \($0.message)" }
        }
        // The table takes lines 1-6, so the classify fence is line 7 and its body starts on line 8.
        #expect(error("pos: good\npos: good film")?.hasPrefix("8:1: a classifier needs examples of at least two classes") == true)
        #expect(error("pos: good\nneg bad") == "9:1: each line is `LABEL: sentence`, like `positive: a good film`; this one has no ':'")
        #expect(error("pos: good\nneg: bad flim")?.hasPrefix("9:10: 'flim' is not in the embedding table E; did you mean 'film'?") == true)
        #expect(error("pos: good\nneg: bad\n---\nmeh: film")?.hasPrefix("11:1: the held-out label 'meh' never occurs") == true)
        #expect(error("pos: good\nneg: bad\n---\n---\npos: good") == "11:1: a second '---' line: the lines after the first one are all held out")
        #expect(error("---\npos: good")?.hasPrefix("7:4: classify needs training lines") == true)
        #expect(error("pos: good\nneg:") == "9:4: the sentence after 'neg:' is empty")
        #expect(error("pos: good\nneg: bad", args: " lr=0")?.hasPrefix("7:16: lr= must be a positive number") == true)
        #expect(error("pos: good\nneg: bad", args: " epochs=200000")?.contains("--max-steps") == true)
    }
}

/// `classify model=`: each sentence is the pretrained model's sentence vector, checked against
/// the independent numpy forward pass of the tiny committed BERT.
@Suite struct ClassifyWithModelTests {
    @Test func sentenceVectorsComeFromTheModel() throws {
        let train = ["the river bank.", "money at the bank!"], test = ["i sat on the bank."]
        let report = runLesson(tinyModelBlock + """

            ```classify model=tiny lr=1 epochs=1
            nature: \(train[0])
            money: \(train[1])
            ---
            nature: \(test[0])
            ```
            """)
        #expect(report.errors.isEmpty, "\(report.errors)")
        func vector(_ s: String) throws -> [Double] { (try numpyReference(tinyBertPath, s)["sentence"] as! [NSNumber]).map(\.doubleValue) }
        #expect(close(report.tensor(step: 2, "vectors"), try train.map(vector), tolerance: 1e-12))
        #expect(close(report.tensor(step: 2, "test_vectors"), try test.map(vector), tolerance: 1e-12))
        // One update from W = 0 by hand: every probability is 1/2, so W = lr·Xᵀ(Y − 1/2)/n.
        let x = try train.map(vector)
        let w = try #require(report.tensor(step: 2, "W"))
        for j in 0..<x[0].count {
            let expected = 1.0 * (x[0][j] * 0.5 - x[1][j] * 0.5) / 2
            #expect(abs(w[j, 0] - expected) < 1e-12 && abs(w[j, 1] + expected) < 1e-12)
        }
        let both = runLesson(tinyModelBlock + "\n```embeddings\na: [1]\n```\n\n```classify model=tiny table=E\np: a\nq: a\n```\n")
        #expect(both.errors.first?.message.hasPrefix("give either table= (word vectors, mean-pooled) or model=") == true)
    }
}
