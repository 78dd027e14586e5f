import Foundation
import Testing

/// `stepmark grade` reads its submissions without swift-argument-parser's quadratic path (files
/// anywhere on the command line, `--` , folders, `@list` files), in the order given, and flushes
/// the batch once before writing the gradebook.
@Suite struct GradeCommandLineTests {
    let key = gradingFixture("key.md")

    func gradebookRows(_ out: String) throws -> [String] {
        let csv = try String(contentsOfFile: (out as NSString).appendingPathComponent("gradebook.csv"), encoding: .utf8)
        return csv.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[1]) }
    }

    /// Copies of the fixture answers under new names, so that the order of the rows shows the
    /// order of the arguments.
    func submissions(_ names: [String]) throws -> String {
        let correct = try String(contentsOfFile: gradingFixture("correct.md"), encoding: .utf8)
        return try temporaryFolder(Dictionary(uniqueKeysWithValues: names.map { ("\($0).md", correct) }))
    }

    @Test func fileArgumentsAnywhereAmongTheOptionsKeepTheirOrder() throws {
        let folder = try submissions(["d", "a", "c", "b", "-e"])
        let r = try stepmark(["grade", "d.md", "--key", key, "a.md", "--reveal", "c.md", "--out", "grades",
                              "--max-seconds", "20", "b.md", "--", "-e.md"], in: folder)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("graded 5 submissions"))
        #expect(try gradebookRows((folder as NSString).appendingPathComponent("grades")) == ["d", "a", "c", "b", "'-e"])   // the CSV's formula guard
        // Usage errors are the parser's, as before.
        let noSubmission = try stepmark(["grade", "--key", key, "--out", "grades"], in: folder)
        #expect(noSubmission.status == 2 && noSubmission.stderr.contains("Missing expected argument '<submissions> ...'"))
        let unknown = try stepmark(["grade", "--key", key, "a.md", "b.md", "--bogus", "--out", "grades"], in: folder)
        #expect(unknown.status == 2 && unknown.stderr.contains("--bogus"), "\(unknown.stderr)")
    }

    /// Every option that takes a value keeps it wherever it stands, `--roster` included (it
    /// was once read as a submission when written after one).
    @Test func everyValueOptionKeepsItsValue() throws {
        // s001's variant is 226042 (SHA-256 of "s001", as in HandoutSafetyTests); the file says so.
        let correct = try String(contentsOfFile: gradingFixture("correct.md"), encoding: .utf8)
        let folder = try temporaryFolder(["s001.md": "---\nvariant: 226042\n---\n" + correct, "roster.csv": "id,name\ns001,Kim\n"])
        let r = try stepmark(["grade", "--key", key, "s001.md", "--out", "grades", "--roster", "roster.csv"], in: folder)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(try gradebookRows(folder + "/grades") == ["s001"])
        #expect(!r.stderr.contains("match no student"), "\(r.stderr)")
        // A file no student of the roster owns is graded on its own variant, and said so (a
        // red-team pass: silent, it let a file pick the key's own numbers, variant 0).
        try ("---\nvariant: 0\n---\n" + correct).write(toFile: folder + "/S001.md", atomically: true, encoding: .utf8)
        let stranger = try stepmark(["grade", "--key", key, "S001.md", "--out", "grades2", "--roster", "roster.csv"], in: folder)
        #expect(stranger.stderr.contains("warning: 1 submission match no student of roster.csv (by folder or file name, letter case included): graded against the variant the file declares (S001.md)"), "\(stranger.stderr)")
        // The help lists every option with a value; each one must be known to the splitter.
        let help = try stepmark(["grade", "--help"]).stdout
        let valued = Set(help.matches(of: /(--[a-z-]+) <[a-z.\-]+>/).map { String($0.1) })
        #expect(valued == ["--key", "--out", "--roster", "--late-policy", "--format", "--assignment", "--max-entries", "--max-steps", "--max-tokens", "--max-file-bytes", "--max-seconds", "--model-dir"], "\(valued)")
    }

    @Test func listFilesAndFoldersExpandInPlace() throws {
        let folder = try submissions(["z", "y", "x"])
        let more = try submissions(["m2", "m1"])
        try "z.md\r\n\n  \n\(more)\nx.md\n".write(toFile: (folder as NSString).appendingPathComponent("list.txt"), atomically: true, encoding: .utf8)
        let r = try stepmark(["grade", "--key", key, "y.md", "@list.txt", "--out", "grades"], in: folder)
        #expect(r.status == 0, "\(r.stderr)")
        // y, then the list in its order: z, the folder's files sorted, x.
        #expect(try gradebookRows((folder as NSString).appendingPathComponent("grades")) == ["y", "z", "m1", "m2", "x"])
    }

    @Test func aBadListFileIsBadInput() throws {
        let folder = try submissions(["a"])
        let missing = try stepmark(["grade", "--key", key, "@nope.txt", "--out", "grades"], in: folder)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("error: the submission list nope.txt: cannot be read: No such file or directory"), "\(missing.stderr)")
        // The key (under 2,000 bytes) fits the limit; the list (25,000 bytes) does not.
        try String(repeating: "a.md\n", count: 5_000).write(toFile: (folder as NSString).appendingPathComponent("big.txt"), atomically: true, encoding: .utf8)
        let big = try stepmark(["grade", "--key", key, "@big.txt", "--out", "grades", "--max-file-bytes", "20000"], in: folder)
        #expect(big.status == 2)
        #expect(big.stderr.contains("big.txt: is 25000 bytes, over the limit of 20000 (raise it with --max-file-bytes)"), "\(big.stderr)")
        let isFolder = try stepmark(["grade", "--key", key, "@.", "--out", "grades"], in: folder)
        #expect(isFolder.status == 2 && isFolder.stderr.contains("the submission list .: is not a regular file"))
        #expect(!FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent("grades")))
    }

    /// The command line is split by hand before the parser sees it: every grade option that takes
    /// a value must be known to that split, or its value would be taken for a submission.
    /// (The list below is GradeCommandLine.valueOptions, which this target cannot import.)
    @Test func theSplitKnowsEveryOptionThatTakesAValue() throws {
        let help = try stepmark(["grade", "--help"]).stdout
        let regex = try NSRegularExpression(pattern: "(--[a-z-]+) <[a-z-]+>")
        let range = NSRange(help.startIndex..., in: help)
        let inHelp = Set(regex.matches(in: help, range: range).map { String(help[Range($0.range(at: 1), in: help)!]) })
        #expect(inHelp == ["--key", "--out", "--late-policy", "--format", "--assignment", "--max-entries", "--max-steps", "--max-tokens", "--max-file-bytes", "--max-seconds", "--model-dir"])
    }

    /// Found by a red-team pass: with --out the submissions folder, one student's feedback page
    /// replaced another's submission (and that student's grade depended on which thread read
    /// first); a key named feedback.md was replaced too. Such a batch writes nothing, exit 2;
    /// a student's own feedback.md beside a results.json is skipped with a warning, not silently.
    @Test func gradeNeverWritesOverItsInputs() throws {
        let correct = try String(contentsOfFile: gradingFixture("correct.md"), encoding: .utf8)
        let wrong = try String(contentsOfFile: gradingFixture("partly-wrong.md"), encoding: .utf8)
        let keyText = try String(contentsOfFile: key, encoding: .utf8)
        let folder = try temporaryFolder(["subs/foo.md": correct, "subs/foo/feedback.md": wrong,
                                          "k/feedback.md": keyText, "s/k.md": correct,
                                          "s2/dave/feedback.md": correct, "s2/erin/feedback.md": correct, "s2/erin/results.json": "{}"])
        let clash = try stepmark(["grade", "--key", key, "subs", "--out", "subs"], in: folder)
        #expect(clash.status == 2 && clash.stderr.contains("error: subs: writing subs/foo/feedback.md would replace the submission subs/foo/feedback.md; nothing was graded"), "\(clash.stderr)")
        #expect(try String(contentsOfFile: folder + "/subs/foo/feedback.md", encoding: .utf8) == wrong)
        #expect(!FileManager.default.fileExists(atPath: folder + "/subs/gradebook.csv"))
        let overKey = try stepmark(["grade", "--key", "k/feedback.md", "s/k.md", "--out", "."], in: folder)
        #expect(overKey.status == 2 && overKey.stderr.contains("would replace the key k/feedback.md"), "\(overKey.stderr)")
        #expect(try String(contentsOfFile: folder + "/k/feedback.md", encoding: .utf8) == keyText)
        let skipped = try stepmark(["grade", "--key", key, "s2", "--out", "o2"], in: folder)
        #expect(skipped.status == 0 && skipped.stdout.hasPrefix("graded 1 submission"))
        #expect(skipped.stderr.contains("warning: skipped 1 feedback.md file beside a results.json, taken for grade's own pages (s2/erin/feedback.md)"), "\(skipped.stderr)")
        #expect(try stepmark(["grade", "--key", key, "s2", "s2/erin/feedback.md", "--out", "o3"], in: folder).stdout.hasPrefix("graded 2 submissions"))
    }
}
