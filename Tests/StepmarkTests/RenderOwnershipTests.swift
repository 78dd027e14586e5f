import Foundation
import Testing
@testable import StepmarkLesson

/// Issue 15, class 6: render must never write over a file that is not its own earlier output,
/// and distinct inputs must get distinct outputs. These test the reusable pieces the course
/// renderer calls (RenderManifest, OutputOwnership, OutputNames).
@Suite struct RenderOwnershipTests {
    @Test func lessonSourcesInTheOutputFolderAreRefused() throws {
        // `render lessons/en --out lessons/ko`: the Korean lesson sources are in the way.
        let folder = try temporaryFolder(["ko/01-attention.md": "# 1. 어텐션\n\n```let\nx = 1\n```\n", "ko/notes.txt": "keep"])
        let out = folder + "/ko"
        let planned = [(path: out + "/01-attention.md", content: "# 1. Attention (report)\n"),
                       (path: out + "/01-attention.html", content: "<!DOCTYPE html>…"),
                       (path: out + "/index.md", content: "# index\n")]
        let refused = OutputOwnership.refusals(planned: planned, outFolder: out, manifest: RenderManifest.load(outFolder: out))
        #expect(refused.map(\.path) == [out + "/01-attention.md"])
        #expect(refused.first?.message.hasPrefix("exists and is not stepmark's own earlier output") == true)
        // Explicit consent (--overwrite) does not extend to a lesson; a file with the same
        // content is never a problem.
        let consented = OutputOwnership.refusals(planned: planned, outFolder: out, manifest: RenderManifest(), allowUnowned: true)
        #expect(consented.map(\.path) == [out + "/01-attention.md"])
        #expect(consented.first?.message.hasPrefix("is a lesson") == true)
        try "# notes, no directive\n".write(toFile: out + "/01-attention.md", atomically: true, encoding: .utf8)
        #expect(OutputOwnership.refusals(planned: planned, outFolder: out, manifest: RenderManifest(), allowUnowned: true).isEmpty)
        try "# 1. 어텐션\n\n```let\nx = 1\n```\n".write(toFile: out + "/01-attention.md", atomically: true, encoding: .utf8)
        let same = [(path: out + "/01-attention.md", content: "# 1. 어텐션\n\n```let\nx = 1\n```\n")]
        #expect(OutputOwnership.refusals(planned: same, outFolder: out, manifest: RenderManifest()).isEmpty)
    }

    @Test func aRecordedOutputIsOwnedUntilItIsEdited() throws {
        let report = "# Report\n\nold numbers\n"
        let out = try temporaryFolder(["en/01.md": report])
        var manifest = RenderManifest()
        manifest.record("en/01.md", content: report)
        try manifest.write(outFolder: out)
        let loaded = RenderManifest.load(outFolder: out)
        #expect(loaded == manifest)
        let next = [(path: out + "/en/01.md", content: "# Report\n\nnew numbers\n")]
        #expect(OutputOwnership.refusals(planned: next, outFolder: out, manifest: loaded).isEmpty)
        // A teacher edits the report by hand: it is no longer stepmark's to replace.
        try "# Report\n\nmy notes\n".write(toFile: out + "/en/01.md", atomically: true, encoding: .utf8)
        #expect(OutputOwnership.refusals(planned: next, outFolder: out, manifest: loaded).count == 1)
        // A damaged manifest proves nothing.
        try "# stepmark render manifest 1\nzz 3 en/01.md\n".write(toFile: out + "/" + RenderManifest.fileName, atomically: true, encoding: .utf8)
        #expect(RenderManifest.load(outFolder: out).entries.isEmpty)
    }

    @Test func earlierHTMLPagesAndLinks() throws {
        let out = try temporaryFolder(["page.html": "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"generator\" content=\"stepmark\">\n</head></html>\n",
                                       "mine.html": "<!DOCTYPE html>\n<html><head><title>my page</title></head></html>\n",
                                       "victim.md": "lesson"])
        #expect(symlink(out + "/victim.md", out + "/linked.md") == 0)
        let planned = ["page.html", "mine.html", "linked.md"].map { (path: out + "/" + $0, content: "new") }
        let refused = OutputOwnership.refusals(planned: planned, outFolder: out, manifest: RenderManifest(), allowUnowned: false)
        #expect(refused.map { ($0.path as NSString).lastPathComponent } == ["mine.html", "linked.md"])
        #expect(refused.last?.message == "is a symbolic link, not a report stepmark wrote; refusing to replace it")
        // --overwrite never extends to links.
        #expect(OutputOwnership.refusals(planned: planned, outFolder: out, manifest: RenderManifest(), allowUnowned: true).count == 1)
    }

