import FoundationEssentials

/// Reads whole files that a lesson, a submission, `load()` or `from=` names — and only regular
/// files.
///
/// Why not `FileHandle`/`Data(contentsOf:)`: opening a FIFO for reading blocks until some
/// writer opens it, so a named pipe given as a lesson or planted as a submission would stall a
/// run or a whole grading batch forever; a character device such as `/dev/zero` never ends.
/// Here the file is opened with `O_NONBLOCK` (which makes `open` of a FIFO return at once),
/// checked with `fstat` on the open descriptor (so it cannot be swapped between the check and
/// the read), and refused unless it is a regular file. Its size is compared with the limit
/// before anything is allocated; a file that grows while it is read is still cut off at the
/// limit.
public enum RegularFile {
    /// Why a file could not be read.
    public enum Failure: Error, Equatable, Sendable {
        case missing
        case directory
        /// Not a regular file: `kind` names what it is ("a FIFO (named pipe)").
        case special(kind: String)
        case tooLarge(limit: Int)
        /// The system's reason (`strerror`), such as "Permission denied".
        case unreadable(reason: String)

        /// A message that follows the file's name: "is a directory", "cannot be read: …".
        public var message: String {
            switch self {
            case .missing: "no such file"
            case .directory: "is a directory, not a file"
            case .special(let kind): "is \(kind), not a regular file; only regular files are read"
            case .tooLarge(let limit): "is larger than the limit of \(limit) bytes (raise it with --max-file-bytes)"
            case .unreadable(let reason): "cannot be read: \(reason)"
            }
        }
    }

    /// The file's bytes, at most `maxBytes` of them.
    /// - Throws: `Failure` for a missing file, a folder, anything but a regular file, a file
    ///   over `maxBytes`, or a read error.
    public static func read(_ path: String, maxBytes: Int) throws(Failure) -> [UInt8] {
        let (fd, size) = try openRegular(path)
        defer { close(fd) }
        let limit = max(0, maxBytes)
        guard size <= limit else { throw .tooLarge(limit: limit) }
        // Room for the size fstat reported plus one byte, to notice a file that grew.
        var bytes = [UInt8](repeating: 0, count: size + 1)
        var count = 0
        while true {
            if count == bytes.count {
                guard count <= limit else { throw .tooLarge(limit: limit) }
                // The file grew since fstat: read on in steps, never past the limit plus one.
                let grown = min(limit - count, max(count, 4096)) + 1
                bytes += [UInt8](repeating: 0, count: grown)
            }
            let start = count
            let read: Result<Int, Failure> = bytes.withUnsafeMutableBytes { buffer in
                Result { () throws(Failure) -> Int in try readOnce(fd, buffer.baseAddress! + start, buffer.count - start) }
            }
            let n = try read.get()
            if n == 0 { break }
            count += n
        }
        guard count <= limit else { throw .tooLarge(limit: limit) }
        bytes.removeSubrange(count...)
        return bytes
    }

    /// A regular file read from the start a piece at a time, at the caller's pace: for
    /// comparing a file with a page that is made in pieces. Opened as `read` opens files.
    public final class Reader {
        private let fd: Int32

        public init(_ path: String) throws(Failure) {
            fd = try RegularFile.openRegular(path).fd
        }

        /// Fills `buffer` unless the file ends first.
        /// - Returns: how many bytes were read (fewer than `buffer.count` only at the end), or
        ///   nil on a read error.
        public func read(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
            var count = 0
            while count < buffer.count {
                guard let n = try? RegularFile.readOnce(fd, buffer.baseAddress! + count, buffer.count - count) else { return nil }
                if n == 0 { break }
                count += n
            }
            return count
        }

        deinit { close(fd) }
    }

