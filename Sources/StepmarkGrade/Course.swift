import FoundationEssentials
import StepmarkCore
import StepmarkLesson
import StepmarkRender

/// Which lessons to render and where each one's reports go.
public struct CoursePlan: Sendable {
    public struct Entry: Sendable {
        /// The lesson file.
        public var source: String
        /// The output path without extension, relative to `out`: `en/01-attention`.
        public var relative: String
    }

    public var lessons: [Entry]
    public var out: String
    /// The folders that were given (the index groups lessons by their first sub-folder).
    public var roots: [String]
    /// The `course.yml` files found (SPEC §8), by the folder they describe relative to a
    /// given folder: `""` for the given folder itself (the index page), `en`, `ko` for its
    /// first sub-folders (the index's sections).
    public var courses: [String: CourseFile]

    public init(lessons: [Entry], out: String, roots: [String], courses: [String: CourseFile] = [:]) {
        self.lessons = lessons
        self.out = out
        self.roots = roots
        self.courses = courses
    }

    /// Expands folders into their `.md` lessons (sorted), mirroring the tree under `out`.
    /// - Throws: `ReadError` for a missing path, or an output folder that is or lies inside an
    ///   input lesson (which would overwrite it), and for a `course.yml` that is not valid
    ///   (named with its line and column).
    public static func make(paths: [String], out: String) throws -> CoursePlan {
        let fm = FileManager.default
        var entries: [Entry] = []
        var roots: [String] = []
        var courses: [String: CourseFile] = [:]
        for path in paths {
            var isDirectory = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ReadError(path: path, message: "no such file or folder")
            }
            if isDirectory {
                roots.append(path)
                let base = URL(fileURLWithPath: path).standardizedFileURL
                let outURL = URL(fileURLWithPath: out).standardizedFileURL
                if base.resolvingSymlinksInPath().path == outURL.resolvingSymlinksInPath().path {
                    // Every lesson would be skipped as output, and the reports would land among them.
                    throw ReadError(path: out, message: "the output folder is the lesson folder \(path); choose another --out folder")
                }
                guard let subpaths = try? fm.subpathsOfDirectory(atPath: base.path) else { continue }
                var found: [String] = []
                for subpath in subpaths {
                    let file = URL(fileURLWithPath: FilePathText.join(base.path, subpath)).standardizedFileURL.path
                    // Never read the output folder as input when it lies inside the lesson folder.
                    if file.hasPrefix(outURL.path + "/") { continue }
                    guard FilePathText.pathExtension(file) == "md", FilePathText.lastComponent(file).lowercased() != "readme.md" else { continue }
                    found.append(file)
                }
                let relatives: [String] = found.sorted().map { file in
                    var relative = String(file.dropFirst(base.path.count))
                    if relative.hasPrefix("/") { relative.removeFirst() }
                    return relative
                }
                let ordered = try ordered(relatives, in: path, courses: &courses)
                for relative in ordered {
                    let source = FilePathText.join(path, relative)
                    entries.append(Entry(source: source, relative: String(relative.dropLast(3))))
                }
            } else {
                let name = FilePathText.removingExtension(FilePathText.lastComponent(path))
                entries.append(Entry(source: path, relative: name))
            }
        }
        // Two lessons written to one page would leave only the last (x1/dup.md and x2/dup.md
        // both became dup.md, and the index linked both to it): refused. The same file named
        // twice is rendered once.
        var byRelative: [String: (source: String, resolved: String)] = [:]
        var unique: [Entry] = []
        for e in entries {
            let resolved = URL(fileURLWithPath: e.source).standardizedFileURL.resolvingSymlinksInPath().path
            if let earlier = byRelative[e.relative] {
                if earlier.resolved == resolved { continue }
                throw ReadError(path: e.source, message: "would be written to the same pages as \(earlier.source) (\(e.relative).*); render their common folder instead, which mirrors the folders, or render them into different --out folders")
            }
            byRelative[e.relative] = (e.source, resolved)
            unique.append(e)
        }
        entries = unique
        let outPath = URL(fileURLWithPath: out).standardizedFileURL.resolvingSymlinksInPath().path
        for e in entries {
            let source = URL(fileURLWithPath: e.source).standardizedFileURL.resolvingSymlinksInPath().path
            if source == outPath {
                throw ReadError(path: out, message: "the output folder is an input lesson; refusing to overwrite it")
            }
            if outPath.hasPrefix(source + "/") {
                throw ReadError(path: out, message: "the output folder would be inside the input lesson \(e.source); choose another --out folder")
            }
        }
        return CoursePlan(lessons: entries, out: out, roots: roots, courses: courses)
    }

    /// The lesson paths (relative to `root`) in course order: each folder's `course.yml`
    /// (the root's and its first sub-folders') lists its lessons first, in its order, then
    /// the ones it leaves out, by name. Reads those `course.yml` files into `courses`.
    static func ordered(_ relatives: [String], in root: String, courses: inout [String: CourseFile]) throws -> [String] {
        func folder(_ relative: String) -> String { FilePathText.parent(relative) }
        var folders: [String] = []
        for r in relatives where !folders.contains(folder(r)) { folders.append(folder(r)) }
        // A first sub-folder holding only deeper folders still names a section.
        for f in folders where f.contains("/") {
            let top = String(f.split(separator: "/")[0])
            if !folders.contains(top) { folders.append(top) }
        }
        if !folders.contains("") { folders.append("") }
        var rank: [String: Int] = [:]
        for f in folders where !f.contains("/") {
            let names = Set(relatives.filter { folder($0) == f }.map { FilePathText.lastComponent($0) })
            guard let course = try CourseFile.read(folder: FilePathText.join(root, f), available: names) else { continue }
            courses[f] = course
            for (i, name) in (course.lessons ?? []).enumerated() {
                rank[f.isEmpty ? name : f + "/" + name] = i
            }
        }
        guard !rank.isEmpty else { return relatives }
        // Folders in the order their first lesson comes; inside each, listed lessons first.
        var order: [String] = []
        var byFolder: [String: [String]] = [:]
        for r in relatives {
            if byFolder[folder(r)] == nil { order.append(folder(r)) }
            byFolder[folder(r), default: []].append(r)
        }
        return order.flatMap { f in
            byFolder[f]!.enumerated().sorted { x, y in
                let rx = rank[x.element] ?? Int.max, ry = rank[y.element] ?? Int.max
                return rx != ry ? rx < ry : x.offset < y.offset
            }.map(\.element)
        }
    }
}

