import Foundation
import Testing
import StepmarkCore
@testable import StepmarkPreview
import StepmarkLesson
import StepmarkRender
import StepmarkGrade

/// Writes files into a fresh temporary folder and returns its path (resolved, as inotify reports it).
private func folder(_ files: [String: String]) throws -> String {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("stepmark-preview-\(UUID().uuidString)")
        .resolvingSymlinksInPath().path
    for (name, content) in files {
        let path = (root as NSString).appendingPathComponent(name)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try content.write(toFile: path, atomically: false, encoding: .utf8)
    }
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    return root
}

private let adapter = RenderAdapter(limits: Limits())

@Suite("stepmark preview")
struct PreviewTests {
    /// The page's Content-Security-Policy, as its meta element holds it.
    static func policy(_ html: String) -> String? {
        guard let start = html.firstRange(of: "http-equiv=\"Content-Security-Policy\" content=\"") else { return nil }
        return html[start.upperBound...].split(separator: "\"", maxSplits: 1).first.map(String.init)
    }

    /// The `'sha256-…'` sources of a policy's script-src, sorted.
    static func scriptHashes(_ policy: String) -> [String] {
        policy.split(whereSeparator: { $0 == " " || $0 == ";" }).map(String.init).filter { $0.hasPrefix("'sha256-") }.sorted()
    }

    /// The CSP hash of each `<script>` element's text in a page, sorted: the element's text is
    /// what a browser hashes.
    static func hashesOfScripts(in html: String) -> [String] {
        html.components(separatedBy: "<script>").dropFirst().map { piece in
            let text = piece.components(separatedBy: "</script>")[0]
            return "'sha256-" + Data(SHA256.hash(Array(text.utf8))).base64EncodedString() + "'"
        }.sorted()
    }

    @Test("a preview page is the handout plus connect-src 'self', the preview's script and nothing else changed")
    func decorate() throws {
        let handout = HTMLRenderer().render(Runner().run(LessonParser.parse("# T\n\n```let\nx = 1\n```\n", path: "t.md")))
        // The handout written by `render` keeps its strict policy: no connection of any kind,
        // and only its own scripts run (each by its hash; no 'unsafe-inline').
        let handoutPolicy = try #require(Self.policy(handout))
        #expect(handoutPolicy.hasPrefix("default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-"))
        #expect(handoutPolicy.hasSuffix("; img-src data:; base-uri 'none'; form-action 'none'"))
        #expect(Self.scriptHashes(handoutPolicy) == Self.hashesOfScripts(in: handout) && Self.scriptHashes(handoutPolicy).count == 2)
        #expect(!handout.contains("connect-src") && !handout.contains("unsafe-inline'; img") && !handoutPolicy.contains("script-src 'unsafe-inline'"))
        #expect(!handout.contains("EventSource"))
        let page = PreviewPage.decorate(handout, page: "t", errors: [], present: false)
        let pagePolicy = try #require(Self.policy(page))
        #expect(pagePolicy == PreviewPage.headerPolicy && pagePolicy.hasSuffix("; connect-src 'self'"))
        #expect(Self.scriptHashes(pagePolicy) == Self.hashesOfScripts(in: page) && Self.scriptHashes(pagePolicy).count == 3)
        #expect(page.contains("new EventSource('/_preview/events')"))
        #expect(page.contains("<meta name=\"stepmark-preview-page\" content=\"t\">"))
        #expect(!page.contains("stepmark-overlay\" role"))
        #expect(!page.contains("<meta name=\"stepmark-present\""))
        // Removing what was added gives the handout back, byte for byte.
        var back = page.replacingOccurrences(of: pagePolicy, with: handoutPolicy)
        for added in ["<meta name=\"stepmark-preview-page\" content=\"t\">\n", "<style>\(PreviewAssets.style)</style>\n",
                      "<script>\n\(PreviewAssets.script)\n</script>\n"] {
            #expect(back.contains(added))
            back = back.replacingOccurrences(of: added, with: "")
        }
        #expect(back == handout)
        #expect(PreviewPage.decorate(handout, page: "t", errors: [], present: true).contains("<meta name=\"stepmark-present\" content=\"on\">"))
    }

    @Test("the error overlay lists file:line:column, escaped")
    func overlay() {
        let page = PreviewPage.decorate("<html><head></head><body></body></html>", page: "a\"b", errors: ["a.md:3:7: bad <script>"], present: false)
        #expect(page.contains("<li><code>a.md:3:7: bad &lt;script&gt;</code></li>"))
        #expect(page.contains("content=\"a&quot;b\""))
        #expect(!page.contains("<script>\nbad"))
    }

