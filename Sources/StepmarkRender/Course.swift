import Foundation
import StepmarkLesson

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

    public init(lessons: [Entry], out: String, roots: [String]) {
        self.lessons = lessons
        self.out = out
        self.roots = roots
    }

    /// Expands folders into their `.md` lessons (sorted), mirroring the tree under `out`.
    /// - Throws: `ReadError` for a missing path, or an output folder that is or lies inside an
    ///   input lesson (which would overwrite it).
    public static func make(paths: [String], out: String) throws -> CoursePlan {
        let fm = FileManager.default
        var entries: [Entry] = []
        var roots: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ReadError(path: path, message: "no such file or folder")
            }
            if isDirectory.boolValue {
                roots.append(path)
                let base = URL(fileURLWithPath: path).standardizedFileURL
                let outURL = URL(fileURLWithPath: out).standardizedFileURL
                if base.resolvingSymlinksInPath().path == outURL.resolvingSymlinksInPath().path {
                    // Every lesson would be skipped as output, and the reports would land among them.
                    throw ReadError(path: out, message: "the output folder is the lesson folder \(path); choose another --out folder")
                }
                guard let enumerator = fm.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else { continue }
                var found: [String] = []
                for case let url as URL in enumerator {
                    // Never read the output folder as input when it lies inside the lesson folder.
                    if url.standardizedFileURL.path.hasPrefix(outURL.path + "/") { continue }
                    guard url.pathExtension == "md", url.lastPathComponent.lowercased() != "readme.md" else { continue }
                    found.append(url.standardizedFileURL.path)
                }
                for file in found.sorted() {
                    var relative = String(file.dropFirst(base.path.count))
                    if relative.hasPrefix("/") { relative.removeFirst() }
                    let source = (path as NSString).appendingPathComponent(relative)
                    entries.append(Entry(source: source, relative: String(relative.dropLast(3))))
                }
            } else {
                let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
                entries.append(Entry(source: path, relative: name))
            }
        }
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
        return CoursePlan(lessons: entries, out: out, roots: roots)
    }
}

/// One file a render would write.
public struct PlannedFile: Sendable {
    public var path: String
    public var content: String
    /// True when the file on disk already has exactly this content.
    public var isCurrent: Bool
}

public struct RenderResult: Sendable {
    public var reports: [Report]
    public var files: [PlannedFile]
    public var readErrors: [ReadError]
    /// Every lesson file read, so that a write can refuse to replace one.
    public var inputs: [String]

    /// Writes the files that changed, each atomically (a temporary file renamed into place).
    /// - Returns: how many files were written.
    /// - Throws: `ReadError` naming a file that could not be written; files already written
    ///   stay, and no partial file is left.
    public func write() throws -> Int {
        let inputPaths = Set(inputs.map { URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath().path })
        // Refuse before writing anything, so a refused render leaves the folder as it was.
        for file in files {
            let target = URL(fileURLWithPath: file.path).standardizedFileURL.resolvingSymlinksInPath()
            if inputPaths.contains(target.path) {
                throw ReadError(path: file.path, message: "would overwrite an input lesson; choose another --out folder")
            }
        }
        var written = 0
        for file in files where !file.isCurrent {
            try AtomicFile.write(file.content, to: file.path)
            written += 1
        }
        return written
    }
}

