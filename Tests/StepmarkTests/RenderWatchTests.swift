import Foundation
import Testing

/// `render --watch` on inotify: a loaded CSV, a lesson and a new lesson each re-render.
@Suite("render --watch")
struct RenderWatchTests {
    /// Waits up to `seconds` for `file` to contain `text`.
    func eventually(_ file: String, contains text: String, seconds: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let content = try? String(contentsOfFile: file, encoding: .utf8), content.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    @Test("a loaded .csv, the lesson and a new lesson re-render; the output folder inside the lessons is not an input")
    func watch() throws {
        let folder = try temporaryFolder([
            "lessons/a.md": "# A\n\n```let\nM = load(\"data/m.csv\") * 2\n```\n",
            "lessons/data/m.csv": "1.25,2\n",
        ])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: stepmarkExecutable)
        process.arguments = ["render", "lessons", "--out", "lessons/out", "--format", "md", "--watch"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        // A file, not a pipe: every wait below is bounded by a deadline, never a blocking read.
        let log = folder + "/watch.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        let report = folder + "/lessons/out/a.md"
        // 2 · 1.25 = 2.5 (the first render).
        #expect(eventually(report, contains: "2.5000"))
        // The watcher is ready once it says so (after the first render).
        #expect(eventually(log, contains: "watching 1 lesson"))

        try "3.25,2\n".write(toFile: folder + "/lessons/data/m.csv", atomically: false, encoding: .utf8)
        #expect(eventually(report, contains: "6.5000"), "2 · 3.25 after the CSV changed")

        try "# A\n\n```let\nM = load(\"data/m.csv\") * 4\n```\n".write(toFile: folder + "/lessons/a.md", atomically: false, encoding: .utf8)
        #expect(eventually(report, contains: "13.0000"), "4 · 3.25 after the lesson changed")

        try "# Bee\n\n```let\nx = 0.75\n```\n".write(toFile: folder + "/lessons/b.md", atomically: false, encoding: .utf8)
        #expect(eventually(folder + "/lessons/out/b.md", contains: "0.7500"), "a new lesson is rendered")
        #expect(eventually(folder + "/lessons/out/index.md", contains: "Bee"), "and the index lists it")
        #expect(!FileManager.default.fileExists(atPath: folder + "/lessons/out/out"), "the output is never read as a lesson")

        // A re-render with errors names each one at file:line:column, after its "re-rendered" line,
        // and a misspelt directive is a warning there too.
        try "# A\n\n```let\nM = load(\"data/m.csv\") * 4\nN = M[5]\n```\n\n```atend\nQ = M\n```\n\n```let\nP = nope\n```\n"
            .write(toFile: folder + "/lessons/a.md", atomically: false, encoding: .utf8)
        #expect(eventually(log, contains: "re-rendered lessons/a.md (2 errors)"))
        #expect(eventually(log, contains: "lessons/a.md:5:7: error: index 5 is out of range: 'M' has 1 row (valid: 0 to 0"))
        #expect(eventually(log, contains: "lessons/a.md:8:4: warning: 'atend' is not a directive"))
        #expect(eventually(log, contains: "lessons/a.md:13:5: error: undefined name 'nope'"))

        // A lesson that stops being UTF-8, and a new one that never was, are said, with where
        // (a red-team pass found the watch silent on both).
        try Data([0x23, 0x20, 0xFF, 0x0A]).write(to: URL(fileURLWithPath: folder + "/lessons/b.md"))
        #expect(eventually(log, contains: "error: lessons/b.md: line 1, column 3: invalid UTF-8"))
        try Data([0x23, 0x0A, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: folder + "/lessons/c.md"))
        #expect(eventually(log, contains: "error: lessons/c.md: line 2, column 1: invalid UTF-8"))
    }
}
