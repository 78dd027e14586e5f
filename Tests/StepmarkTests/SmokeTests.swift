import Testing
import StepmarkCore
@testable import StepmarkLesson

@Suite struct SmokeTests {
    @Test func letDefinesNames() {
        let report = runLesson("```let\nx = 1 + 2\n```\n")
        #expect(report.ok)
        #expect(report.tensor(step: 1, "x")?.scalarValue == 3)
    }
}