    @Test("a lesson's errors reach the overlay with their positions")
    func lessonErrors() throws {
        let root = try folder(["a.md": "# A\n\n```let\nx = nope + 1\n```\n"])
        let lesson = adapter.renderLesson(source: root + "/a.md", relative: "a")
        #expect(lesson.errors.count == 1)
        #expect(lesson.errors.first?.hasPrefix(root + "/a.md:4:5: undefined name 'nope'") == true, "\(lesson.errors)")
        let missing = adapter.renderLesson(source: root + "/gone.md", relative: "gone")
        #expect(missing.errors == ["\(root)/gone.md: no such file or folder"])
        // A lesson replaced by a folder (of lessons or none) is an error page, not a crash
        // (a red-team pass: `plan.lessons[0]` of an empty plan).
        for inside in [[:], ["b.md": "# B\n"]] as [[String: String]] {
            let dir = try folder(inside.mapValues { $0 }.reduce(into: [:]) { $0["a.md/" + $1.key] = $1.value })
            try FileManager.default.createDirectory(atPath: dir + "/a.md", withIntermediateDirectories: true)
            let page = adapter.renderLesson(source: dir + "/a.md", relative: "a")
            #expect(page.errors == ["\(dir)/a.md: is a folder now, not a lesson file"])
        }
    }

    @Test("a change re-renders only what it affects: the lesson, the lessons that name a data file, new lessons and the index")
    func reRenderOnlyWhatChanged() throws {
        let root = try folder([
            "en/a.md": "# A\n\n```let\nM = load(\"data/m.csv\")\n```\n",
            "en/b.md": "# B\n\n```let\nx = 2\n```\n",
            "en/data/m.csv": "1,2\n",
        ])
        let site = PreviewSite(adapter: adapter, lessons: [(root + "/en/a.md", "en/a"), (root + "/en/b.md", "en/b")], roots: [root])
        #expect(site.lesson("en/a")?.html.contains("<td") == true)
        #expect(site.index.contains("en/a.html") && site.index.contains("en/b.html"))

        try "7,8\n".write(toFile: root + "/en/data/m.csv", atomically: false, encoding: .utf8)
        #expect(site.apply(changed: [root + "/en/data/m.csv"]).pages == ["en/a"])
        #expect(site.lesson("en/a")?.html.contains(">7.0000<") == true)

        // Saved without a change to what it renders: nothing to reload.
        #expect(site.apply(changed: [root + "/en/b.md"]).pages == [])
        try "# B\n\n```let\nx = 3\n```\n".write(toFile: root + "/en/b.md", atomically: false, encoding: .utf8)
        #expect(site.apply(changed: [root + "/en/b.md"]).pages == ["en/b"])
        // A new title changes the index too.
        try "# Bee\n\n```let\nx = 3\n```\n".write(toFile: root + "/en/b.md", atomically: false, encoding: .utf8)
        #expect(site.apply(changed: [root + "/en/b.md"]).pages == ["en/b", "index"])

        try "# C\n".write(toFile: root + "/en/c.md", atomically: false, encoding: .utf8)
        #expect(site.apply(changed: [root + "/en/c.md", root + "/en/.c.md.swp", root + "/en/README.md"]).pages == ["en/c", "index"])
        #expect(site.index.contains("en/c.html"))

        try FileManager.default.removeItem(atPath: root + "/en/a.md")
        #expect(site.apply(changed: [root + "/en/a.md"]).pages == ["en/a", "index"])
        #expect(site.lesson("en/a") == nil)
        #expect(!site.index.contains("en/a.html"))
    }

    @Test("the preview's index is titled by course.yml, as render's is")
    func indexFollowsCourseFile() throws {
        let root = try folder([
            "course/course.yml": "title: 모든 강의\nlang: ko\n",
            "course/ko/course.yml": "title: 한국어 강의\n",
            "course/ko/a.md": "# 가\n\n```let\nx = 1\n```\n",
        ])
        let plan = try CoursePlan.make(paths: [root + "/course"], out: root + "/out")
        let site = PreviewSite(adapter: adapter, lessons: plan.lessons.map { ($0.source, $0.relative) }, roots: plan.roots,
                               courses: plan.courses)
        let rendered = Course(formats: [.html], student: false, limits: Limits()).render(plan)
        let index = try #require(rendered.files.first { $0.path.hasSuffix("index.html") }?.content)
        #expect(site.index == index)
        #expect(site.index.contains("모든 강의") && site.index.contains("한국어 강의"))
        // A re-render of the index keeps the titles.
        try "# 나\n\n```let\nx = 1\n```\n".write(toFile: root + "/course/ko/a.md", atomically: false, encoding: .utf8)
        #expect(site.apply(changed: [root + "/course/ko/a.md"]).pages == ["ko/a", "index"])
        #expect(site.index.contains("모든 강의") && site.index.contains("나"))
    }

