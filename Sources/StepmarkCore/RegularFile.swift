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
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .missing }
            throw .unreadable(reason: String(cString: strerror(code)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(reason: String(cString: strerror(errno))) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw .directory
        case S_IFIFO: throw .special(kind: "a FIFO (named pipe)")
        case S_IFCHR: throw .special(kind: "a character device")
        case S_IFBLK: throw .special(kind: "a block device")
        case S_IFSOCK: throw .special(kind: "a socket")
        default: throw .special(kind: "a special file")
        }
        let limit = max(0, maxBytes)
        let size = Int(info.st_size)
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
            let n = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(fd, buffer.baseAddress! + count, buffer.count - count)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw .unreadable(reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            count += n
        }
        guard count <= limit else { throw .tooLarge(limit: limit) }
        bytes.removeSubrange(count...)
        return bytes
    }
}
