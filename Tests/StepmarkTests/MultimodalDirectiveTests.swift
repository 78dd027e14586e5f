import Foundation
import Testing
import StepmarkCore
@testable import StepmarkLesson

/// The `image` and `align` directives (issue 5). Expected numbers come from an independent numpy
/// implementation (forward pass, analytic gradients checked against finite differences, plain
/// gradient descent, SplitMix64/Xavier from SPEC §2), with the inputs written out here.
@Suite struct MultimodalDirectiveTests {
    // MARK: - image

    @Test func characterPictureReadsTheRamp() {
        // Ramp " .:-=+*#%@": character i is i/9. '@' = 9/9, '+' = 5/9, ' ' = 0, '.' = 1/9, '#' = 7/9, '=' = 4/9.
        let report = runLesson("```image name=tiny\n@+ \n.#=\n```\n\n```let\ny = tiny\n```\n")
        #expect(report.ok)
        #expect(report.step(1)?.values.map(\.name) == ["pixels"])
        let expected: [[Double]] = [[1, 5.0 / 9, 0], [1.0 / 9, 7.0 / 9, 4.0 / 9]]
        #expect(close(report.tensor(step: 1, "pixels"), expected))
        #expect(close(report.tensor(step: 2, "y"), expected))
    }

    @Test func shortLinesArePaddedWithDarkPixels() {
        // Editors drop trailing spaces: "@" under "@@@" is "@  ", and an empty line is a dark row.
        let report = runLesson("```image name=p\n@\n\n@@@\n```\n")
        #expect(report.ok)
        #expect(close(report.tensor(step: 1, "pixels"), [[1, 0, 0], [0, 0, 0], [1, 1, 1]]))
    }

    @Test func numericPicture() {
        let report = runLesson("```image name=p\n0, 0.5, 1\n0.25 0.75 0\n```\n")
        #expect(report.ok)
        #expect(close(report.tensor(step: 1, "pixels"), [[0, 0.5, 1], [0.25, 0.75, 0]]))
    }

    @Test func stackFlattensPicturesIntoLabelledRows() {
        let lesson = """
            ```image name=a
            @.
            :@
            ```

            ```image name=b
            0 1
            0.5 0
            ```

            ```image name=both stack=[a, b]
            ```
            """
        let report = runLesson(lesson)
        #expect(report.ok)
        let features = report.tensor(step: 3, "features")
        let expected: [[Double]] = [[1, 1.0 / 9, 2.0 / 9, 1], [0, 1, 0.5, 0]]
        #expect(close(features, expected))
        #expect(features?.rowLabels == ["a", "b"])
    }

    // MARK: - image errors

    @Test func unknownCharacterIsPositionedInTheFile() {
        // Line 1 is the fence; the 'x' is the third character of line 3.
        let report = runLesson("```image name=bad\n@@@\n@@x\n```\n")
        let error = report.step(1)?.error
        #expect(error?.position == SourcePosition(line: 3, column: 3))
        #expect(error?.message.contains("'x'") == true)
        #expect(error?.message.contains(" .:-=+*#%@") == true)
    }

    @Test func tabIsAnUnknownCharacter() {
        let report = runLesson("```image name=bad\n@\t@\n```\n")
        #expect(report.step(1)?.error?.position == SourcePosition(line: 2, column: 2))
        #expect(report.step(1)?.error?.message.contains("tab") == true)
    }

    @Test func indentedFenceKeepsColumnsRight() {
        // A fence indented by 2: that indentation is not part of the picture, and the column
        // of the bad character still counts from the start of the file's line.
        let report = runLesson("  ```image name=bad\n  @@\n  @?\n  ```\n")
        #expect(report.step(1)?.error?.position == SourcePosition(line: 3, column: 4))
        let good = runLesson("  ```image name=p\n  @@\n   @\n  ```\n")
        #expect(close(good.tensor(step: 1, "pixels"), [[1, 1], [0, 1]]))
    }

    @Test func raggedNumericPictureNamesBothRows() {
        let report = runLesson("# t\n\n```image name=bad\n0 1 0.5\n1 0\n```\n")
        let error = report.step(1)?.error
        #expect(error?.position == SourcePosition(line: 5, column: 1))
        #expect(error?.message.contains("2 pixels") == true)
        #expect(error?.message.contains("line 4") == true)
        #expect(error?.message.contains("has 3") == true)
    }

    @Test func numberOutsideZeroOneIsPositioned() {
        let report = runLesson("```image name=bad\n0 1\n0.5 1.5\n```\n")
        #expect(report.step(1)?.error?.position == SourcePosition(line: 3, column: 5))
        #expect(report.step(1)?.error?.message.contains("outside [0, 1]") == true)
    }