/// Atomic file writes: the content goes to a new temporary file in the same folder
/// (`.NAME.tmp-XXXXXX`, made by `mkstemp`), is flushed to disk, and is renamed over the
/// target. A reader sees the old file or the new one, never half of one; when anything fails
/// (a folder that cannot be written, a full disk) the temporary file is removed and the old
/// file, if any, is left as it was.
public enum AtomicFile {
    public static func write(_ content: String, to path: String) throws {
        let fm = FileManager.default
        let folder = (path as NSString).deletingLastPathComponent
        do {
            if !folder.isEmpty { try fm.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        } catch {
            throw ReadError(path: folder, message: "cannot create the folder: \(describe(error))")
        }
        let name = (path as NSString).lastPathComponent
        var template = Array(((folder.isEmpty ? "." : folder) + "/." + name + ".tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw failure(path) }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var done = false
        defer {
            if !done { unlink(temporary) }
        }
        // mkstemp makes the file private (0600); a written report is as readable as any
        // file the user creates (0666 less the umask).
        let mask = umask(0)
        umask(mask)
        guard writeAll(content, to: fd), fchmod(fd, 0o666 & ~mask) == 0, fsync(fd) == 0 else {
            let error = failure(path)
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw failure(path) }
        guard rename(temporary, path) == 0 else { throw failure(path) }
        done = true
    }

    /// Writes all of `content` to an open file, retrying short and interrupted writes.
    /// - Returns: false when a write failed (`errno` says why).
    public static func writeAll(_ content: String, to fd: Int32) -> Bool {
        var content = content
        return content.withUTF8 { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
    }

    /// The current `errno` as a message about `path`.
    public static func failure(_ path: String) -> ReadError {
        ReadError(path: path, message: "cannot write: \(String(cString: strerror(errno)))")
    }

    static func describe(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let text = strerror(Int32(underlying.code)) {
            return String(cString: text)
        }
        return ns.localizedDescription
    }
}

/// Renders a course: every lesson in the chosen formats, plus an index.
public struct CourseRenderer: Sendable {
    public var formats: [String]
    public var student: Bool
    public var limits: Limits
    /// Fills in exercise results after a run (the grader's check); identity by default.
    public var postprocess: @Sendable (Report) -> Report

    public init(formats: [String], student: Bool, limits: Limits, postprocess: @escaping @Sendable (Report) -> Report = { $0 }) {
        self.formats = formats
        self.student = student
        self.limits = limits
        self.postprocess = postprocess
    }

    public func render(_ plan: CoursePlan, includeIndex: Bool = true) -> RenderResult {
        var reports: [Report] = []
        var files: [PlannedFile] = []
        var readErrors: [ReadError] = []
        var indexEntries: [(relative: String, title: String, ok: Bool)] = []
        for entry in plan.lessons {
            let report: Report
            do {
                let lesson = try LessonParser.read(path: entry.source, limits: limits)
                report = postprocess(Runner(limits: limits).run(lesson))
            } catch let e as ReadError {
                readErrors.append(e)
                continue
            } catch {
                readErrors.append(ReadError(path: entry.source, message: "\(error)"))
                continue
            }
            reports.append(report)
            indexEntries.append((entry.relative, report.title, report.ok))
            for format in formats {
                let content: String
                switch format {
                case "md": content = MarkdownRenderer(student: student).render(report)
                case "html":
                    // `render` always writes the index at the top of the output folder (a
                    // re-render under --watch keeps the same link): one "../" per sub-folder.
                    let depth = entry.relative.split(separator: "/").count - 1
                    let link = String(repeating: "../", count: depth) + "index.html"
                    content = HTMLRenderer(student: student, indexLink: link).render(report)
                default: content = JSONRenderer.render(student ? report.withoutExerciseResults : report)
                }
                files.append(planned((plan.out as NSString).appendingPathComponent(entry.relative + "." + format), content))
            }
        }
        if includeIndex {
            for format in formats where format != "json" {
                let content = format == "md" ? CourseIndex.markdown(indexEntries) : CourseIndex.html(indexEntries)
                files.append(planned((plan.out as NSString).appendingPathComponent("index." + format), content))
            }
        }
        return RenderResult(reports: reports, files: files, readErrors: readErrors, inputs: plan.lessons.map(\.source))
    }

    private func planned(_ path: String, _ content: String) -> PlannedFile {
        let current = (try? String(contentsOfFile: path, encoding: .utf8)) == content
        return PlannedFile(path: path, content: content, isCurrent: current)
    }
}

extension Report {
    /// The report with exercise results removed (for student handouts).
    public var withoutExerciseResults: Report {
        var r = self
        r.exercises = []
        return r
    }
}

/// The course index: lessons grouped by their first folder (the language), with titles.
enum CourseIndex {
    static func groups(_ entries: [(relative: String, title: String, ok: Bool)]) -> [(String, [(relative: String, title: String, ok: Bool)])] {
        var order: [String] = []
        var byGroup: [String: [(relative: String, title: String, ok: Bool)]] = [:]
        for e in entries {
            let parts = e.relative.split(separator: "/")
            let group = parts.count > 1 ? String(parts[0]) : ""
            if byGroup[group] == nil { order.append(group) }
            byGroup[group, default: []].append(e)
        }
        return order.map { ($0, byGroup[$0]!) }
    }

    static func languageName(_ code: String) -> String {
        switch code {
        case "en": "English"
        case "ko": "한국어 (Korean)"
        case "": "Lessons"
        default: code
        }
    }

    static func markdown(_ entries: [(relative: String, title: String, ok: Bool)]) -> String {
        var out = "# stepmark course\n"
        for (group, items) in groups(entries) {
            out += "\n## \(languageName(group))\n\n"
            for e in items {
                let title = MarkdownRenderer().escape(e.title)
                out += "- [\(title)](\(e.relative).md)\(e.ok ? "" : " — has errors")\n"
            }
        }
        return out
    }
}
