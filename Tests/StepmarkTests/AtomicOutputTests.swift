import Foundation
import StepmarkRender
import Testing
@testable import StepmarkLesson

/// Output is written atomically; an output that would replace or lie inside an input lesson is
/// refused before anything is written; a folder that cannot be written, or a full disk, gives
/// a clear error and leaves no partial or temporary file; input lessons are never modified.
@Suite(.serialized) struct AtomicOutputTests {
    static let lesson = "# Small\n\nSome prose.\n\n```let exercise=e1\nx = [1, 2, 3]\n```\n\n```answer e1\n[1, 2, 3]\n```\n"

    /// A folder holding `lessons/a.md` and `lessons/b.md`.
    func course() throws -> String {
        try temporaryFolder(["lessons/a.md": Self.lesson, "lessons/b.md": Self.lesson.replacingOccurrences(of: "Small", with: "Other")])
    }

    /// Every file under `folder` (relative path → bytes and modification date).
    func snapshot(_ folder: String) -> [String: Data] {
        var out: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let name = enumerator?.nextObject() as? String {
            let path = (folder as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                out[name] = FileManager.default.contents(atPath: path)
            }
        }
        return out
    }

    func temporaries(_ folder: String) -> [String] {
        snapshot(folder).keys.filter { $0.contains(".tmp-") || $0.hasSuffix(".partial") }.sorted()
    }

    @Test func outputEqualToOrInsideALessonIsRefused() throws {
        let root = try course()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let before = snapshot(root)
        let same = try stepmark(["render", "lessons/a.md", "--out", "lessons/a.md"], in: root)
        #expect(same.status == 2)
        #expect(same.stderr.contains("the output folder is an input lesson; refusing to overwrite it"), "\(same.stderr)")
        let inside = try stepmark(["render", "lessons/a.md", "--out", "lessons/a.md/out"], in: root)
        #expect(inside.status == 2)
        #expect(inside.stderr.contains("the output folder would be inside the input lesson lessons/a.md"), "\(inside.stderr)")
        // Through a symbolic link to the lesson too.
        try FileManager.default.createSymbolicLink(atPath: (root as NSString).appendingPathComponent("link.md"),
                                                   withDestinationPath: (root as NSString).appendingPathComponent("lessons/a.md"))
        let linked = try stepmark(["render", "lessons/a.md", "--out", "link.md"], in: root)
        #expect(linked.status == 2, "\(linked.stderr)")
        var after = snapshot(root)
        after.removeValue(forKey: "link.md")
        #expect(after == before)
    }

    @Test func renderingIntoTheLessonFolderWritesNothing() throws {
        let root = try course()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let before = snapshot(root)
        // The lesson folder itself as the output.
        let r = try stepmark(["render", "lessons", "--out", "lessons", "--format", "html,md"], in: root)
        #expect(r.status == 2)
        #expect(r.stderr.contains("the output folder is the lesson folder lessons; choose another --out folder"), "\(r.stderr)")
        #expect(snapshot(root) == before)
        // A lesson file named as well as its folder: lessons/a.md would be replaced by a's
        // Markdown report, which is refused before the HTML files (planned first) are written.
        let r2 = try stepmark(["render", "lessons/a.md", "lessons/b.md", "--out", "lessons", "--format", "html,md"], in: root)
        #expect(r2.status == 2)
        #expect(r2.stderr.contains("would overwrite an input lesson; choose another --out folder"), "\(r2.stderr)")
        #expect(snapshot(root) == before)
    }