    @Test func imageNeedsANameAndPixels() {
        let noName = runLesson("```image\n@@\n```\n")
        #expect(noName.step(1)?.error?.position == SourcePosition(line: 1, column: 4))
        #expect(noName.step(1)?.error?.message.contains("name=") == true)
        let empty = runLesson("```image name=p\n```\n")
        #expect(empty.step(1)?.error?.position == SourcePosition(line: 1, column: 4))
        #expect(empty.step(1)?.error?.message.contains("no pixels") == true)
    }

    @Test func stackErrorsArePositioned() {
        let lesson = """
            ```image name=a
            @@
            ```

            ```image name=b
            @@@
            ```

            ```image name=s stack=[a, c]
            ```

            ```image name=s stack=[a, b]
            ```
            """
        let report = runLesson(lesson)
        // 'c' is undefined: column of the c in "```image name=s stack=[a, c]".
        #expect(report.step(3)?.error?.position == SourcePosition(line: 9, column: 27))
        #expect(report.step(3)?.error?.message.contains("undefined name 'c'") == true)
        // Different sizes: named, at the list.
        #expect(report.step(4)?.error?.position == SourcePosition(line: 12, column: 23))
        #expect(report.step(4)?.error?.message.contains("same size") == true)
    }

    // MARK: - align forward

    /// Text T (3 × 4), three 2 × 2 pictures, Wt and Wi (4 × 3), τ = 0.5.
    static let setup = """
        ```let
        T = label([[1, 0, 1, 0], [0, 1, 0, 0], [1, 1, 0, 1]], rows=["t1", "t2", "t3"])
        Wt = [[0.5, -0.2, 0.1], [0.3, 0.8, -0.4], [-0.6, 0.1, 0.9], [0.2, 0.2, 0.2]]
        Wi = [[0.4, 0.1, -0.3], [-0.2, 0.7, 0.5], [0.9, -0.1, 0.2], [0.1, 0.3, -0.8]]
        ```

        ```image name=p1
        0 1
        0.5 0
        ```

        ```image name=p2
        1 1
        0 0.25
        ```

        ```image name=p3
        0 0
        1 1
        ```

        """

    // numpy: A = T@Wt, U = A/|A| by rows; B = I@Wi, V likewise; S = U@V.T/τ; P = row softmax;
    // loss = (mean −log diag(row softmax) + mean −log diag(column softmax)) / 2.
    static let textProj: [[Double]] = [
        [-0.099014754298, -0.099014754298, 0.990147542977],
        [0.317999364002, 0.847998304005, -0.423999152003],
        [0.778498944162, 0.622799155329, -0.077849894416]]
    static let imageProj: [[Double]] = [
        [0.27196414661, 0.707106781187, 0.652713951865],
        [0.249041039811, 0.968492932597, 0.0],
        [0.845154254729, 0.169030850946, -0.507092552837]]
    static let logits: [[Double]] = [
        [1.098681296699, -0.241107654254, -1.205031468608],
        [0.818719229519, 1.800950513106, 1.254206405607],
        [1.2025911896, 1.594109533818, 1.605402135702]]
    static let probs: [[Double]] = [
        [0.734328565745, 0.192321339208, 0.073350095048],
        [0.191713235708, 0.511952565436, 0.296334198856],
        [0.251556562944, 0.37210877254, 0.376334664516]]
    static let loss = 0.7066768506261686

    @Test func forwardMatchesNumpy() {
        let report = runLesson(Self.setup + "```align text=T image=[p1, p2, p3] wt=Wt wi=Wi temperature=0.5\n```\n\n```let\nz = logits\n```\n")
        #expect(report.ok)
        let step = report.step(5)
        #expect(step?.values.map(\.name) == ["text_proj", "image_proj", "logits", "probs", "loss"])
        #expect(close(report.tensor(step: 5, "text_proj"), Self.textProj, tolerance: 1e-11))
        #expect(close(report.tensor(step: 5, "image_proj"), Self.imageProj, tolerance: 1e-11))
        #expect(close(report.tensor(step: 5, "logits"), Self.logits, tolerance: 1e-11))
        #expect(close(report.tensor(step: 5, "probs"), Self.probs, tolerance: 1e-11))
        #expect(abs((report.tensor(step: 5, "loss")?.scalarValue ?? .nan) - Self.loss) < 1e-12)
        // Labels: captions on the rows, pictures on the columns; stored under `logits`.
        let logits = report.tensor(step: 5, "logits")
        #expect(logits?.rowLabels == ["t1", "t2", "t3"])
        #expect(logits?.colLabels == ["p1", "p2", "p3"])
        #expect(close(report.tensor(step: 6, "z"), Self.logits, tolerance: 1e-11))
    }