    @Test func relativePaths() {
        #expect(OutputOwnership.relativePath("/x/out/en/01.md", in: "/x/out") == "en/01.md")
        #expect(OutputOwnership.relativePath("/x/out/../out/a.md", in: "/x/out/") == "a.md")
        #expect(OutputOwnership.relativePath("/x/outside.md", in: "/x/out") == nil)
        #expect(OutputOwnership.relativePath("/x/out", in: "/x/out") == nil)
    }

    @Test func distinctInputsGetDistinctNames() throws {
        let folder = try temporaryFolder(["a/lesson.md": "a", "b/lesson.md": "b", "c/x/Lesson.md": "c", "d/x/lesson.md": "d",
                                          "en/01.md": "1", "other/en/01.md": "2"])
        func names(_ pairs: [(String, String)]) -> [String] {
            OutputNames.distinct(pairs.map { (source: folder + "/" + $0.0, preferred: $0.1) })
        }
        #expect(names([("a/lesson.md", "lesson"), ("b/lesson.md", "lesson")]) == ["a/lesson", "b/lesson"])
        // Case-insensitive clash, one parent is not enough: two.
        #expect(names([("c/x/Lesson.md", "Lesson"), ("d/x/lesson.md", "lesson")]) == ["c/x/Lesson", "d/x/lesson"])
        // The same file twice keeps one name; a name unique on its own is unchanged.
        #expect(names([("a/lesson.md", "lesson"), ("a/../a/lesson.md", "lesson"), ("en/01.md", "01")]) == ["lesson", "lesson", "01"])
        // Names from folder arguments already hold their sub-folder; only folders above it are added.
        #expect(names([("en/01.md", "en/01"), ("other/en/01.md", "en/01")]) == [
            (folder as NSString).lastPathComponent + "/en/01", "other/en/01"])
        // A prefixed name that meets another input's own name gets a number.
        #expect(names([("a/lesson.md", "lesson"), ("b/lesson.md", "lesson"), ("en/01.md", "a/lesson")]) == ["a/lesson", "b/lesson", "a/lesson-2"])
    }
}

/// `stepmark render` itself keeps the manifest: it never writes over a lesson or a teacher's
/// own file in --out, names every file it refuses before writing anything, and replaces them
/// only with --overwrite; its own earlier output it replaces freely.
@Suite struct RenderCommandOwnershipTests {
    @Test func renderRefusesWhatItDidNotWrite() throws {
        let lesson = "# A\n\n```let\nx = 1\n```\n"
        let root = try temporaryFolder(["lessons/en/01.md": lesson, "lessons/ko/01.md": "# 가\n\n```let\ny = 2\n```\n",
                                        "out/01.md": "my notes\n"])
        // Rendering the English lesson into the Korean lesson folder: refused, nothing written.
        let intoLessons = try stepmark(["render", "lessons/en/01.md", "--out", "lessons/ko", "--format", "md"], in: root)
        #expect(intoLessons.status == 2 && intoLessons.stderr.contains("lessons/ko/01.md: exists and is not stepmark's own earlier output"))
        #expect(try String(contentsOfFile: root + "/lessons/ko/01.md", encoding: .utf8) == "# 가\n\n```let\ny = 2\n```\n")
        #expect(!FileManager.default.fileExists(atPath: root + "/lessons/ko/index.md"), "a refused render writes nothing")
        // A teacher's file in --out: refused until --overwrite.
        #expect(try stepmark(["render", "lessons/en/01.md", "--out", "out", "--format", "md"], in: root).status == 2)
        #expect(try String(contentsOfFile: root + "/out/01.md", encoding: .utf8) == "my notes\n")
        #expect(try stepmark(["render", "lessons/en/01.md", "--out", "out", "--format", "md", "--overwrite"], in: root).status == 0)
        // From then on the manifest proves ownership: a changed lesson re-renders without the flag…
        try (lesson + "\nMore.\n").write(toFile: root + "/lessons/en/01.md", atomically: true, encoding: .utf8)
        #expect(try stepmark(["render", "lessons/en/01.md", "--out", "out", "--format", "md"], in: root).status == 0)
        #expect(try String(contentsOfFile: root + "/out/01.md", encoding: .utf8).contains("More."))
        // …but a report edited by hand since is not silently replaced.
        try "edited by hand\n".write(toFile: root + "/out/01.md", atomically: true, encoding: .utf8)
        try (lesson + "\nEven more.\n").write(toFile: root + "/lessons/en/01.md", atomically: true, encoding: .utf8)
        #expect(try stepmark(["render", "lessons/en/01.md", "--out", "out", "--format", "md"], in: root).status == 2)
        #expect(try String(contentsOfFile: root + "/out/01.md", encoding: .utf8) == "edited by hand\n")
    }

