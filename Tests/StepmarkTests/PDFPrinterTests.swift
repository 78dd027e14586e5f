import Foundation
import Testing
import StepmarkLesson
@testable import StepmarkRender

/// `render --format pdf` without a real browser: a stand-in script plays Chromium, so the
/// arguments, the timeout, the checks on what it wrote and the lookup on PATH are tested here;
/// Tests/browser/test_print.sh prints real lessons with Debian's chromium.
@Suite(.serialized) struct PDFPrinterTests {
    /// A folder with an executable `name` holding `script`.
    func fakeBrowser(_ name: String, _ script: String) throws -> (folder: String, program: String) {
        let folder = NSTemporaryDirectory() + "stepmark-fake-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let program = folder + "/" + name
        try ("#!/bin/sh\n" + script).write(toFile: program, atomically: true, encoding: .utf8)
        chmod(program, 0o755)
        return (folder, program)
    }

    @Test func findsChromiumOrChromiumBrowserOnPath() throws {
        let (folder, program) = try fakeBrowser("chromium-browser", "exit 0\n")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(PDFPrinter.browser(path: "/nonexistent:" + folder) == program)
        #expect(PDFPrinter.browser(path: "/nonexistent") == nil)
        #expect(PDFPrinter.missingBrowser.contains("package 'chromium'"))
    }