/// One file a render would write.
public struct PlannedFile: Sendable {
    public var path: String
    /// The file's text; for a PDF, the HTML page that is printed into it.
    public var content: String
    /// True when the file on disk already has exactly this content (never for a PDF: every
    /// print differs, by its creation date at least).
    public var isCurrent: Bool
    /// The file is `content` printed to PDF by Chromium (`PDFPrinter`).
    public var printed: Bool = false
}

public struct RenderResult: Sendable {
    public var reports: [Report]
    public var files: [PlannedFile]
    public var readErrors: [ReadError]
    /// Every lesson file read, so that a write can refuse to replace one.
    public var inputs: [String]
    /// The `--out` folder, where the manifest of what render wrote lives.
    public var outFolder: String = ""

    /// Writes the files that changed, each atomically (a temporary file renamed into place), and
    /// then the folder's manifest (`RenderManifest`) of everything this render wrote.
    ///
    /// Nothing is written over a file that is not stepmark's own earlier output — a lesson
    /// source, notes a teacher keeps in the folder, a report edited by hand since — unless
    /// `allowUnowned` (the `--overwrite` flag) says so; an input lesson is never replaced.
    /// Every refusal is found before anything is written, so a refused render leaves the
    /// folder as it was.
    /// - Returns: how many files were written.
    /// - Throws: `ReadError` naming a refused file (all of them, one per line) or a file that
    ///   could not be written; files already written stay, and no partial file is left.
    public func write(allowUnowned: Bool = false) throws -> Int {
        let inputPaths = Set(inputs.map { URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath().path })
        for file in files {
            let target = URL(fileURLWithPath: file.path).standardizedFileURL.resolvingSymlinksInPath()
            if inputPaths.contains(target.path) {
                throw ReadError(path: file.path, message: "would overwrite an input lesson; choose another --out folder")
            }
        }
        guard !files.isEmpty else { return 0 }
        let folder = outFolder.isEmpty ? "." : outFolder
        var manifest = RenderManifest.load(outFolder: folder)
        let changed = files.filter { !$0.isCurrent }
        let refused = OutputOwnership.refusals(planned: changed.map { ($0.path, $0.content) }, outFolder: folder,
                                               manifest: manifest, allowUnowned: allowUnowned)
        if let first = refused.first {
            let more = refused.dropFirst().map { "\n\($0)" }.joined()
            throw ReadError(path: first.path, message: first.message + more)
        }
        var written = 0
        // A PDF's bytes are what the manifest must know, not the page it was printed from.
        var printedBytes: [String: [UInt8]] = [:]
        for file in changed {
            if file.printed {
                let bytes = try PDFPrinter.pdf(html: file.content, for: file.path)
                try AtomicFile.write(bytes: bytes, to: file.path)
                printedBytes[file.path] = bytes
            } else {
                try AtomicFile.write(file.content, to: file.path)
            }
            written += 1
        }
        for file in files {
            guard let relative = OutputOwnership.relativePath(file.path, in: folder) else { continue }
            if file.printed {
                if let bytes = printedBytes[file.path] { manifest.record(relative, bytes: bytes) }
            } else {
                manifest.record(relative, content: file.content)
            }
        }
        try manifest.write(outFolder: folder)
        return written
    }
}

