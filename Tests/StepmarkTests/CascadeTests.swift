import Foundation
import Testing
import StepmarkCore
@testable import StepmarkLesson

/// SPEC §1: a failed step does not take the rest of the lesson with it. A `let` keeps what its
/// good lines defined; a later step that needs what a failed step was to make says which step
/// failed and where its error is.
@Suite struct CascadeTests {
    @Test("a let block keeps the names its good lines defined")
    func letKeepsGoodLines() {
        let report = runLesson("```let\na = 1\nb = a + nope\nc = 3\n```\n\n```let\nx = a + 1\n```\n")
        #expect(report.step(1)?.error?.position == SourcePosition(line: 3, column: 9))
        #expect(report.step(1)?.value(named: "a") != nil)
        #expect(report.step(1)?.defines == ["a"])
        #expect(report.step(2)?.ok == true)
        #expect(report.tensor(step: 2, "x")?.scalarValue == 2)
    }

    @Test("a name the failed let was to define says which step failed, and where")
    func failedNamesPointAtTheFailedStep() {
        let report = runLesson("```let\na = 1\nb = a + nope\nc = 3\n```\n\n```let\ny = b\n```\n\n```let\nz = c\n```\n")
        #expect(report.step(2)?.error?.message == "'b' is undefined because the let step at 1:1 failed (see its error at 3:9)")
        #expect(report.step(2)?.error?.position == SourcePosition(line: 8, column: 5))
        // c's line never ran: it too was to be defined by the failed step.
        #expect(report.step(3)?.error?.message == "'c' is undefined because the let step at 1:1 failed (see its error at 3:9)")
    }

    /// A step that fails after it defined names (its `as=` stored, then its `check=` refused)
    /// leaves none of them behind, and none of the earlier values: the names are the failed
    /// step's (a review found the earlier `p` readable again, with no error).
    @Test("a failed step's names defined before its error are the failed step's")
    func namesDefinedBeforeTheErrorAreTheFailedSteps() {
        let report = runLesson("```let\np = [1, 2]\noutput = 7\n```\n\n```softmax as=p exercise=e check=typo\n[1, 2]\n```\n\n```answer e\n[0.5, 0.5]\n```\n\n```let\nq = p\n```\n\n```let\nr = output\n```\n")
        #expect(report.step(2)?.error?.position == SourcePosition(line: 6, column: 34))
        #expect(report.step(4)?.error?.message == "'p' is undefined because the softmax step at 6:1 failed (see its error at 6:34)")
        #expect(report.step(5)?.error?.message == "'output' is undefined because the softmax step at 6:1 failed (see its error at 6:34)")
    }

    @Test("a syntax error in a let runs the lines above it; the rest are the failed step's")
    func syntaxErrorKeepsLinesAbove() {
        let report = runLesson("```let\np = 2\nq = (2 +\nr = 5\n```\n\n```let\ns = p * 2\nt = r\n```\n")
        #expect(report.step(1)?.error?.message.hasPrefix("expected ')'") == true)
        #expect(report.tensor(step: 1, "p")?.scalarValue == 2)
        #expect(report.tensor(step: 2, "s")?.scalarValue == 4)
        #expect(report.step(2)?.error?.message == "'r' is undefined because the let step at 1:1 failed (see its error at 4:3)")
    }

    @Test("as= and a directive's default store name are remembered when it fails")
    func otherDirectives() {
        let report = runLesson("""
            ```attend as=ctx
            Q = nope
            K = Q
            V = Q
            ```

            ```let
            t = ctx
            ```

            ```let
            u = output
            ```

            ```corpus name=text1
            ```

            ```let
            w = text1
            ```
            """)
        #expect(report.step(2)?.error?.message == "'ctx' is undefined because the attend step at 1:1 failed (see its error at 2:5)")
        #expect(report.step(3)?.error?.message == "'output' is undefined because the attend step at 1:1 failed (see its error at 2:5)")
        #expect(report.step(4)?.ok == false)
        #expect(report.step(5)?.error?.message.hasPrefix("'text1' is undefined because the corpus step at 15:1 failed") == true)
        // A let refused for its info string was to define every name of its lines.
        let refused = runLesson("```let colour=red\na = 1\n```\n\n```let\nb = a\n```\n")
        #expect(refused.step(2)?.error?.message == "'a' is undefined because the let step at 1:1 failed (see its error at 1:8)")
        // A let's as= too.
        let asLet = runLesson("```let as=total\na = 1\nb = nope\n```\n\n```let\nc = total\n```\n")
        #expect(asLet.step(2)?.error?.message == "'total' is undefined because the let step at 1:1 failed (see its error at 3:5)")
    }