    @Test("a changed course.yml re-titles and re-orders the index; a broken one keeps the last good index and says why")
    func indexFollowsAChangedCourseFile() throws {
        let root = try folder([
            "course/course.yml": "title: First title\nlessons: [b.md, a.md]\n",
            "course/a.md": "# Alpha\n",
            "course/b.md": "# Beta\n",
        ])
        let course = root + "/course"
        let replan: PreviewSite.Replan = {
            let plan = try CoursePlan.make(paths: [course], out: "/dev/null/stepmark-preview")
            return (plan.lessons.map(\.relative), plan.courses)
        }
        let plan = try CoursePlan.make(paths: [course], out: "/dev/null/stepmark-preview")
        let site = PreviewSite(adapter: adapter, lessons: plan.lessons.map { ($0.source, $0.relative) }, roots: plan.roots,
                               courses: plan.courses, replan: replan)
        func position(_ page: String) -> Int { site.index.range(of: page + ".html").map { site.index.distance(from: site.index.startIndex, to: $0.lowerBound) } ?? -1 }
        #expect(site.index.contains("First title"))
        #expect(position("b") < position("a"))

        try "title: Second title\nlessons: [a.md, b.md]\n".write(toFile: course + "/course.yml", atomically: false, encoding: .utf8)
        let update = site.apply(changed: [course + "/course.yml"])
        #expect(update.pages == ["index"] && update.problems.isEmpty, "\(update)")
        #expect(site.index.contains("Second title") && !site.index.contains("First title"))
        #expect(position("a") < position("b"))

        // A new lesson takes the place course.yml gives it, not the end of the list.
        try "title: Second title\nlessons: [c.md, a.md, b.md]\n".write(toFile: course + "/course.yml", atomically: false, encoding: .utf8)
        try "# Gamma\n".write(toFile: course + "/c.md", atomically: false, encoding: .utf8)
        #expect(site.apply(changed: [course + "/course.yml", course + "/c.md"]).pages == ["c", "index"])
        #expect(position("c") < position("a") && position("a") < position("b"))

        // A course.yml that is not valid: the index stays as it was, and the problem is named.
        let before = site.index
        try "title: [unclosed\n".write(toFile: course + "/course.yml", atomically: false, encoding: .utf8)
        let broken = site.apply(changed: [course + "/course.yml"])
        #expect(broken.pages.isEmpty)
        #expect(broken.problems.count == 1 && broken.problems[0].contains("course.yml"), "\(broken.problems)")
        #expect(site.index == before)
    }
}

@Suite("inotify watcher")
struct FileWatcherTests {
    /// Collects what the watcher reports.
    final class Seen: @unchecked Sendable {
        let lock = NSLock()
        var paths = Set<String>()
        func add(_ p: Set<String>) { lock.lock(); paths.formUnion(p); lock.unlock() }
        func contains(_ p: String) -> Bool { lock.lock(); defer { lock.unlock() }; return paths.contains(p) }
    }

    func waitFor(_ seen: Seen, _ path: String) -> Bool {
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if seen.contains(path) { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return false
    }

    @Test("a write, a file in a new folder and a rename into place are each reported")
    func reportsChanges() throws {
        let root = try folder(["a.md": "# A\n"])
        let watcher = try FileWatcher()
        #expect(try watcher.watchTree(root) == [root + "/a.md"])
        let seen = Seen()
        watcher.start { seen.add($0) }
        defer { watcher.stop() }

        try "# A2\n".write(toFile: root + "/a.md", atomically: false, encoding: .utf8)
        #expect(waitFor(seen, root + "/a.md"))

        try FileManager.default.createDirectory(atPath: root + "/data", withIntermediateDirectories: true)
        #expect(waitFor(seen, root + "/data"))
        try "1,2\n".write(toFile: root + "/data/m.csv", atomically: false, encoding: .utf8)
        #expect(waitFor(seen, root + "/data/m.csv"))

        // Editors save to a temporary file and rename it over the lesson.
        try "# B\n".write(toFile: root + "/.b.tmp", atomically: false, encoding: .utf8)
        #expect(rename(root + "/.b.tmp", root + "/b.md") == 0)
        #expect(waitFor(seen, root + "/b.md"))
    }

    @Test("a folder that cannot be watched is a clear error")
    func missingFolder() throws {
        let watcher = try FileWatcher()
        #expect(throws: FileWatcher.WatchError.self) { try watcher.watchTree("/nonexistent/stepmark-\(UUID())") }
    }
}

@Suite("preview words")
struct PreviewWordsTests {
    @Test("the overlay speaks the page's language")
    func korean() {
        let ko = PreviewPage.decorate("<html lang=\"ko\"><head></head><body></body></html>", page: "k", errors: ["k.md:1:1: x"], present: false)
        #expect(ko.contains("오류 1개") && ko.contains("닫기 (Esc)"))
        let en = PreviewPage.decorate("<html lang=\"en\"><head></head><body></body></html>", page: "e", errors: ["e.md:1:1: x", "e.md:2:1: y"], present: false)
        #expect(en.contains("2 errors") && en.contains("Dismiss (Esc)"))
    }
}

@Suite("preview host check")
struct PreviewHostTests {
    @Test("only loopback names are answered (no DNS rebinding)")
    func hosts() {
        for ok in ["127.0.0.1:8000", "localhost:8000", "LOCALHOST", "[::1]:8000", "127.0.0.1"] {
            #expect(PreviewServer.isLocalHost(ok), "\(ok)")
        }
        for bad in [nil, "", "evil.example:8000", "127.0.0.1.evil.example", "localhost.evil", "[::2]:80", "0.0.0.0:8000"] {
            #expect(!PreviewServer.isLocalHost(bad), "\(String(describing: bad))")
        }
    }
}