/// A course to render: the one place that reads lessons, runs them, checks their exercises (or,
/// for handouts, turns them into the student view) and hands the reports to the renderers,
/// which only render. The CLI's `render` (and its `--watch`) use it.
public struct Course: Sendable {
    public var formats: [OutputFormat]
    /// Student handouts: `StudentView` instead of the key's exercise results.
    public var student: Bool
    public var limits: Limits
    /// How many lessons run at once (`render --jobs`); 1 runs them one after another. The
    /// pages are the same either way.
    public var jobs = 1

    public init(formats: [OutputFormat], student: Bool, limits: Limits) {
        self.formats = formats
        self.student = student
        self.limits = limits
    }

    /// Reads, runs and checks one lesson: the report a page shows.
    public func report(for path: String) throws -> Report {
        let report = Runner(limits: limits).run(try LessonParser.read(path: path, limits: limits))
        // Teacher pages show each exercise checked against the key's own answers; handouts hide
        // what an exercise asks for and blank the key's answers to templates.
        // An assignment renders as a handout whatever the flags (SPEC §4).
        if student || report.isAssignment { return StudentView.apply(Exercises.check(report, reveal: false, limits: limits)) }
        return Exercises.check(report, reveal: false, limits: limits)
    }

    /// Every lesson of `plan` in every format, plus an index per format that has one.
    public func render(_ plan: CoursePlan, includeIndex: Bool = true) -> RenderResult {
        var reports: [Report] = []
        var files: [PlannedFile] = []
        var readErrors: [ReadError] = []
        var indexEntries: [CourseIndex.Entry] = []
        var languages: Set<LessonLanguage> = []
        for entry in plan.lessons {
            let report: Report
            do {
                report = try self.report(for: entry.source)
            } catch let e as ReadError {
                readErrors.append(e)
                continue
            } catch {
                readErrors.append(ReadError(path: entry.source, message: "\(error)"))
                continue
            }
            reports.append(report)
            indexEntries.append((entry.relative, report.title, report.ok))
            languages.insert(report.language)
            for page in lessonPages(report, entry: entry, out: plan.out, inPieces: false) {
                let content = page.content ?? ""
                files.append(page.format.isPrinted ? PlannedFile(path: page.path, content: content, isCurrent: false, printed: true)
                                                   : planned(page.path, content))
            }
        }
        if includeIndex {
            for page in indexPages(indexEntries, languages: languages, plan: plan) { files.append(planned(page.path, page.content)) }
        }
        var result = RenderResult(reports: reports, files: files, readErrors: readErrors, inputs: plan.lessons.map(\.source))
        result.outFolder = plan.out
        return result
    }

    /// What `renderStreaming` did.
    public struct StreamedRender: Sendable {
        /// Lessons that could not be read.
        public var readErrors: [ReadError] = []
        /// How many lessons were rendered, and how many pages (lessons and indexes) there are.
        public var lessons = 0
        public var files = 0
        /// Pages written (they changed), or, when checking, the pages that differ from the disk.
        public var written = 0
        public var stale: [String] = []
        /// Whether every rendered lesson ran without errors.
        public var ok = true
    }