    @Test func imageMayBeAStackedFeatureMatrix() {
        let lesson = Self.setup + "```image name=pics stack=[p1, p2, p3]\n```\n\n```align text=T image=pics wt=Wt wi=Wi temperature=0.5\n```\n"
        let report = runLesson(lesson)
        #expect(report.ok)
        #expect(close(report.tensor(step: 6, "logits"), Self.logits, tolerance: 1e-11))
    }

    @Test func defaultProjectionsAreIdentityAndXavier() {
        // Text 3 × 3 → Wt = I₃ (d = min(3, 4) = 3); images 3 × 4 → Wi = xavier(4, 3) from
        // SplitMix64(0) (numpy re-implementation of SPEC §2); τ = 0.07 by default.
        let lesson = Self.setup + "```let\nT3 = [[1, 0, 0], [0, 1, 1], [1, 0, 1]]\n```\n\n```align text=T3 image=[p1, p2, p3]\n```\n"
        let report = runLesson(lesson)
        #expect(report.ok)
        #expect(close(report.tensor(step: 6, "logits"), [
            [8.774570913171, 11.239887635324, 8.562146424378],
            [-11.241599137152, -8.784239980022, 8.402993300596],
            [0.160974570883, 3.173683861877, 6.377672819061]], tolerance: 1e-9))
        #expect(abs((report.tensor(step: 6, "loss")?.scalarValue ?? .nan) - 7.1203386254077365) < 1e-10)
        // Without steps, nothing is stored under wt or wi.
        #expect(report.step(6)?.values.count == 5)
    }

    // MARK: - align training

    @Test func trainingMatchesNumpyAndStoresTheWeights() {
        let lesson = Self.setup + """
            ```align text=T image=[p1, p2, p3] wt=Wt wi=Wi temperature=0.5 steps=3 lr=0.1
            ```

            ```let
            a = Wt
            b = Wi
            z = logits
            ```

            """
        let report = runLesson(lesson)
        #expect(report.ok)
        #expect(report.step(5)?.values.map(\.name) == ["text_proj", "image_proj", "logits", "probs", "loss",
                                                        "history", "wt", "wi", "logits_after", "probs_after", "loss_after"])
        // Before training: the same forward values as without steps.
        #expect(close(report.tensor(step: 5, "logits"), Self.logits, tolerance: 1e-11))
        // numpy gradient descent, 3 steps of lr 0.1.
        let history = report.tensor(step: 5, "history")
        #expect(history?.colLabels == ["step", "loss"])
        #expect(close(history, [[0, 0.7066768506261686], [1, 0.6293046879561954],
                                [2, 0.5636664413335346], [3, 0.507971203107332]], tolerance: 1e-12))
        let wt: [[Double]] = [
            [0.552445960025, -0.236960501762, 0.03843340231], [0.281185548231, 0.759881233944, -0.448194340609],
            [-0.590587247833, 0.135918039421, 0.90436668597], [0.243033207858, 0.127121458817, 0.134066716339]]
        let wi: [[Double]] = [
            [0.361200671242, 0.107714359795, -0.366027718215], [-0.310065980112, 0.61924352558, 0.544322788808],
            [0.880067185225, -0.149916995949, 0.280898142988], [0.106000678713, 0.296247011108, -0.790784040077]]
        let after: [[Double]] = [
            [1.395725907162, -0.267537836913, -1.00345918796], [0.349826356775, 1.715095118595, 1.190211275437],
            [0.53565148635, 1.176348929226, 1.799809036141]]
        #expect(close(report.tensor(step: 5, "wt"), wt, tolerance: 1e-11))
        #expect(close(report.tensor(step: 5, "wi"), wi, tolerance: 1e-11))
        #expect(close(report.tensor(step: 5, "logits_after"), after, tolerance: 1e-11))
        #expect(close(report.tensor(step: 5, "probs_after"), [
            [0.781060021407, 0.148026047486, 0.070913931107], [0.138235450843, 0.541437239572, 0.320327309585],
            [0.15532983717, 0.29478559061, 0.549884572219]], tolerance: 1e-11))
        #expect(abs((report.tensor(step: 5, "loss_after")?.scalarValue ?? .nan) - 0.507971203107332) < 1e-12)
        // The trained projections replace Wt and Wi; `logits` holds the trained logits.
        #expect(close(report.tensor(step: 6, "a"), wt, tolerance: 1e-11))
        #expect(close(report.tensor(step: 6, "b"), wi, tolerance: 1e-11))
        #expect(close(report.tensor(step: 6, "z"), after, tolerance: 1e-11))
    }

    @Test func longTrainingRunsInChunksWithOneContinuousHistory() {
        // 300 steps are run in chunks; the history must still be rows 0…300 with numpy's losses.
        let report = runLesson(Self.setup + "```align text=T image=[p1, p2, p3] wt=Wt wi=Wi temperature=0.5 steps=300 lr=0.1\n```\n")
        #expect(report.ok)
        guard let h = report.tensor(step: 5, "history") else { Issue.record("no history"); return }
        #expect(h.shape == [301, 2])
        #expect((0..<301).allSatisfy { h[$0, 0] == Double($0) })
        #expect(abs(h[250, 1] - 0.09492332369442531) < 1e-12)
        #expect(abs(h[251, 1] - 0.09492331024495587) < 1e-12)
        #expect(abs(h[300, 1] - 0.09492301441625495) < 1e-12)
        #expect((1..<301).allSatisfy { h[$0, 1] <= h[$0 - 1, 1] })
    }

    @Test func trainedWeightsGoUnderDefaultNames() {
        let lesson = Self.setup + "```let\nT3 = [[1, 0, 0], [0, 1, 1], [1, 0, 1]]\n```\n\n```align text=T3 image=[p1, p2, p3] steps=2\n```\n\n```let\nq = wi\n```\n"
        let report = runLesson(lesson)
        #expect(report.ok)
        #expect(report.tensor(step: 7, "q")?.shape == [4, 3])
        #expect(report.tensor(step: 7, "q") == report.tensor(step: 6, "wi"))
    }

    @Test func helpExamplesRunClean() {
        #expect(runLesson(ImageDirective.example).ok)
        // The align example: captions I₂, pictures "@ @/@@@" and ".@./@.@", Wi = xavier(6, 2)
        // from SplitMix64(2), 20 steps of lr 0.1 at τ = 0.07 (numpy).
        let report = runLesson(AlignDirective.example)
        #expect(report.ok)
        let train = report.steps.first { $0.directive == "align" }
        #expect(close(train?.value(named: "probs_after")?.value.tensor,
                      [[0.9938545769530059, 0.0061454230469941045], [0.00702864355031117, 0.9929713564496889]],
                      tolerance: 1e-10))
        #expect(abs((train?.value(named: "loss_after")?.value.tensor?.scalarValue ?? .nan) - 0.006621275277263313) < 1e-12)
    }

    // MARK: - align errors

    @Test func mismatchedPairCountsArePositionedAtImage() {
        let lesson = Self.setup + "```align text=T image=[p1, p2] wt=Wt wi=Wi\n```\n\n```align text=T image=p1\n```\n"
        let report = runLesson(lesson)
        // Line 21 of the lesson: "```align text=T image=[p1, p2] …": image's value starts at column 23.
        let e = report.step(5)?.error
        #expect(e?.position == SourcePosition(line: 21, column: 23))
        #expect(e?.message.contains("3 rows") == true)
        #expect(e?.message.contains("has 2") == true)
        // A single picture given as image= : 2 rows of a 2 × 2 picture vs 3 captions, with a hint.
        let single = report.step(6)?.error
        #expect(single?.position == SourcePosition(line: 24, column: 23))
        #expect(single?.message.contains("image=[") == true)
    }

    @Test func nonPositiveTemperatureIsPositioned() {
        for t in ["0", "-0.5"] {
            let report = runLesson(Self.setup + "```align text=T image=[p1, p2, p3] temperature=\(t)\n```\n")
            let e = report.step(5)?.error
            #expect(e?.position == SourcePosition(line: 21, column: 48))
            #expect(e?.message.contains("temperature= must be a positive number, got \(t)") == true)
        }
    }

    @Test func otherArgumentErrorsArePositioned() {
        let lesson = Self.setup + """
            ```align image=[p1, p2, p3]
            ```

            ```align text=T image=[p1, p2, p3] lr=0
            ```

            ```align text=T image=[p1, nope, p3]
            ```

            ```align text=T image=[p1, p2, p3]
            not empty
            ```

            """
        let report = runLesson(lesson)
        #expect(report.step(5)?.error?.position == SourcePosition(line: 21, column: 4))
        #expect(report.step(5)?.error?.message.contains("text=NAME") == true)
        #expect(report.step(6)?.error?.position == SourcePosition(line: 24, column: 39))
        #expect(report.step(6)?.error?.message.contains("lr= must be a positive number") == true)
        #expect(report.step(7)?.error?.position == SourcePosition(line: 27, column: 28))
        #expect(report.step(7)?.error?.message.contains("undefined name 'nope'") == true)
        #expect(report.step(8)?.error?.position == SourcePosition(line: 31, column: 1))
    }

    @Test func projectionShapeMismatchIsPositionedAtTheProjection() {
        let lesson = Self.setup + "```let\nW2 = [[1, 0], [0, 1], [1, 1]]\n```\n\n```align text=T image=[p1, p2, p3] wt=W2\n```\n"
        let report = runLesson(lesson)
        let e = report.step(6)?.error
        #expect(e?.position == SourcePosition(line: 25, column: 39))
        #expect(e?.message.contains("[3, 2]") == true)
        #expect(e?.message.contains("4 rows") == true)
    }

    // MARK: - lesson 06

    /// The lesson's training data re-computed in numpy: the four 8 × 8 pictures flattened, the
    /// 4 × 10 bag-of-words captions, Wt = I₁₀, Wi = xavier(64, 10) from SplitMix64(0), τ = 0.07,
    /// 30 steps of lr 0.05; zero-shot cosines and softmax for cat2, tree2, pine.
    static let lessonLogitsBefore: [[Double]] = [
        [-1.762765, -1.496911, -5.171294, -1.046119],
        [7.959329, 7.303275, 4.111322, 5.245435],
        [-5.311544, -4.249076, -3.753007, -6.1914],
        [-7.069118, -9.904883, -6.285593, -8.528248]]
    static let lessonLogitsAfter: [[Double]] = [
        [1.624936, -3.13575, -7.70713, -6.293302],
        [-3.07942, 1.63919, -7.469714, -5.190796],
        [-5.516898, -4.738443, 1.490783, -5.053744],
        [-6.873305, -7.590833, -3.801687, 1.023624]]
    static let lessonHistoryStart: [Double] = [4.66533, 1.185622, 0.29192, 0.16157, 0.103782]

    func checkLesson(_ language: String) throws {
        let path = repositoryRoot + "/lessons/\(language)/06-multimodal.md"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let report = runLesson(text, path: path)
        #expect(report.ok, "lesson \(language) must run clean")
        guard let train = report.steps.first(where: { $0.directive == "align" && $0.block.info.contains("steps=30") }),
              let zeroShot = report.steps.first(where: { $0.directive == "softmax" && $0.block.info.contains("temperature=0.07") })
        else { Issue.record("the lesson's training and zero-shot steps are missing"); return }
        func value(_ step: Step, _ name: String) -> Tensor? { step.value(named: name)?.value.tensor }
        #expect(close(value(train, "logits"), Self.lessonLogitsBefore, tolerance: 1e-5))
        #expect(abs((value(train, "loss")?.scalarValue ?? .nan) - 4.665330202721063) < 1e-9)
        #expect(close(value(train, "logits_after"), Self.lessonLogitsAfter, tolerance: 1e-5))
        #expect(abs((value(train, "loss_after")?.scalarValue ?? .nan) - 0.007782723116890373) < 1e-9)
        // Training lowers the loss, at every step, far below the uniform model's log 4.
        guard let history = value(train, "history"), history.rows == 31 else { Issue.record("history"); return }
        #expect((0..<5).allSatisfy { abs(history[$0, 1] - Self.lessonHistoryStart[$0]) < 1e-6 })
        #expect((1..<31).allSatisfy { history[$0, 1] < history[$0 - 1, 1] })
        #expect(history[30, 1] < 0.01 && history[30, 1] < log(4.0))
        // The similarity matrix becomes diagonal: every caption's best picture is its own.
        let after = value(train, "probs_after")
        #expect((0..<4).allSatisfy { i in (after?[i, i] ?? 0) > 0.98 })
        // Zero-shot: cat2 → the cat caption, tree2 → the tree caption, pine → (wrongly) the sun.
        #expect(close(value(zeroShot, "output"), [
            [0.8657, 0.0571, 0.0385, 0.0387], [0.0094, 0.0047, 0.0104, 0.9755],
            [0.0001, 0.0208, 0.8937, 0.0854]], tolerance: 1e-4))
    }

    @Test func englishLessonTrainsAndMatchesNumpy() throws { try checkLesson("en") }

    @Test func koreanLessonHasTheSameNumbers() throws { try checkLesson("ko") }

    @Test func lessonKeysPass() throws {
        for language in ["en", "ko"] {
            let result = try stepmark(["check", repositoryRoot + "/lessons/\(language)/06-multimodal.md"])
            #expect(result.status == 0, "\(language): \(result.stdout) \(result.stderr)")
        }
    }
}