    /// The file's bytes handed to `body` a piece of at most 1 MiB at a time, as `read` would
    /// read them: for comparing or fingerprinting a page of hundreds of MB (a lesson's JSON)
    /// without holding it. `body` returns false to stop early.
    /// - Returns: the number of bytes handed on.
    /// - Throws: as `read`.
    @discardableResult
    public static func scan(_ path: String, maxBytes: Int, _ body: (UnsafeRawBufferPointer) -> Bool) throws(Failure) -> Int {
        let (fd, size) = try openRegular(path)
        defer { close(fd) }
        let limit = max(0, maxBytes)
        guard size <= limit else { throw .tooLarge(limit: limit) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var count = 0
        while true {
            let n = try readOnce(fd, buffer.baseAddress!, buffer.count)
            if n == 0 { break }
            count += n
            // A file that grew past the limit since fstat is cut off there, as `read` does.
            guard count <= limit else { throw .tooLarge(limit: limit) }
            if !body(UnsafeRawBufferPointer(rebasing: buffer[..<n])) { break }
        }
        return count
    }

    /// One `read(2)` of at most `count` bytes into `start`, again when a signal interrupts it.
    /// - Returns: the bytes read; 0 at the end of the file.
    static func readOnce(_ fd: Int32, _ start: UnsafeMutableRawPointer, _ count: Int) throws(Failure) -> Int {
        while true {
            let n = Glibc.read(fd, start, count)
            if n >= 0 { return n }
            if errno != EINTR { throw .unreadable(reason: String(cString: strerror(errno))) }
        }
    }

    /// A regular file opened for reading (never blocking on a FIFO, refused before anything is
    /// read when it is not a regular file) and its size as `fstat` gave it on the open descriptor (so
    /// the file cannot be swapped between the check and the read); the caller closes it.
    private static func openRegular(_ path: String) throws(Failure) -> (fd: Int32, size: Int) {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .missing }
            throw .unreadable(reason: String(cString: strerror(code)))
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .unreadable(reason: reason)
        }
        let refusal: Failure? = switch info.st_mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: .directory
        case S_IFIFO: .special(kind: "a FIFO (named pipe)")
        case S_IFCHR: .special(kind: "a character device")
        case S_IFBLK: .special(kind: "a block device")
        case S_IFSOCK: .special(kind: "a socket")
        default: .special(kind: "a special file")
        }
        if refusal == nil, let kernel = kernelFileSystem(fd) {
            close(fd)
            throw .special(kind: "a file of the kernel's \(kernel) (it may hold this process's secrets)")
        }
        guard let refusal else { return (fd, Int(info.st_size)) }
        close(fd)
        throw refusal
    }

    /// `/proc` or `/sys` when an open file lies under one of them, else nil. Their files pass
    /// as regular (`/proc/self/environ` has size 0), but a lesson that reads one,
    /// `embeddings from="/proc/self/environ"` or a link `env.md -> /proc/self/environ`, would
    /// quote the environment in its error or its prose, and so in the report a teacher
    /// publishes. The open descriptor's own path (`/proc/self/fd/N`) is asked, so links and
    /// `..` are already resolved and the file cannot be swapped in between.
    static func kernelFileSystem(_ fd: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/fd/\(fd)", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        let path = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        for root in kernelMountPoints where path == root || path.hasPrefix(root == "/" ? "/" : root + "/") {
            return root.hasPrefix("/sys") ? "/sys" : "/proc"
        }
        return nil
    }

    /// Where the kernel's pseudo file systems are mounted: `/proc` and `/sys`, and wherever
    /// `/proc/self/mountinfo` lists a proc, sysfs, debugfs … mount (a container may mount its
    /// host's at `/host/proc`; a red-team pass mounted one at `./p2`). Read once.
    static let kernelMountPoints: [String] = {
        var points = ["/proc", "/sys"]
        let kinds: Set<String> = ["proc", "sysfs", "debugfs", "tracefs", "securityfs", "cgroup", "cgroup2", "configfs", "efivarfs", "bpf"]
        // Read directly: `read` asks this very list of every file it opens.
        let fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return points }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while bytes.count < 16 << 20 {
            let n = chunk.withUnsafeMutableBytes { (try? readOnce(fd, $0.baseAddress!, $0.count)) ?? 0 }
            if n == 0 { break }
            bytes += chunk[..<n]
        }
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(separator: "\n") {
            // ID PARENT MAJOR:MINOR ROOT MOUNT-POINT OPTIONS [OPTIONAL…] - TYPE SOURCE SUPER-OPTIONS
            let fields = line.split(separator: " ")
            guard fields.count > 4, let dash = fields.firstIndex(of: "-"), dash + 1 < fields.count,
                  kinds.contains(String(fields[dash + 1])) else { continue }
            let point = unescapedMountPoint(fields[4])
            if !points.contains(point) { points.append(point) }
        }
        return points
    }()

    /// A mount point as mountinfo writes it: space, tab, newline and backslash as `\040` …
    static func unescapedMountPoint(_ field: Substring) -> String {
        var out: [UInt8] = []
        let b = Array(field.utf8)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "\\"), i + 3 < b.count, let code = UInt8(String(decoding: b[(i + 1)...(i + 3)], as: UTF8.self), radix: 8) {
                out.append(code)
                i += 4
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A regular file mapped read-only into memory: nothing is read until a page is touched, and
    /// the pages are the system's file cache, shared with every other process reading the file.
    /// For large files read in place, such as a model's weights.
    /// - Throws: as `read`, without a size limit (the mapping costs address space, not memory).
    public static func map(_ path: String) throws(Failure) -> MappedFile {
        let (fd, size) = try openRegular(path)
        defer { close(fd) }
        guard size > 0 else { return MappedFile(base: nil, count: 0) }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw .unreadable(reason: String(cString: strerror(errno)))
        }
        return MappedFile(base: UnsafeRawPointer(base), count: size)
    }
}

/// The bytes of a file mapped by `RegularFile.map`, unmapped when the last reference goes.
/// Read-only and never changed, so it may be shared between threads.
public final class MappedFile: @unchecked Sendable {
    public let bytes: UnsafeRawBufferPointer

    fileprivate init(base: UnsafeRawPointer?, count: Int) {
        bytes = UnsafeRawBufferPointer(start: base, count: count)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
