import CTemporaryFiles
import FoundationEssentials

/// Replaces a file's content so that no reader ever sees half of it and no planted link is
/// ever followed.
///
/// The content goes to a new temporary file beside the target, `.NAME.tmp-XXXXXXXXXXXX`, made
/// as `mkstemp` makes one (`O_CREAT | O_EXCL | O_NOFOLLOW` on a fresh random name: creation fails
/// rather than follow a symbolic link someone planted under that name), and is then renamed over
/// the target. `rename` replaces a symbolic link at the target rather than writing through it.
/// Two writers of the same target (two `grade` runs into one folder) each write their own
/// temporary file, so the target ends up as one writer's complete content, never a mixture.
/// On any failure the temporary file is removed and the target is left as it was, and so on
/// Ctrl-C or a kill once `removeTemporaryFilesOnSignals()` has run.
public enum ReplacingWrite {
    /// Makes Ctrl-C, SIGTERM, SIGHUP and SIGQUIT remove the temporary files being written before
    /// the process ends as the signal says, and turns SIGXFSZ (`ulimit -f` exceeded) into a write
    /// error reported like any other. The command line calls it once at start.
    public static func removeTemporaryFilesOnSignals() {
        ctf_install_handlers()
    }

    /// Why a write failed: the system's reason.
    public struct Failure: Error, Sendable, Equatable {
        public var reason: String
    }

    /// Makes `folder` and every missing folder above it (`mkdir -p`, mode 0777 less the umask).
    /// - Throws: the system's reason when a part exists and is not a folder, or cannot be made.
    public static func makeFolders(_ folder: String) throws(Failure) {
        var path = folder.hasPrefix("/") ? "/" : ""
        for part in folder.split(separator: "/", omittingEmptySubsequences: true) {
            path += (path.isEmpty || path.hasSuffix("/") ? "" : "/") + part
            if mkdir(path, 0o777) == 0 { continue }
            let made = errno
            var info = stat()
            if made == EEXIST, stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { continue }
            throw Failure(reason: String(cString: strerror(made == EEXIST ? ENOTDIR : made)))
        }
    }

    /// Writes `content` to `path` through a temporary file and `rename`.
    /// - Parameter durable: flush the file to disk before the rename (`fsync`); a batch of many
    ///   small files skips it, since a crash mid-batch is repaired by running it again.
    public static func write(_ content: String, to path: String, durable: Bool) throws(Failure) {
        try replace(path, durable: durable) { writeAll(content, to: $0) }
    }

    /// Writes `bytes` (a PDF, say) to `path` the same way.
    public static func write(bytes: [UInt8], to path: String, durable: Bool) throws(Failure) {
        try replace(path, durable: durable) { fd in bytes.withUnsafeBufferPointer { writeAll($0, to: fd) } }
    }

    /// The temporary file, `fill`, the flush and the rename shared by both writes.
    private static func replace(_ path: String, durable: Bool, fill: (Int32) -> Bool) throws(Failure) {
        let folder = FilePathText.parent(path)
        let name = FilePathText.lastComponent(path)
        guard !name.isEmpty else { throw Failure(reason: "no file name") }
        let (fd, temporary, slot) = try createTemporary(beside: folder.isEmpty ? "." : folder, name: name)
        var done = false
        defer {
            if !done { unlink(temporary) }
            ctf_forget(slot)
        }
        // The temporary file is private (0600); a written report is as readable as any file
        // the user creates (0666 less the umask).
        guard fill(fd), fchmod(fd, 0o666 & ~processUmask) == 0, !durable || fsync(fd) == 0 else {
            let error = current()
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw current() }
        guard rename(temporary, path) == 0 else { throw current() }
        done = true
    }

    /// A replacement written a piece at a time, for a page too large to hold as one string (a
    /// lesson's JSON of hundreds of MB): `append` each piece, then `commit` flushes and renames
    /// the temporary file over the target, or `discard` leaves the target as it was. A
    /// `Pending` dropped without either removes its temporary file.
    public final class Pending {
        private var fd: Int32
        private let temporary: String
        private let target: String
        private var failure: Failure?
        private let slot: Int32