    /// `render(plan)` followed by `RenderResult.write(allowUnowned:)` (or, with `checkOnly`, the
    /// list of stale pages), writing each lesson's pages as soon as they are rendered: only one
    /// lesson's report and pages are in memory at a time, so a course of 600 lessons takes about
    /// the memory of one (the whole-course `render` held every page and report until the end).
    ///
    /// The guarantee of `write` is kept: nothing is written unless every planned page is writable
    /// whatever its content (new, stepmark's own, or `allowUnowned`; see
    /// `OutputOwnership.writableWithoutContent`), and no page may replace an input lesson. When a
    /// planned page needs its content to decide (an unowned file that the render might leave
    /// unchanged) or would be refused, the course is rendered whole first and written by
    /// `RenderResult.write`, exactly as before, refusals and all.
    /// - Parameter onReport: called with each lesson's report once its pages are written (the
    ///   CLI prints its problems); the report is not kept.
    public func renderStreaming(_ plan: CoursePlan, allowUnowned: Bool = false, checkOnly: Bool = false,
                                onReport: (Report) -> Void) throws -> StreamedRender {
        var outcome = StreamedRender()
        let folder = plan.out.isEmpty ? "." : plan.out
        var manifest = RenderManifest()
        if !checkOnly {
            let planned = plan.lessons.flatMap { entry in formats.map { Self.pagePath(entry.relative, $0, out: plan.out) } }
                + formats.filter(CourseIndex.hasPage).map { Self.pagePath("index", $0, out: plan.out) }
            let inputPaths = Set(plan.lessons.map { URL(fileURLWithPath: $0.source).standardizedFileURL.resolvingSymlinksInPath().path })
            manifest = RenderManifest.load(outFolder: folder)
            let needsContent = planned.contains { path in
                inputPaths.contains(URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path)
                    || !OutputOwnership.writableWithoutContent(path, outFolder: folder, manifest: manifest, allowUnowned: allowUnowned)
            }
            if needsContent {
                let result = render(plan)
                result.reports.forEach(onReport)
                outcome.readErrors = result.readErrors
                outcome.lessons = result.reports.count
                outcome.files = result.files.count
                outcome.ok = result.reports.allSatisfy(\.ok)
                outcome.written = try result.write(allowUnowned: allowUnowned)
                return outcome
            }
        }
        var indexEntries: [CourseIndex.Entry] = []
        var languages: Set<LessonLanguage> = []
        func emit(_ path: String, _ content: String, printed: Bool = false) throws {
            outcome.files += 1
            if printed {
                // A PDF differs on every print (and --check refuses pdf): it is always printed,
                // and the manifest records the PDF's bytes, not the page it was printed from.
                guard !checkOnly else { return }
                let bytes = try PDFPrinter.pdf(html: content, for: path)
                try AtomicFile.write(bytes: bytes, to: path)
                outcome.written += 1
                if let relative = OutputOwnership.relativePath(path, in: folder) { manifest.record(relative, bytes: bytes) }
                return
            }
            let current = OutputOwnership.holds(path, content)
            if checkOnly {
                if !current { outcome.stale.append(path) }
                return
            }
            if !current {
                try AtomicFile.write(content, to: path)
                outcome.written += 1
            }
            if let relative = OutputOwnership.relativePath(path, in: folder) { manifest.record(relative, content: content) }
        }
        // A page made a piece at a time (a lesson's JSON, which may be hundreds of MB): each
        // piece is compared with the file and fingerprinted as it comes, so peak memory is the
        // report's, not the report's plus its page. A new page is written to its temporary file
        // in the same pass; a page that is there already is only compared (an unchanged page
        // in a read-only folder is no error), and made a second time if it changed.
        func emitInPieces(_ path: String, _ format: OutputFormat, _ report: Report) throws {
            outcome.files += 1
            var comparison = OutputOwnership.PiecewiseComparison(path)
            var fingerprint = RenderManifest.Fingerprint()
            func pendingWrite() throws -> ReplacingWrite.Pending {
                try AtomicFile.makeFolder(of: path)
                do { return try ReplacingWrite.Pending(replacing: path) } catch {
                    throw ReadError(path: path, message: "cannot write: \(error.reason)")
                }
            }
            var pending = !checkOnly && !comparison.same ? try pendingWrite() : nil
            format.write(report, student: student) { piece in
                comparison.add(piece)
                fingerprint.add(piece)
                pending?.append(piece)
            }
            let current = comparison.finish()
            if checkOnly {
                if !current { outcome.stale.append(path) }
                return
            }
            if current {
                pending?.discard()
            } else {
                if pending == nil {
                    let again = try pendingWrite()
                    format.write(report, student: student) { again.append($0) }
                    pending = again
                }
                do { try pending?.commit(durable: true) } catch {
                    throw ReadError(path: path, message: "cannot write: \(error.reason)")
                }
                outcome.written += 1
            }
            if let relative = OutputOwnership.relativePath(path, in: folder) { manifest.record(relative, fingerprint: fingerprint) }
        }
        // Lessons run and render on `jobs` threads; their pages are written, and their reports
        // handed on, here in the plan's order, so the output is the same for any `jobs`.
        enum Rendered: Sendable {
            case pages(Report, [(format: OutputFormat, path: String, content: String?)])
            case unreadable(ReadError)
        }
        let course = self
        // With several threads, the lessons that run a pretrained model start first within the
        // window, so the longest lesson of the course is not the last one left running.
        try OrderedParallel.run(count: plan.lessons.count, jobs: jobs, ahead: 4 * jobs, priority: { (i: Int) -> Int in
            WorkEstimate.of(lessonAt: plan.lessons[i].source, limits: course.limits)
        }, compute: { (i: Int) -> Rendered in
            let entry = plan.lessons[i]
            do {
                let report = try course.report(for: entry.source)
                return .pages(report, course.lessonPages(report, entry: entry, out: plan.out, inPieces: true))
            } catch let e as ReadError {
                return .unreadable(e)
            } catch {
                return .unreadable(ReadError(path: entry.source, message: "\(error)"))
            }
        }, consume: { (i: Int, rendered: Rendered) in
            guard case .pages(let report, let pages) = rendered else {
                if case .unreadable(let e) = rendered { outcome.readErrors.append(e) }
                return
            }
            outcome.lessons += 1
            if !report.ok { outcome.ok = false }
            indexEntries.append((plan.lessons[i].relative, report.title, report.ok))
            languages.insert(report.language)
            do {
                for page in pages {
                    if let content = page.content {
                        try emit(page.path, content, printed: page.format.isPrinted)
                    } else {
                        try emitInPieces(page.path, page.format, report)
                    }
                }
            } catch {
                // A page could not be written (or printed): the pages already written stay
                // stepmark's own, so the next render may replace them.
                if !checkOnly && outcome.written > 0 { try? manifest.write(outFolder: folder) }
                throw error
            }
            onReport(report)
        })
        for page in indexPages(indexEntries, languages: languages, plan: plan) { try emit(page.path, page.content) }
        if !checkOnly && outcome.files > 0 { try manifest.write(outFolder: folder) }
        return outcome
    }

