import Foundation
import StepmarkLesson

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
