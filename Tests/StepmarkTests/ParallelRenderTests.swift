import Foundation
import Testing
import StepmarkCore
import StepmarkGrade
@testable import StepmarkLesson

/// `render --jobs N` runs lessons on N threads and must write exactly what one thread writes:
/// the same files, reports handed on in the plan's order, the same read errors.
@Suite struct ParallelRenderTests {
    func lessons() -> [String: String] {
        var files: [String: String] = [:]
        for i in 0..<9 {
            // Lessons of different lengths, so that the threads finish out of order.
            let steps = (0..<(1 + (9 - i) * 3)).map { "```softmax\n[\($0), \(i), 1]\n```\n" }.joined(separator: "\n")
            files["c/\(i)-lesson.md"] = "# Lesson \(i)\n\n" + steps
        }
        files["c/4-lesson.md"] = "# Broken\n\n```softmax\n[1, oops]\n```\n"
        // The heaviest lesson by its blocks sits mid-plan: with several jobs it starts first
        // (WorkEstimate), and what is written must not change.
        files["c/6-lesson.md"] = "# Heavy\n\n" + (0..<60).map { "```softmax\n[\($0), 6, 1]\n```\n" }.joined(separator: "\n")
        files["c/7-lesson.md"] = "# Attention\n\n```let\nQ = [[1, 0], [0, 1]]\nK = Q\nV = [[1, 2], [3, 4]]\n```\n\n```attend mask=causal\n```\n"
        return files
    }

    @Test func anyNumberOfJobsWritesWhatOneJobWrites() throws {
        let root = try temporaryFolder(lessons())
        // Not UTF-8: a read error in the middle of the plan.
        try Data([0x23, 0x20, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: root + "/c/5-lesson.md"))
        var outputs: [Int: [String: String]] = [:]
        var orders: [Int: [String]] = [:]
        for jobs in [1, 2, 5] {
            let out = root + "/out\(jobs)"
            let plan = try CoursePlan.make(paths: [root + "/c"], out: out)
            var course = Course(formats: [.md, .html, .json], student: false, limits: Limits())
            course.jobs = jobs
            var order: [String] = []
            let result = try course.renderStreaming(plan) { order.append($0.lessonPath) }
            #expect(result.readErrors.map(\.path) == [root + "/c/5-lesson.md"], "jobs \(jobs)")
            #expect(!result.ok && result.lessons == 8)
            orders[jobs] = order
            var files: [String: String] = [:]
            for name in try FileManager.default.subpathsOfDirectory(atPath: out) where !name.hasPrefix(".") {
                var isFolder: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: out + "/" + name, isDirectory: &isFolder)
                if !isFolder.boolValue { files[name] = try String(contentsOfFile: out + "/" + name, encoding: .utf8) }
            }
            outputs[jobs] = files
        }
        #expect(outputs[1]!.count == 8 * 3 + 2)   // eight readable lessons in three formats, two indexes
        #expect(outputs[2] == outputs[1] && outputs[5] == outputs[1])
        #expect(orders[1] == [0, 1, 2, 3, 4, 6, 7, 8].map { root + "/c/\($0)-lesson.md" })
        #expect(orders[2] == orders[1] && orders[5] == orders[1])
    }
}

/// The cost a lesson's blocks add up to, counted by hand from each directive's weight.
@Suite struct WorkEstimateTests {
    @Test func blocksAddUpTheirDirectivesWeights() {
        let lesson = """
            # A real encoder

            ```model from=all-MiniLM-L6-v2
            ```

            ```transformer
            the river bank
            ```

            ```python
            not a directive: no weight
            ```

            ```let
            a = 1
            ```

            ```softmax
            [1, 2]
            ```

            ```sentences
            one
            two
            ```
            """
        // model 100 + transformer 1000 + let 1 + softmax 1 + sentences 1000
        #expect(WorkEstimate.of(lessonText: lesson) == 2102)
        #expect(WorkEstimate.of(lessonText: "# Prose only\n\n    ```transformer\n    indented code, not a fence\n") == 0)
        #expect(WorkEstimate.of(lessonAt: "/nonexistent/lesson.md") == 0)
    }

    /// The course's own lessons: the real-encoder lesson is the costliest of each language.
    @Test func theRealEncoderLessonIsTheCostliest() throws {
        for language in ["en", "ko"] {
            let folder = repositoryRoot + "/lessons/" + language
            let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".md") }
            let costliest = names.max { WorkEstimate.of(lessonAt: folder + "/" + $0) < WorkEstimate.of(lessonAt: folder + "/" + $1) }
            #expect(costliest == "07-a-real-encoder.md", "\(language)")
        }
    }
}