    /// `--overwrite` replaces a teacher's notes or a report edited by hand, never a lesson: a
    /// Markdown file with a directive block that does not end with the report's mark.
    @Test func overwriteNeverReplacesALesson() throws {
        let korean = "# 가\n\n```let\ny = 2\n```\n"
        let root = try temporaryFolder(["lessons/en/01.md": "# A\n\n```let\nx = 1\n```\n", "lessons/ko/01.md": korean,
                                        "lessons/ko/02.md": "# 나\n\n```answer e1\n1\n```\n"])
        let refused = try stepmark(["render", "lessons/en/01.md", "--out", "lessons/ko", "--format", "md", "--overwrite"], in: root)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("lessons/ko/01.md: is a lesson (a Markdown file with directive or answer blocks, not ending with the mark of a report stepmark wrote); render never replaces a lesson, even with --overwrite"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: root + "/lessons/ko/01.md", encoding: .utf8) == korean)
        #expect(!FileManager.default.fileExists(atPath: root + "/lessons/ko/index.md"), "a refused render writes nothing")
        // A report that shows the same directive block carries the mark on its last line, and
        // is replaced once its manifest is gone (and, edited by hand, with --overwrite).
        #expect(try stepmark(["render", "lessons/en/01.md", "--out", "out", "--format", "md"], in: root).status == 0)
        let report = try String(contentsOfFile: root + "/out/01.md", encoding: .utf8)
        #expect(report.contains("```let\nx = 1\n```"))
        #expect(report.hasSuffix("\n<!-- stepmark: a report rendered from a lesson, not a lesson; render replaces it -->\n"))
        try FileManager.default.removeItem(atPath: root + "/out/.stepmark-manifest")
        try ("Note.\n\n" + report).write(toFile: root + "/out/01.md", atomically: true, encoding: .utf8)
        #expect(try stepmark(["render", "lessons/en/01.md", "--out", "out", "--format", "md"], in: root).status == 2)
        #expect(try stepmark(["render", "lessons/en/01.md", "--out", "out", "--format", "md", "--overwrite"], in: root).status == 0)
        #expect(try String(contentsOfFile: root + "/out/01.md", encoding: .utf8) == report)
        // A lesson with only an answer block, or the mark written anywhere but the last line, is
        // still a lesson.
        try ("```let\nx = 1\n```\n<!-- stepmark: a report rendered from a lesson, not a lesson; render replaces it -->\nmore\n")
            .write(toFile: root + "/out/01.md", atomically: true, encoding: .utf8)
        #expect(try stepmark(["render", "lessons/en/01.md", "--out", "out", "--format", "md", "--overwrite"], in: root).status == 2)
        try FileManager.default.copyItem(atPath: root + "/lessons/ko/02.md", toPath: root + "/out/02.md")
        try FileManager.default.removeItem(atPath: root + "/out/01.md")
        try FileManager.default.copyItem(atPath: root + "/lessons/ko/02.md", toPath: root + "/lessons/en/02.md")
        let answers = try stepmark(["render", "lessons/en", "--out", "out", "--format", "md", "--overwrite"], in: root)
        #expect(answers.status == 2 && answers.stderr.contains("out/02.md: is a lesson"), "\(answers.stderr)")
    }

    /// The test is one pass over the bytes, not cmark: a lesson past cmark's shape caps (2,001
    /// `[` in a paragraph made it parse to nothing, and it was replaced) is still a lesson; a
    /// report saved with CRLF line ends or without its last line break is still a report.
    @Test func lessonDetectionNeedsNoParser() throws {
        let out = try temporaryFolder(["capped.md": "# A\n\n" + String(repeating: "[", count: 2_001) + "\n\n```let\nx = 1\n```\n",
                                       "quoted.md": "> - ~~~~ softmax temperature=2\n>   [1, 2]\n> ~~~~\n",
                                       "notes.md": "# Notes\n\n```python\nprint(1)\n```\n\n```\nlet\n```\n",
                                       "crlf.md": "# R\r\n\r\n```let\r\nx = 1\r\n```\r\n\r\n" + OutputOwnership.markdownReportMark + "\r\n",
                                       "bare.md": "```let\nx = 1\n```\n\n" + OutputOwnership.markdownReportMark,
                                       "after.md": "```let\nx = 1\n```\n\n" + OutputOwnership.markdownReportMark + "\nmy note\n"])
        let lessons = ["capped.md", "quoted.md", "after.md"], others = ["notes.md", "crlf.md", "bare.md"]
        for name in lessons { #expect(OutputOwnership.isLessonSource(out + "/" + name), "\(name)") }
        for name in others { #expect(!OutputOwnership.isLessonSource(out + "/" + name), "\(name)") }
        // Past the bytes it reads, a Markdown file is taken for a lesson; other files never are.
        try Data(repeating: UInt8(ascii: "a"), count: OutputOwnership.lessonSourceBytes + 1).write(to: URL(fileURLWithPath: out + "/big.md"))
        #expect(OutputOwnership.isLessonSource(out + "/big.md"))
        try "```let\nx = 1\n```\n".write(toFile: out + "/page.html", atomically: true, encoding: .utf8)
        #expect(!OutputOwnership.isLessonSource(out + "/page.html"))
    }
}