    /// Where the page `relative` (`en/01-attention`, `index`) in `format` is written.
    private static func pagePath(_ relative: String, _ format: OutputFormat, out: String) -> String {
        FilePathText.join(out, relative + "." + format.fileExtension)
    }

    /// One lesson's pages, one per format: the one place both `render` and `renderStreaming`
    /// decide a page's path and content. With `inPieces`, a format that is `isWrittenInPieces`
    /// gets no content: its page is made as it is written.
    private func lessonPages(_ report: Report, entry: CoursePlan.Entry, out: String, inPieces: Bool) -> [(format: OutputFormat, path: String, content: String?)] {
        // The index is always written at the top of the output folder (a re-render under
        // --watch keeps the same link): one "../" per sub-folder.
        let depth = entry.relative.split(separator: "/").count - 1
        let link = String(repeating: "../", count: depth) + "index.html"
        // A Markdown page links the lesson's images from where it is written (the HTML page
        // embeds them): from out/en/ to lessons/en/, `../../lessons/en`.
        // Worked out only when a Markdown page is made.
        var imageBase: String? = nil
        if formats.contains(.md) {
            let here = FileManager.default.currentDirectoryPath
            func absolute(_ path: String) -> String { path.hasPrefix("/") ? path : FilePathText.join(here, path) }
            imageBase = FilePathText.relative(from: FilePathText.parent(absolute(Self.pagePath(entry.relative, .md, out: out))),
                                              to: FilePathText.parent(absolute(report.lessonPath)))
        }
        return formats.map { format in
            (format, Self.pagePath(entry.relative, format, out: out),
             inPieces && format.isWrittenInPieces ? nil : format.render(report, student: student, indexLink: link, imageBase: imageBase))
        }
    }

    /// The course index in each format that has one, with the plan's `course.yml` titles.
    private func indexPages(_ entries: [CourseIndex.Entry], languages: Set<LessonLanguage>, plan: CoursePlan) -> [(path: String, content: String)] {
        formats.compactMap { format in
            CourseIndex.page(format, entries, courses: plan.courses, lessonLanguages: languages).map {
                (Self.pagePath("index", format, out: plan.out), $0)
            }
        }
    }

    private func planned(_ path: String, _ content: String) -> PlannedFile {
        PlannedFile(path: path, content: content, isCurrent: OutputOwnership.holds(path, content))
    }
}