    @Test func outputFolderInsideTheLessonFolderIsNotReadBack() throws {
        let root = try course()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let lessonsBefore = snapshot((root as NSString).appendingPathComponent("lessons"))
        for _ in 0..<2 {
            let r = try stepmark(["render", "lessons", "--out", "lessons/out", "--format", "md"], in: root)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.hasPrefix("rendered 2 lessons"), "\(r.stdout)")
        }
        var lessonsAfter = snapshot((root as NSString).appendingPathComponent("lessons"))
        lessonsAfter = lessonsAfter.filter { !$0.key.hasPrefix("out/") }
        #expect(lessonsAfter == lessonsBefore)
        #expect(temporaries(root).isEmpty)
    }

    @Test func commandsNeverModifyTheirInputs() throws {
        let root = try course()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let lessons = (root as NSString).appendingPathComponent("lessons")
        let before = snapshot(lessons)
        let commands: [[String]] = [
            ["run", "lessons/a.md", "lessons/b.md"],
            ["run", "lessons/a.md", "--format", "json"],
            ["step", "lessons/a.md"],
            ["check", "lessons/a.md"],
            ["check", "lessons/b.md", "--key", "lessons/a.md", "--format", "json"],
            ["render", "lessons", "--out", "out", "--format", "md,html,json"],
            ["render", "lessons", "--out", "out", "--student"],
            ["assign", "lessons/a.md", "--out", "assignments"],
            ["grade", "--key", "lessons/a.md", "lessons/b.md", "--out", "grades"],
        ]
        for c in commands {
            let r = try stepmark(c, in: root)
            #expect(r.status == 0, "\(c.joined(separator: " ")): \(r.stderr)")
        }
        #expect(snapshot(lessons) == before)
        #expect(temporaries(root).isEmpty)
    }

    @Test func aFileWhereTheFolderShouldBeIsAClearError() throws {
        let root = try course()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try "not a folder".write(toFile: (root as NSString).appendingPathComponent("out"), atomically: true, encoding: .utf8)
        let r = try stepmark(["render", "lessons", "--out", "out/handouts"], in: root)
        #expect(r.status == 2)
        #expect(r.stderr.contains("error: out/handouts/en") || r.stderr.contains("error: out/handouts: cannot create the folder"), "\(r.stderr)")
        #expect(r.stderr.contains("cannot create the folder"), "\(r.stderr)")
        #expect(try String(contentsOfFile: (root as NSString).appendingPathComponent("out"), encoding: .utf8) == "not a folder")
        #expect(temporaries(root).isEmpty)
    }

    @Test func atomicWriteReplacesWholeFilesAndLeavesNoTemporary() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = (folder as NSString).appendingPathComponent("report.md")
        try AtomicFile.write("old", to: path)
        try AtomicFile.write("new content", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new content")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["report.md"])
        // Readable like any file the user makes (0666 less the umask), not mkstemp's 0600.
        let mask = umask(0)
        umask(mask)
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == Int(0o666 & ~mask))
    }

    /// A read-only folder: `chmod 555` for a normal user; root ignores permissions, so as root
    /// a read-only tmpfs is mounted instead (skipped where mounting is not allowed).
    @Test func unwritableOutputFolder() throws {
        let root = try course()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let out = (root as NSString).appendingPathComponent("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var mounted = false
        if getuid() == 0 {
            mounted = shell("mount -t tmpfs -o ro,size=1m stepmark-test '\(out)'") == 0
            guard mounted else { return }
        } else {
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: out)
        }
        defer {
            if mounted { _ = shell("umount '\(out)'") }
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: out)
        }
        let r = try stepmark(["render", "lessons/a.md", "--out", "out", "--format", "md"], in: root)
        #expect(r.status == 2)
        #expect(r.stderr.contains("error: out/a.md: cannot write: ") && (r.stderr.contains("Read-only file system") || r.stderr.contains("Permission denied")),
                "\(r.stderr)")
        #expect(snapshot(out).isEmpty)
    }

    /// A full disk: a 64 KiB tmpfs as root, or else a file-size limit (`ulimit -f`, the same
    /// failure seen through write(2)). Files written before the disk filled are complete;
    /// the one that did not fit is absent, and so is its temporary file; an older version of
    /// it stays as it was.
    @Test func fullOutputFolder() throws {
        let root = try course()
        defer { try? FileManager.default.removeItem(atPath: root) }
        // A big lesson, so that its HTML cannot fit.
        let big = Self.lesson + String(repeating: "Words words words words words words words words.\n\n", count: 3000)
        try big.write(toFile: (root as NSString).appendingPathComponent("lessons/big.md"), atomically: true, encoding: .utf8)
        let out = (root as NSString).appendingPathComponent("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        // The reference: the same render into a folder with room.
        let reference = try stepmark(["render", "lessons", "--out", "reference", "--format", "md,html"], in: root)
        #expect(reference.status == 0, "\(reference.stderr)")
        let expected = snapshot((root as NSString).appendingPathComponent("reference"))
        // An old, complete version of the big handout that must survive the failed render.
        let old = "old handout\n"
        try old.write(toFile: (out as NSString).appendingPathComponent("big.html"), atomically: true, encoding: .utf8)

        var mounted = false
        if getuid() == 0 {
            mounted = shell("mount -t tmpfs -o size=64k stepmark-test '\(out)'") == 0
            if mounted { try old.write(toFile: (out as NSString).appendingPathComponent("big.html"), atomically: false, encoding: .utf8) }
        }
        defer { if mounted { _ = shell("umount '\(out)'") } }
        // --overwrite: the old big.html is not stepmark's (no manifest), and must survive anyway.
        let command = "\(stepmarkExecutable) render lessons --out out --format md,html --overwrite"
        let status = mounted ? shell("cd '\(root)' && \(command) 2>err.txt")
                             : shell("cd '\(root)' && trap '' XFSZ && ulimit -f 128 && \(command) 2>err.txt")
        let stderr = (try? String(contentsOfFile: (root as NSString).appendingPathComponent("err.txt"), encoding: .utf8)) ?? ""
        #expect(status == 2, "\(stderr)")
        #expect(stderr.contains("cannot write: No space left on device") || stderr.contains("cannot write: File too large"), "\(stderr)")
        let written = snapshot(out)
        for (name, data) in written where name != "big.html" && name != ".stepmark-manifest" {
            #expect(data == expected[name], "\(name) is not complete")
        }
        // The manifest, when it fitted, owns what was written and not the page that failed.
        if let manifest = written[".stepmark-manifest"].map({ String(decoding: $0, as: UTF8.self) }) {
            #expect(!manifest.contains("big.html"), "\(manifest)")
        }
        #expect(written["big.html"] == Data(old.utf8), "the old big.html was replaced by a partial file")
        #expect(temporaries(out).isEmpty, "\(temporaries(out))")
    }

    /// `render --format json` writes a lesson's JSON a piece at a time (15 million recorded
    /// entries took 715 MB, the report plus its whole page): the file is exactly `run`'s JSON,
    /// the manifest has its FNV-1a and length, an unchanged page is not rewritten, and `--check`
    /// notices a page one byte longer or shorter.
    @Test func jsonPageWrittenInPiecesIsTheWholePage() throws {
        // About 6 MB of JSON: several of the serializer's 1 MB pieces.
        let lesson = "# Big\n\n```let\na = random(300, 1000, seed=1)\nb = random(300, 1000, seed=2)\n```\n"
        let root = try temporaryFolder(["big.md": lesson])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let run = try stepmark(["run", "big.md", "--format", "json"], in: root)
        #expect(run.status == 0, "\(run.stderr)")
        let first = try stepmark(["render", "big.md", "--out", "out", "--format", "json"], in: root)
        #expect(first.status == 0 && first.stdout.contains("(1 file changed)"), "\(first.stdout)\(first.stderr)")
        let page = (root as NSString).appendingPathComponent("out/big.json")
        let bytes = try #require(FileManager.default.contents(atPath: page))
        #expect(bytes.count > 5_000_000)
        #expect(bytes == Data(run.stdout.utf8))
        // FNV-1a written out here, from its definition.
        var h: UInt64 = 0xcbf29ce484222325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        let manifest = try String(contentsOfFile: (root as NSString).appendingPathComponent("out/.stepmark-manifest"), encoding: .utf8)
        #expect(manifest.contains(String(h, radix: 16) + " \(bytes.count) big.json\n"), "\(manifest)")
        let modified = try FileManager.default.attributesOfItem(atPath: page)[.modificationDate] as? Date
        usleep(20_000)
        let again = try stepmark(["render", "big.md", "--out", "out", "--format", "json"], in: root)
        #expect(again.status == 0 && again.stdout.contains("(0 files changed)"), "\(again.stdout)\(again.stderr)")
        #expect(try FileManager.default.attributesOfItem(atPath: page)[.modificationDate] as? Date == modified, "an unchanged page is not rewritten")
        let current = try stepmark(["render", "big.md", "--out", "out", "--format", "json", "--check"], in: root)
        #expect(current.status == 0 && current.stdout.contains("1 file in out is up to date"), "\(current.stdout)\(current.stderr)")
        for changed in [bytes + Data("\n".utf8), bytes.dropLast(), Data(bytes.prefix(bytes.count - 2)) + Data("]}".utf8.reversed())] {
            try changed.write(to: URL(fileURLWithPath: page))
            let stale = try stepmark(["render", "big.md", "--out", "out", "--format", "json", "--check"], in: root)
            #expect(stale.status == 1 && stale.stderr.contains("stale: out/big.json") && stale.stderr.contains("1 file in out differs from the lessons"),
                    "\(stale.stderr)")
        }
        #expect(temporaries((root as NSString).appendingPathComponent("out")).isEmpty)
    }

    /// An unchanged JSON page in a folder that cannot be written is no error, as an unchanged
    /// Markdown page is not: the page is compared before anything is created (red-team round
    /// two). Root ignores permissions, so a tmpfs is remounted read-only (skipped elsewhere).
    @Test func unchangedJSONPageInAReadOnlyFolder() throws {
        guard getuid() == 0 else { return }
        let root = try temporaryFolder(["l.md": "```let\nx = [1, 2]\n```\n"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let out = (root as NSString).appendingPathComponent("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        guard shell("mount -t tmpfs -o size=1m stepmark-test '\(out)'") == 0 else { return }
        defer { _ = shell("umount '\(out)'") }
        #expect(try stepmark(["render", "l.md", "--out", "out", "--format", "md,json"], in: root).status == 0)
        #expect(shell("mount -o remount,ro '\(out)'") == 0)
        let again = try stepmark(["render", "l.md", "--out", "out", "--format", "md,json"], in: root)
        #expect(again.status == 0 && again.stdout.contains("(0 files changed)"), "\(again.stdout)\(again.stderr)")
    }

    /// A JSON page that does not fit on the disk: the error names it, and neither it nor its
    /// temporary file is left behind.
    @Test func jsonPageWrittenInPiecesOnAFullDisk() throws {
        let lesson = "# Big\n\n```let\na = random(100, 1000, seed=1)\n```\n"
        let root = try temporaryFolder(["big.md": lesson])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let out = (root as NSString).appendingPathComponent("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var mounted = false
        if getuid() == 0 { mounted = shell("mount -t tmpfs -o size=64k stepmark-test '\(out)'") == 0 }
        defer { if mounted { _ = shell("umount '\(out)'") } }
        let command = "\(stepmarkExecutable) render big.md --out out --format json"
        let status = mounted ? shell("cd '\(root)' && \(command) 2>err.txt")
                             : shell("cd '\(root)' && trap '' XFSZ && ulimit -f 128 && \(command) 2>err.txt")
        let stderr = (try? String(contentsOfFile: (root as NSString).appendingPathComponent("err.txt"), encoding: .utf8)) ?? ""
        #expect(status == 2, "\(stderr)")
        #expect(stderr.contains("error: out/big.json: cannot write: No space left on device") || stderr.contains("error: out/big.json: cannot write: File too large"), "\(stderr)")
        #expect(!FileManager.default.fileExists(atPath: (out as NSString).appendingPathComponent("big.json")))
        #expect(temporaries(out).isEmpty, "\(temporaries(out))")
    }

    /// Ctrl-C (or a kill) in the middle of a large page: the process ends by the signal, as
    /// before, but takes its temporary file with it (red-team: `.big.json.tmp-…` stayed behind).
    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalMidWriteLeavesNoTemporaryFile(_ signal: Int32) throws {
        // About 150 MB of JSON: long enough to be caught in the middle of writing it.
        let values = (1...8).map { "a\($0) = random(1000, 1000, seed=\($0))" }.joined(separator: "\n")
        let root = try temporaryFolder(["big.md": "# Big\n\n```let\n\(values)\n```\n"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let out = (root as NSString).appendingPathComponent("out")
        // The test's own thread blocks these signals (libdispatch workers do) and a child
        // inherits that mask; a shell started from a terminal does not, so this one is cleared.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])",
                       stepmarkExecutable, "render", "big.md", "--out", "out", "--format", "json"]
        p.currentDirectoryURL = URL(fileURLWithPath: root)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        var seen = false
        for _ in 0..<3000 where p.isRunning {
            if temporaries(out).contains(where: { $0.hasPrefix(".big.json.tmp-") }) { seen = true; break }
            usleep(10_000)
        }
        try #require(seen, "the page was written before its temporary file could be seen")
        kill(p.processIdentifier, signal)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal && p.terminationStatus == signal)
        #expect(temporaries(out).isEmpty, "\(temporaries(out))")
        #expect(!FileManager.default.fileExists(atPath: (out as NSString).appendingPathComponent("big.json")))
    }

    /// A file-size limit (`ulimit -f`) used to end the process by SIGXFSZ in the middle of a
    /// write; it is now the write error it stands for, reported like a full disk, with no
    /// temporary file left and the pages written before it complete.
    @Test func aFileSizeLimitIsAWriteError() throws {
        let lesson = "# Big\n\n```let\na = random(100, 1000, seed=1)\n```\n"
        let root = try temporaryFolder(["big.md": lesson, "a.md": "# Small\n\n```let\nx = [1, 2]\n```\n"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let status = shell("cd '\(root)' && ulimit -f 128 && \(stepmarkExecutable) render . --out out --format json 2>err.txt")
        let stderr = (try? String(contentsOfFile: (root as NSString).appendingPathComponent("err.txt"), encoding: .utf8)) ?? ""
        #expect(status == 2, "\(stderr)")
        #expect(stderr.contains("error: out/big.json: cannot write: File too large"), "\(stderr)")
        let out = (root as NSString).appendingPathComponent("out")
        #expect(FileManager.default.fileExists(atPath: (out as NSString).appendingPathComponent("a.json")))
        #expect(temporaries(out).isEmpty, "\(temporaries(out))")
    }

    /// A report written to standard output that does not fit (`> file` under `ulimit -f`, or
    /// a full disk) is an error, exit 2: it ended with status 0 and half a JSON.
    @Test func aReportCutShortOnStandardOutputIsAnError() throws {
        let root = try temporaryFolder(["big.md": "# Big\n\n```let\na = random(100, 1000, seed=1)\n```\n"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let status = shell("cd '\(root)' && ulimit -f 100 && \(stepmarkExecutable) run big.md --format json > o.json 2>err.txt")
        let stderr = (try? String(contentsOfFile: (root as NSString).appendingPathComponent("err.txt"), encoding: .utf8)) ?? ""
        #expect(status == 2, "\(stderr)")
        #expect(stderr.contains("error: cannot write the output: File too large"), "\(stderr)")
        #expect(shell("\(stepmarkExecutable) run '\(root)/big.md' > /dev/full 2>/dev/null") == 2)
        // What `print` writes too (the lists of directives and functions).
        #expect(shell("\(stepmarkExecutable) functions > /dev/full 2>/dev/null") == 2)
        #expect(shell("\(stepmarkExecutable) directives attend > /dev/full 2>/dev/null") == 2)
    }

    @discardableResult
    func shell(_ command: String) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }
}
