import FoundationEssentials
import StepmarkCore

/// Proof that a file in a render's output folder is stepmark's own earlier output, so that
/// `render` never writes over anything else — above all never over lesson sources
/// (`render lessons/en --out lessons/ko` replaced every Korean lesson with an English report).
///
/// The proof is a manifest, `OUT/.stepmark-manifest`, that `render` rewrites after every run:
/// one line per file it wrote, `FINGERPRINT LENGTH PATH` (the path relative to OUT). A file
/// counts as stepmark's own when it is listed and its current bytes still have the recorded
/// fingerprint and length — so a report the teacher has since edited by hand is not silently
/// replaced either. HTML pages written before the manifest existed carry
/// `<meta name="generator" content="stepmark">` and count as stepmark's own too; earlier
/// Markdown reports carry no mark, so a first render over such a folder needs the explicit
/// consent of `allowUnowned` (a `--overwrite` flag), after which the manifest takes over.
///
/// The fingerprint is 64-bit FNV-1a over the bytes: the manifest guards against mistakes
/// (a wrong `--out`), not against someone who can already write into the folder.
public struct RenderManifest: Sendable, Equatable {
    public static let fileName = ".stepmark-manifest"
    static let header = "# stepmark render manifest 1"

    public struct Entry: Sendable, Equatable {
        public var fingerprint: UInt64
        public var length: Int
    }

    /// Entries by path relative to the output folder.
    public private(set) var entries: [String: Entry] = [:]

    public init() {}

    /// The manifest of `folder`, or an empty one when there is none or it is not one stepmark
    /// wrote (a malformed manifest proves nothing, so nothing is trusted).
    public static func load(outFolder folder: String) -> RenderManifest {
        let path = FilePathText.join(folder, fileName)
        guard let bytes = try? RegularFile.read(path, maxBytes: 64 << 20),
              let text = String(validating: bytes, as: UTF8.self) else { return RenderManifest() }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard lines.first == Substring(header) else { return RenderManifest() }
        lines.removeFirst()
        var manifest = RenderManifest()
        for line in lines {
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, let fingerprint = UInt64(parts[0], radix: 16), let length = Int(parts[1]), length >= 0,
                  !parts[2].isEmpty else { return RenderManifest() }
            manifest.entries[String(parts[2])] = Entry(fingerprint: fingerprint, length: length)
        }
        return manifest
    }

    /// Notes that `content` was written to `relativePath`.
    public mutating func record(_ relativePath: String, content: String) {
        record(relativePath, bytes: Array(content.utf8))
    }

    /// Records a file written as bytes (a printed PDF).
    public mutating func record(_ relativePath: String, bytes: [UInt8]) {
        entries[relativePath] = Entry(fingerprint: Self.fingerprint(bytes), length: bytes.count)
    }

    /// The manifest's text, sorted by path so that it only changes when the outputs do.
    public var text: String {
        Self.header + "\n" + entries.keys.sorted().map { path in
            let e = entries[path]!
            return String(e.fingerprint, radix: 16) + " \(e.length) " + path
        }.joined(separator: "\n") + "\n"
    }

    /// Writes the manifest into `folder` (atomically, as every output), unless it is there
    /// already as it is: a render that changes nothing writes nothing (and works in a folder it
    /// may not write).
    public func write(outFolder folder: String) throws {
        let path = FilePathText.join(folder, Self.fileName)
        let text = self.text
        if OutputOwnership.holds(path, text) { return }
        do {
            try ReplacingWrite.write(text, to: path, durable: true)
        } catch {
            throw ReadError(path: path, message: "cannot write: \(error.reason)")
        }
    }