    @Test("a failed step's name hides the earlier value it would have replaced, until a later step defines it")
    func redefinitionAfterFailure() {
        let report = runLesson("```let\nv = 1\n```\n\n```let\nv = nope\n```\n\n```let\na = v\n```\n\n```let\nv = 7\n```\n\n```let\nb = v\n```\n")
        #expect(report.step(3)?.error?.message == "'v' is undefined because the let step at 5:1 failed (see its error at 6:5)")
        #expect(report.tensor(step: 5, "b")?.scalarValue == 7)
        // A name the step above the failure defined is kept even if a later line would redefine it.
        let again = runLesson("```let\na = 1\nb = nope\na = 2\n```\n\n```let\nc = a\n```\n")
        #expect(again.tensor(step: 2, "c")?.scalarValue == 1)
    }

    @Test("a fence one typo from a directive is a positioned warning; languages and far words are not")
    func directiveTypoWarnings() throws {
        let lesson = "# T\n\n```atend mask=causal\nQ = [[1]]\n```\n\n  ```Let\nx = 1\n  ```\n\n```text\nplain\n```\n\n"
            + "```tex\nx\n```\n\n```cpp\nint x;\n```\n\n```python\nprint(1)\n```\n\n```unrelated\nx\n```\n\n```sofmax\n[1]\n```\n"
        let report = runLesson(lesson)
        #expect(report.ok, "warnings are not errors")
        #expect(report.warnings.map(\.position) == [SourcePosition(line: 3, column: 4), SourcePosition(line: 7, column: 6),
                                                    SourcePosition(line: 31, column: 4)])
        #expect(report.warnings.first?.message == "'atend' is not a directive, so this block is shown as code and not run; did you mean 'attend'?")
        #expect(report.warnings.map { $0.message.hasSuffix("did you mean 'let'?") } == [false, true, false])
        // The CLI prints them as file:line:column: warning: … and exits 0.
        let folder = try temporaryFolder(["typo.md": lesson])
        let result = try stepmark(["run", "typo.md"], in: folder)
        #expect(result.status == 0)
        #expect(result.stderr.contains("typo.md:3:4: warning: 'atend' is not a directive"))
    }

    /// Every bad argument of a block in one run (CHOICES.md, "Errors that do not cascade"): the
    /// step shows the first by position, the lesson lists the others. An undefined name an
    /// argument gives is reported too; an error the directive met while running on a default
    /// that stood in for a bad argument is not (it may be that default's doing).
    @Test("a block's bad arguments are reported together, and a default's errors are not")
    func badArgumentsTogether() {
        let report = runLesson("""
            ```let
            Q = [[1, 0], [0, 1]]
            E = [[1, 0], [0, 1]]
            ```

            ```attend q=Querry k=Q v=Q mask=casual precision=99
            ```

            ```generate model=atention table=E steps=2
            the
            ```

            ```softmax exercise=e tol=-1 axis=rows
            [1, 2]
            ```

            ```attend \((1...12).map { "a\($0)=1" }.joined(separator: " "))
            ```

            """)
        let all = report.errors.map { "\($0.line):\($0.column) \($0.message.prefix(40))" }
        #expect(report.step(2)?.error?.message == "undefined name 'Querry' (defined so far: E, Q)")
        #expect(all.contains("6:33 mask= must be one of none, causal, got c") && all.contains("6:50 precision= must be between 0 and 15, got"), "\(all)")
        // generate ran as bigram on the default, which said table= is not for it: not reported.
        #expect(report.step(3)?.error?.message.hasPrefix("model= must be one of bigram, attention, got atention") == true)
        #expect(!all.contains { $0.hasPrefix("9:") && $0.contains("table=") }, "\(all)")
        // The exercise's own bad tol= and the directive's bad choice, together.
        #expect(all.contains("13:27 tol= must be a number ≥ 0") && all.contains("13:35 axis= must be one of row, col, got rows;"), "\(all)")
        // Twelve unknown arguments: nine named, then how many more.
        #expect(all.filter { $0.hasPrefix("17:") }.count == 10, "\(all)")
        #expect(report.errors.contains { $0.message == "3 more unknown arguments for attend, from 'a10' on" }, "\(all)")
        #expect(report.step(5)?.values.isEmpty == true)
    }

    /// A bad as= and a stray word are reported beside the block's other bad arguments (each
    /// took a second run: as= was read after the directive ran, a stray word threw at once).
    @Test func aBadAsAndAStrayWordAreReportedWithTheRest() {
        let report = runLesson("""
            ```let
            Q = [[1, 0], [0, 1]]
            ```

            ```attend q=Q k=Q v=Q mask=causl as=1bad
            ```

            ```softmax stray bogus=3 other
            [1, 2]
            ```

            ```softmax as=ok
            [1, 2]
            ```

            ```let as=1bad
            m = [1, 2] + [1, 2, 3]
            ```

            """)
        let all = report.errors.map { "\($0.line):\($0.column) \($0.message)" }
        #expect(all.contains { $0.hasPrefix("5:28 mask= must be one of none, causal, got causl") }, "\(all)")
        #expect(all.contains("5:37 as= expects a name, got 1bad"), "\(all)")
        #expect(all.contains("8:12 unexpected 'stray' in the info string; arguments are written key=value"), "\(all)")
        #expect(all.contains { $0.hasPrefix("8:18 unknown argument 'bogus' for softmax") }, "\(all)")
        #expect(all.contains("8:26 unexpected 'other' in the info string; arguments are written key=value"), "\(all)")
        // No default stands in for a bad as=: the work's own error is reported beside it.
        #expect(all.contains("16:11 as= expects a name, got 1bad") && all.contains { $0.hasPrefix("17:12 shape mismatch in +") }, "\(all)")
        #expect(all.count == 7, "\(all)")
        // A stray word keeps the directive from running, as an unknown argument does.
        #expect(report.step(3)?.values.isEmpty == true)
        // A good as= still stores the result.
        #expect(report.step(4)?.ok == true && report.step(4)?.defines.contains("ok") == true, "\(String(describing: report.step(4)?.defines))")
    }

    /// Stray words and unknown arguments are reported together, in the order written: past
    /// ten, nine are named and the last line says how many more (stray words past the first
    /// ten went unreported, with no such line; a red-team pass).
    @Test func strayWordsPastTheCapAreCounted() {
        let words = (1...13).map { "w\($0)" }.joined(separator: " ")
        let arguments = (1...11).map { "k\($0)=1" }.joined(separator: " ")
        let report = runLesson("```softmax \(words)\n[1, 2]\n```\n\n```softmax \(arguments) w1\n[1, 2]\n```\n\n```softmax k1=1 w1 k2=2\n[1, 2]\n```\n")
        let all = report.errors.map { "\($0.line):\($0.column) \($0.message)" }
        let first = all.filter { $0.hasPrefix("1:") }, second = all.filter { $0.hasPrefix("5:") }, third = all.filter { $0.hasPrefix("9:") }
        #expect(first.count == 10 && first[8] == "1:36 unexpected 'w9' in the info string; arguments are written key=value", "\(first)")
        #expect(first.last == "1:39 4 more unexpected words for softmax, from 'w10' on", "\(first)")
        #expect(second.count == 10 && second.last == "5:57 3 more unknown arguments or unexpected words for softmax, from 'k10' on", "\(second)")
        // Under the cap, every one, in the order written.
        #expect(third.map { $0.prefix(while: { $0 != " " }) } == ["9:12", "9:17", "9:20"], "\(third)")
        #expect(third[1].hasSuffix("unexpected 'w1' in the info string; arguments are written key=value"))
        // The last line names only the kinds left (a red-team pass: stray words only).
        let mixed = runLesson("```softmax x=1 a b c d e f g h i j k\n[1, 2]\n```\n").errors.map(\.message)
        #expect(mixed.last == "3 more unexpected words for softmax, from 'i' on", "\(mixed)")
        // Ten exactly: all ten named, no "more" line.
        let ten = runLesson("```softmax \((1...10).map { "w\($0)" }.joined(separator: " "))\n[1, 2]\n```\n").errors
        #expect(ten.count == 10 && !ten.contains { $0.message.contains(" more ") }, "\(ten.map(\.message))")
    }

    /// A bad bool= with a default of true falls back to true while the rest is read (it fell
    /// back to false).
    @Test func aBadBoolFallsBackToItsOwnDefault() throws {
        let problems = ArgumentProblems()
        let args = Arguments(info: try InfoString.parse("plot log=maybe", at: SourcePosition(line: 1, column: 1)),
                             position: SourcePosition(line: 1, column: 1), problems: problems)
        #expect(try args.bool("log", default: true) == true)
        #expect(try args.bool("log", default: false) == false)
        #expect(problems.all.count == 1)
    }
}
