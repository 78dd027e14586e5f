import FoundationEssentials
import StepmarkCore
import StepmarkLesson

/// Atomic file writes: the folder is made when missing, then `ReplacingWrite` (one write loop
/// for the whole project) puts the content in a new temporary file in the same folder (never
/// through a planted link), flushes it to disk, and renames it over the target. A reader sees
/// the old file or the new one, never half of one; when anything fails (a folder that cannot be
/// written, a full disk) the temporary file is removed and the old file, if any, is left as it
/// was.
public enum AtomicFile {
    public static func write(_ content: String, to path: String) throws {
        try makeFolder(of: path)
        do {
            try ReplacingWrite.write(content, to: path, durable: true)
        } catch {
            throw ReadError(path: path, message: "cannot write: \(error.reason)")
        }
    }

    /// Writes bytes (a printed PDF) the same way.
    public static func write(bytes: [UInt8], to path: String) throws {
        try makeFolder(of: path)
        do {
            try ReplacingWrite.write(bytes: bytes, to: path, durable: true)
        } catch {
            throw ReadError(path: path, message: "cannot write: \(error.reason)")
        }
    }

    public static func makeFolder(of path: String) throws {
        let folder = FilePathText.parent(path)
        if folder.isEmpty { return }
        do {
            try ReplacingWrite.makeFolders(folder)
        } catch {
            throw ReadError(path: folder, message: "cannot create the folder: \(error.reason)")
        }
    }

    /// The current `errno` as a message about `path`.
    public static func failure(_ path: String) -> ReadError {
        ReadError(path: path, message: "cannot write: \(String(cString: strerror(errno)))")
    }
}