    /// True when the file at `relativePath` under `folder` is what this manifest says stepmark
    /// wrote there.
    public func owns(_ relativePath: String, in folder: String) -> Bool {
        guard let entry = entries[relativePath] else { return false }
        let path = FilePathText.join(folder, relativePath)
        // Read a piece at a time: a recorded page may be a lesson's JSON of hundreds of MB.
        var fingerprint = Fingerprint()
        guard let count = try? RegularFile.scan(path, maxBytes: entry.length, { fingerprint.add($0); return true })
        else { return false }
        return count == entry.length && fingerprint.value == entry.fingerprint
    }

    /// Notes a file written in pieces, fingerprinted as it was written.
    public mutating func record(_ relativePath: String, fingerprint: Fingerprint) {
        entries[relativePath] = Entry(fingerprint: fingerprint.value, length: fingerprint.length)
    }

    /// 64-bit FNV-1a.
    public static func fingerprint(_ bytes: [UInt8]) -> UInt64 {
        var fingerprint = Fingerprint()
        bytes.withUnsafeBytes { fingerprint.add($0) }
        return fingerprint.value
    }

    /// 64-bit FNV-1a and the length of bytes given a piece at a time.
    public struct Fingerprint: Sendable {
        public private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325
        public private(set) var length = 0

        public init() {}

        public mutating func add(_ bytes: UnsafeRawBufferPointer) {
            var h = value
            for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
            value = h
            length += bytes.count
        }

        public mutating func add(_ piece: String) {
            var piece = piece
            piece.withUTF8 { add(UnsafeRawBufferPointer($0)) }
        }
    }
}

