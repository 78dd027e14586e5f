import Foundation
import Testing

/// `stepmark new`: a template that runs clean and checks itself, in either language, and never
/// replaces a file.
@Suite struct NewLessonTests {
    @Test(arguments: [("a.md", "en", [String]()), ("ko/b.md", "ko", []), ("c.md", "ko", ["--lang", "ko"])])
    func aNewLessonRunsAndChecksItself(_ file: String, _ language: String, _ flags: [String]) throws {
        let folder = try temporaryFolder(["ko/.keep": ""])
        let made = try stepmark(["new", file] + flags, in: folder)
        #expect(made.status == 0, "\(made.stderr)")
        let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
        #expect(text.hasPrefix("---\ntitle: ") && text.contains("lang: \(language)\n"))
        #expect(text.contains("exercise=first-exercise") && text.contains("```answer first-exercise") && text.contains("<!-- solution -->"))
        // One Korean word for "directive" everywhere: the errors and the course say 지시문.
        if language == "ko" { #expect(text.contains("지시문") && !text.contains("지시어")) }
        let run = try stepmark(["run", file], in: folder)
        // The summary is in the lesson's language (SPEC §8).
        let summary = language == "ko" ? "3단계가 모두 오류 없이 실행되었습니다" : "3 steps ran, no errors"
        #expect(run.status == 0 && run.stdout.contains(summary), "\(run.stdout)\(run.stderr)")
        // softmax([1, 1]) = [0.5, 0.5]: the key's own answer passes.
        #expect(try stepmark(["check", file], in: folder).status == 0)
    }

    @Test func nothingIsEverOverwritten() throws {
        let folder = try temporaryFolder(["mine.md": "# my lesson\n"])
        let again = try stepmark(["new", "mine.md"], in: folder)
        #expect(again.status == 2 && again.stderr.contains("mine.md already exists; stepmark new never overwrites a file"))
        #expect(try String(contentsOfFile: folder + "/mine.md", encoding: .utf8) == "# my lesson\n")
        try FileManager.default.createSymbolicLink(atPath: folder + "/link.md", withDestinationPath: folder + "/elsewhere.md")
        #expect(try stepmark(["new", "link.md"], in: folder).status == 2)
        #expect(!FileManager.default.fileExists(atPath: folder + "/elsewhere.md"), "a planted link is never followed")
        #expect(try stepmark(["new", "no/such/folder/x.md"], in: folder).stderr.contains("no folder no/such/folder"))
        #expect(try stepmark(["new", "x.md", "--lang", "fr"], in: folder).status == 2)
        let left = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".stepmark-new") }
        #expect(left.isEmpty, "no temporary file is left behind")
    }
}