    @Test func printsThePageHeadlessOfflineInATemporaryProfile() throws {
        // Writes a PDF where --print-to-pdf= says, and keeps its arguments and the page.
        let (folder, program) = try fakeBrowser("chromium", """
            out=""; for a in "$@"; do case "$a" in --print-to-pdf=*) out="${a#--print-to-pdf=}";; esac; done
            printf '%s\\n' "$@" > "$(dirname "$0")/args"
            cat "${out%.pdf}.html" > "$(dirname "$0")/page"
            printf '%%PDF-1.4 fake' > "$out"
            """)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = folder + "/out/lesson.pdf"
        let bytes = try PDFPrinter.pdf(html: "<p>hi</p>", for: target, program: program)
        #expect(bytes == Array("%PDF-1.4 fake".utf8))
        let args = try String(contentsOfFile: folder + "/args", encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(args.contains("--headless"))
        #expect(args.contains("--no-pdf-header-footer"))
        #expect(args.contains("--host-resolver-rules=MAP * ~NOTFOUND"))
        #expect(args.contains { $0.hasPrefix("--user-data-dir=") && $0.contains("stepmark-pdf-") })
        #expect(args.last?.hasPrefix("file://") == true)
        #expect(try String(contentsOfFile: folder + "/page", encoding: .utf8) == "<p>hi</p>")
        // The temporary folder (page, profile, PDF) is gone.
        let profile = args.first { $0.hasPrefix("--user-data-dir=") }!.dropFirst("--user-data-dir=".count)
        #expect(!FileManager.default.fileExists(atPath: (String(profile) as NSString).deletingLastPathComponent))
    }

    @Test func aBrowserThatFailsWritesNothingAndSaysWhy() throws {
        let (folder, program) = try fakeBrowser("chromium", "echo 'Failed to connect to the bus: dbus' >&2\necho 'no display' >&2\nexit 3\n")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let error1 = #expect(throws: ReadError.self) { try PDFPrinter.pdf(html: "<p>hi</p>", for: folder + "/x.pdf", program: program) }
        let message1 = error1.map { "\($0)" } ?? ""
        #expect(message1.contains("exit status 3") && message1.contains("no display"), "\(message1)")
        // Exit 0 without a PDF is a failure too.
        let (folder2, quiet) = try fakeBrowser("chromium", "exit 0\n")
        defer { try? FileManager.default.removeItem(atPath: folder2) }
        let error3 = #expect(throws: ReadError.self) { try PDFPrinter.pdf(html: "<p>hi</p>", for: folder2 + "/x.pdf", program: quiet) }
        let message3 = error3.map { "\($0)" } ?? ""
        #expect(message3.contains("wrote no PDF"))
    }

    @Test func aBrowserThatHangsIsKilledAtTheTimeout() throws {
        // The script's own child (sleep) is in the same process group and goes with it.
        let (folder, program) = try fakeBrowser("chromium", "sleep 30 &\nsleep 30\n")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let start = Date()
        let error5 = #expect(throws: ReadError.self) { try PDFPrinter.pdf(html: "<p>hi</p>", for: folder + "/x.pdf", timeout: 0.5, program: program) }
        let message5 = error5.map { "\($0)" } ?? ""
        #expect(message5.contains("did not finish printing within"))
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test func printWritesAtomically() throws {
        let (folder, program) = try fakeBrowser("chromium", """
            for a in "$@"; do case "$a" in --print-to-pdf=*) printf '%%PDF-1.7 x' > "${a#--print-to-pdf=}";; esac; done
            """)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = folder + "/deep/er/lesson.pdf"
        try AtomicFile.write(bytes: try PDFPrinter.pdf(html: "x", for: target, program: program), to: target)
        #expect(FileManager.default.contents(atPath: target) == Data("%PDF-1.7 x".utf8))
        let names = try FileManager.default.contentsOfDirectory(atPath: folder + "/deep/er")
        #expect(names == ["lesson.pdf"])
    }

    @Test func aFailedPrintKeepsTheWrittenPagesOwned() throws {
        let (folder, _) = try fakeBrowser("chromium", "echo 'no display' >&2; exit 3\n")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "# Print me\n\n```let\nd = 64\n```\n".write(toFile: folder + "/lesson.md", atomically: true, encoding: .utf8)
        let path = folder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let failed = try stepmark(["PATH=\(path)", stepmarkExecutable, "render", folder + "/lesson.md", "--out", folder + "/out", "--format", "md,pdf"],
                                  executable: "/usr/bin/env")
        // A clear error naming the file and the browser's words, exit 2, no PDF.
        #expect(failed.status == 2, "\(failed.stderr)")
        #expect(failed.stderr.contains("lesson.pdf") && failed.stderr.contains("failed (exit status 3)") && failed.stderr.contains("no display"), "\(failed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/out/lesson.pdf"))
        // The Markdown page written before the print failed is in the manifest: a render
        // without pdf replaces it rather than refusing it as someone else's file.
        let manifest = try String(contentsOfFile: folder + "/out/.stepmark-manifest", encoding: .utf8)
        #expect(manifest.contains("lesson.md"), "\(manifest)")
        try "# Print me again\n\n```let\nd = 64\n```\n".write(toFile: folder + "/lesson.md", atomically: true, encoding: .utf8)
        let again = try stepmark(["render", folder + "/lesson.md", "--out", folder + "/out", "--format", "md"])
        #expect(again.status == 0, "\(again.stderr)")
    }

    @Test func renderWritesPDFBesideTheOtherFormats() throws {
        // The stand-in copies the page it was given into the PDF, behind a PDF header.
        let (folder, _) = try fakeBrowser("chromium", """
            out=""; for a in "$@"; do case "$a" in --print-to-pdf=*) out="${a#--print-to-pdf=}";; esac; done
            { printf '%%PDF-1.4\n'; cat "${out%.pdf}.html"; } > "$out"
            """)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "# Print me\n\n```let\nd = 64\n```\n".write(toFile: folder + "/lesson.md", atomically: true, encoding: .utf8)
        let path = folder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let result = try stepmark(["PATH=\(path)", stepmarkExecutable, "render", folder + "/lesson.md", "--out", folder + "/out", "--format", "html,pdf"],
                                  executable: "/usr/bin/env")
        #expect(result.status == 0, "\(result.stderr)")
        let pdf = try String(contentsOfFile: folder + "/out/lesson.pdf", encoding: .utf8)
        let html = try String(contentsOfFile: folder + "/out/lesson.html", encoding: .utf8)
        #expect(pdf.hasPrefix("%PDF-1.4\n<!DOCTYPE html>"))
        // The printed page has the print rules and no link back to an index it does not have.
        #expect(pdf.contains("@media print{") && pdf.contains("@page{size:A4"))
        #expect(html.contains("index.html") && !pdf.contains("index.html"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/out/index.pdf"))
        // The manifest knows the PDF's own bytes: a second render replaces it, an edited one
        // is refused.
        let again = try stepmark(["PATH=\(path)", stepmarkExecutable, "render", folder + "/lesson.md", "--out", folder + "/out", "--format", "html,pdf"],
                                 executable: "/usr/bin/env")
        #expect(again.status == 0, "\(again.stderr)")
        try (pdf + "edited").write(toFile: folder + "/out/lesson.pdf", atomically: true, encoding: .utf8)
        let edited = try stepmark(["PATH=\(path)", stepmarkExecutable, "render", folder + "/lesson.md", "--out", folder + "/out", "--format", "html,pdf"],
                                  executable: "/usr/bin/env")
        #expect(edited.status != 0 && edited.stderr.contains("lesson.pdf") && edited.stderr.contains("refusing to overwrite"), "\(edited.stderr)")

        // No browser: exit 2, the package named, nothing written.
        let none = try stepmark(["PATH=/nonexistent", stepmarkExecutable, "render", folder + "/lesson.md", "--out", folder + "/none", "--format", "pdf"],
                                executable: "/usr/bin/env")
        #expect(none.status == 2)
        #expect(none.stderr.contains("install Debian's package 'chromium'"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/none"))

        // --check cannot compare PDFs.
        let check = try stepmark(["render", folder + "/lesson.md", "--out", folder + "/out", "--format", "pdf", "--check"])
        #expect(check.status != 0 && check.stderr.contains("a PDF differs on every print"))
    }
}