/// The check `render` makes before writing anything.
public enum OutputOwnership {
    /// The files of a planned render that must not be written, each with the reason; empty when
    /// every target is new, unchanged, or stepmark's own earlier output.
    ///
    /// - Parameters:
    ///   - planned: every file the render would write (absolute or relative to the working
    ///     folder) with its new content; the paths must lie inside `outFolder`.
    ///   - outFolder: the render's `--out` folder (where the manifest lives).
    ///   - allowUnowned: the user's explicit consent (`--overwrite`) to replace files that carry
    ///     no proof; files that are not regular files (a link, a folder) are still refused.
    public static func refusals(planned: [(path: String, content: String)], outFolder: String,
                                manifest: RenderManifest, allowUnowned: Bool = false) -> [ReadError] {
        var refused: [ReadError] = []
        for (path, content) in planned {
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }   // a new file
            let kind = info.st_mode & S_IFMT
            guard kind == S_IFREG else {
                let what = kind == S_IFLNK ? "a symbolic link" : kind == S_IFDIR ? "a folder" : "a special file"
                refused.append(ReadError(path: path, message: "is \(what), not a report stepmark wrote; refusing to replace it"))
                continue
            }
            let relative = relativePath(path, in: outFolder)
            if let relative, manifest.owns(relative, in: outFolder) { continue }
            if holds(path, content) { continue }     // nothing would change
            if isMarkedHTMLFile(path) { continue }
            if allowUnowned && isLessonSource(path) {
                refused.append(ReadError(path: path, message: Self.lessonRefusal))
                continue
            }
            if allowUnowned { continue }
            refused.append(ReadError(path: path, message: "exists and is not stepmark's own earlier output (not in \(RenderManifest.fileName), or edited since); refusing to overwrite it. Choose another --out folder, or pass --overwrite to replace it"))
        }
        return refused
    }

    /// True when `path` may be written whatever its new content: it does not exist yet, or it
    /// is a regular file that is stepmark's own (recorded and unedited, or a marked HTML page),
    /// or `allowUnowned`. False means `refusals` needs the new content to decide (an unowned
    /// file may still be replaced by the very same bytes) or would refuse it. Lets a render
    /// check ownership on the planned paths before rendering, and then write each page as it
    /// is rendered instead of holding the whole course in memory.
    public static func writableWithoutContent(_ path: String, outFolder: String, manifest: RenderManifest,
                                              allowUnowned: Bool = false) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return true }   // a new file
        guard info.st_mode & S_IFMT == S_IFREG else { return false }
        if let relative = relativePath(path, in: outFolder), manifest.owns(relative, in: outFolder) { return true }
        if isMarkedHTMLFile(path) { return true }
        return allowUnowned && !isLessonSource(path)
    }

    /// The last line of every Markdown report `render` writes. A report keeps its lesson's
    /// directive blocks, so without it a report and a lesson would look alike to
    /// `isLessonSource`.
    public static let markdownReportMark = "<!-- stepmark: a report rendered from a lesson, not a lesson; render replaces it -->"

    /// Why `--overwrite` still refuses a file.
    static let lessonRefusal = "is a lesson (a Markdown file with directive or answer blocks, not ending with the mark of a report stepmark wrote); render never replaces a lesson, even with --overwrite. Choose another --out folder, or delete the file yourself if it is an old report"

    /// The most bytes `isLessonSource` reads: a lesson's default size limit (SPEC §7). A larger
    /// Markdown file is taken for a lesson: a refusal loses nothing.
    static let lessonSourceBytes = Limits().maxFileBytes

    /// Whether the regular file at `path` is a lesson: a Markdown file with a fence whose info
    /// string starts with a directive's name or `answer` (at any depth of quotes and lists), and
    /// whose last line that is not blank is not `markdownReportMark`. `--overwrite` consents to
    /// replacing a teacher's notes or a report edited by hand, not a lesson, which may exist
    /// nowhere else (rendering `lessons/en/x.md --out lessons/ko` replaced the Korean lesson).
    /// One pass over the bytes, no Markdown parser: what cmark would read from a hostile file
    /// in the output folder costs nothing here, and a fence it would not read as one (inside an
    /// HTML block, say) still counts, which errs towards keeping the file.
    static func isLessonSource(_ path: String) -> Bool {
        let name = path.lowercased()
        guard name.hasSuffix(".md") || name.hasSuffix(".markdown") else { return false }
        guard let bytes = try? RegularFile.read(path, maxBytes: lessonSourceBytes) else { return true }
        if endsWithReportMark(bytes) { return false }
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
            if opensDirectiveFence(bytes[start..<end]) { return true }
            start = end + 1
        }
        return false
    }

    /// Whether `bytes`, with trailing spaces and line breaks (LF or CRLF) left out, end with
    /// `markdownReportMark`.
    static func endsWithReportMark(_ bytes: [UInt8]) -> Bool {
        var end = bytes.count
        while end > 0, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[end - 1]) { end -= 1 }
        let mark = Array(markdownReportMark.utf8)
        return end >= mark.count && bytes[(end - mark.count)..<end].elementsEqual(mark)
    }

    /// Whether a line opens a fence whose info string starts with a directive's name or
    /// `answer` (`LessonParser.directiveFenceWord`), after any quote markers, list markers and
    /// indentation.
    static func opensDirectiveFence(_ line: ArraySlice<UInt8>) -> Bool {
        let markers = line.prefix { b in
            b == 0x20 || b == 0x09 || b == UInt8(ascii: ">") || b == UInt8(ascii: "-") || b == UInt8(ascii: "*")
                || b == UInt8(ascii: "+") || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: ".") || b == UInt8(ascii: ")")
        }
        let rest = line.dropFirst(markers.count)
        guard let first = rest.first, first == UInt8(ascii: "`") || first == UInt8(ascii: "~") else { return false }
        return LessonParser.directiveFenceWord(String(decoding: rest, as: UTF8.self)[...]) != nil
    }

    /// What `mayReplace` finds at a path.
    public enum Replacement: Equatable, Sendable {
        case allowed
        /// A link, a folder or a special file: never replaced.
        case notARegularFile
        /// A regular file that is not stepmark's own output.
        case notOwn
    }

    /// Whether a command may write a file at `path`: nothing is there, or a regular file that
    /// `isOwn` recognises as that command's own output (its first `maxBytes` read), or any
    /// regular file with `allowUnowned` (`--overwrite`). `assign` and `export` ask this; a
    /// render, which knows its outputs from the manifest, asks `refusals`.
    public static func mayReplace(_ path: String, allowUnowned: Bool, maxBytes: Int, isOwn: ([UInt8]) -> Bool) -> Replacement {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .allowed }   // a new file
        guard info.st_mode & S_IFMT == S_IFREG else { return .notARegularFile }
        if allowUnowned { return .allowed }
        guard let bytes = try? RegularFile.read(path, maxBytes: maxBytes), isOwn(bytes) else { return .notOwn }
        return .allowed
    }

    /// Whether the file at `path` holds exactly the bytes of `content`: what `render` asks to
    /// know whether a page is current, and `refusals` whether writing it would change anything.
    /// Bytes, not Strings: String's `==` is canonical equivalence, so a page saved in another
    /// normal form (Hangul decomposed into jamo, as some editors and macOS file systems do)
    /// would pass for current and never be rewritten nor reported by `--check`. A file longer
    /// than `content` is not read at all.
    public static func holds(_ path: String, _ content: String) -> Bool {
        guard let bytes = try? RegularFile.read(path, maxBytes: content.utf8.count) else { return false }
        return bytes.elementsEqual(content.utf8)
    }

    /// `holds` for a page made a piece at a time: each piece is compared with the file's next
    /// bytes as it comes, so neither the page nor the file is ever held whole.
    public struct PiecewiseComparison {
        private let reader: RegularFile.Reader?
        private var scratch: [UInt8] = []
        /// False once a piece differs from the file (or there is no regular file to read).
        public private(set) var same: Bool

        public init(_ path: String) {
            reader = try? RegularFile.Reader(path)
            same = reader != nil
        }

        public mutating func add(_ piece: String) {
            guard same, let reader else { return }
            var piece = piece
            let count = piece.utf8.count
            if scratch.count < count { scratch = [UInt8](repeating: 0, count: count) }
            let equal = piece.withUTF8 { bytes in
                scratch.withUnsafeMutableBytes { buffer in
                    let target = UnsafeMutableRawBufferPointer(rebasing: buffer[..<count])
                    guard reader.read(into: target) == count else { return false }
                    return count == 0 || memcmp(target.baseAddress!, bytes.baseAddress!, count) == 0
                }
            }
            if !equal { same = false }
        }

        /// True when every piece matched and the file has nothing more.
        public mutating func finish() -> Bool {
            guard same, let reader else { return false }
            var extra: UInt8 = 0
            return withUnsafeMutableBytes(of: &extra) { reader.read(into: $0) } == 0
        }
    }

    /// Whether the file at `path` is an HTML page stepmark rendered before manifests existed.
    static func isMarkedHTMLFile(_ path: String) -> Bool {
        guard let bytes = try? RegularFile.read(path, maxBytes: 256 << 20) else { return false }
        return isMarkedHTML(bytes)
    }

    /// `path` relative to `folder`, or nil when it does not lie inside it.
    public static func relativePath(_ path: String, in folder: String) -> String? {
        let base = URL(fileURLWithPath: folder).standardizedFileURL.path
        let full = URL(fileURLWithPath: path).standardizedFileURL.path
        let prefix = base.hasSuffix("/") ? base : base + "/"
        guard full.hasPrefix(prefix), full.count > prefix.count else { return nil }
        return String(full.dropFirst(prefix.count))
    }

    /// An HTML page stepmark rendered before manifests existed: its head names stepmark as
    /// the generator (looked for in the first 4 KB only).
    static func isMarkedHTML(_ bytes: [UInt8]) -> Bool {
        let head = String(decoding: bytes.prefix(4096), as: UTF8.self)
        return head.hasPrefix("<!DOCTYPE html>") && head.contains("<meta name=\"generator\" content=\"stepmark\">")
    }
}