        /// Creates the temporary file beside `path` (its folder must exist).
        public init(replacing path: String) throws(Failure) {
            let folder = FilePathText.parent(path)
            let name = FilePathText.lastComponent(path)
            guard !name.isEmpty else { throw Failure(reason: "no file name") }
            (fd, temporary, slot) = try createTemporary(beside: folder.isEmpty ? "." : folder, name: name)
            target = path
        }

        /// Writes the next piece; the first failure is kept and thrown by `commit`.
        public func append(_ piece: String) {
            guard failure == nil, fd >= 0 else { return }
            if !writeAll(piece, to: fd) { failure = current() }
        }

        /// Puts the written pieces in place of the target, as `write` does.
        public func commit(durable: Bool) throws(Failure) {
            guard fd >= 0 else { throw Failure(reason: "already finished") }
            let open = fd
            fd = -1
            defer { ctf_forget(slot) }
            if let failure {
                close(open)
                unlink(temporary)
                throw failure
            }
            guard fchmod(open, 0o666 & ~processUmask) == 0, !durable || fsync(open) == 0 else {
                let error = current()
                close(open)
                unlink(temporary)
                throw error
            }
            guard close(open) == 0, rename(temporary, target) == 0 else {
                let error = current()
                unlink(temporary)
                throw error
            }
        }

        /// Leaves the target as it was and removes the temporary file.
        public func discard() {
            guard fd >= 0 else { return }
            close(fd)
            fd = -1
            unlink(temporary)
            ctf_forget(slot)
        }

        deinit { discard() }
    }

    /// Writes all of `content` to an open file, retrying short and interrupted writes.
    /// - Returns: false when a write failed (`errno` says why).
    public static func writeAll(_ content: String, to fd: Int32) -> Bool {
        var content = content
        return content.withUTF8 { writeAll($0, to: fd) }
    }

    /// Writes all of `buffer` to an open file, retrying short and interrupted writes.
    static func writeAll(_ buffer: UnsafeBufferPointer<UInt8>, to fd: Int32) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 { if errno == EINTR { continue }; return false }
            offset += n
        }
        return true
    }

    /// Creates `.NAME.tmp-XXXXXXXXXXXX` (twelve random letters and digits) in `folder`, as
    /// `mkstemp` does, but with `O_NOFOLLOW` spelled out (Glibc's `mkostemp` is not visible
    /// from Swift): `O_CREAT | O_EXCL` fails on any existing name, a planted symbolic link
    /// included, and a clash simply tries another name. The file is registered for removal on
    /// a signal (`ctf_register`) before it exists; its slot is returned for `ctf_forget`.
    static func createTemporary(beside folder: String, name: String) throws(Failure) -> (fd: Int32, path: String, slot: Int32) {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100 {
            let suffix = String((0..<12).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
            let path = folder + "/." + name + ".tmp-" + suffix
            // Registered before it is made: a signal between the two left the file behind (a
            // test under load caught it). Before `open`, the handler's unlink finds nothing; a
            // name that turns out to be taken is another writer's temporary file, forgotten at
            // once.
            let slot = ctf_register(path)
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd >= 0 { return (fd, path, slot) }
            let failure = errno
            ctf_forget(slot)
            if failure != EEXIST { throw Failure(reason: String(cString: strerror(failure))) }
        }
        throw Failure(reason: "no free temporary name after 100 tries")
    }

    static func current() -> Failure { Failure(reason: String(cString: strerror(errno))) }

    /// The process's file-creation mask, read once from /proc (Linux 4.7+). Calling `umask(0)`
    /// to read it would, for an instant, change it for every thread of a parallel batch.
    static let processUmask: mode_t = {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Umask:") }),
           let value = mode_t(line.dropFirst(6).trimmingHorizontalWhitespace(), radix: 8) {
            return value
        }
        let mask = umask(0o022)
        umask(mask)
        return mask
    }()
}
