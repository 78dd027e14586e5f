#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
import StepmarkCore

/// Watches folder trees with Linux's inotify (no polling): every folder under the roots gets a
/// watch, folders created later get one as they appear, and the files that changed are handed
/// to `onChange` in batches.
///
/// Editors save in several system calls (write a temporary file, rename it over the lesson,
/// change its mode), so events are gathered until the tree has been quiet for `settle`
/// seconds (at most `maxDelay` after the first one) and delivered once, as a set of paths.
public final class FileWatcher: @unchecked Sendable {
    public enum WatchError: Error, CustomStringConvertible {
        case system(String)
        public var description: String { switch self { case .system(let m): m } }
    }

    /// What inotify reports: a file written and closed, created, moved in or out, or deleted,
    /// and a folder that appeared (so it can be watched in turn).
    static let mask: UInt32 = UInt32(IN_CLOSE_WRITE | IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB)

    private let fd: Int32
    /// A pipe whose read end wakes the watching thread when `stop()` is called.
    private let wake: (read: Int32, write: Int32)
    private let lock = ThreadLock()
    /// Watch descriptor → the folder it watches.
    private var folders: [Int32: String] = [:]
    private let settle: Double
    private let maxDelay: Double

    public init(settle: Double = 0.03, maxDelay: Double = 0.2) throws {
        self.settle = settle
        self.maxDelay = maxDelay
        fd = inotify_init1(Int32(IN_CLOEXEC))
        guard fd >= 0 else { throw WatchError.system("inotify_init1: \(String(cString: strerror(errno)))") }
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            close(fd)
            throw WatchError.system("pipe: \(String(cString: strerror(errno)))")
        }
        wake = (ends[0], ends[1])
    }

    deinit {
        close(fd)
        close(wake.read)
        close(wake.write)
    }

    /// Adds a watch on `folder` and on every folder below it, skipping hidden folders
    /// (`.git`, `.build`) whose churn is never a lesson's.
    /// - Returns: the regular files found below the folder (new lessons, when it appeared late).
    @discardableResult
    public func watchTree(_ folder: String) throws -> [String] {
        var files: [String] = []
        try addWatch(folder)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return files }
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = FilePathText.join(folder, name)
            var isDirectory = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory {
                files += try watchTree(path)
            } else {
                files.append(path)
            }
        }
        return files
    }

    private func addWatch(_ folder: String) throws {
        let wd = inotify_add_watch(fd, folder, Self.mask)
        guard wd >= 0 else {
            let reason = String(cString: strerror(errno))
            let hint = errno == ENOSPC ? " (raise fs.inotify.max_user_watches)" : ""
            throw WatchError.system("cannot watch \(folder): \(reason)\(hint)")
        }
        lock.lock()
        folders[wd] = folder
        lock.unlock()
    }

    /// Starts the watching thread; `onChange` runs on it with the changed paths of each batch.
    public func start(onChange: @escaping @Sendable (Set<String>) -> Void) {
        startThread { [self] in self.loop(onChange) }
    }

    /// Ends the watching thread (it finishes the batch it is delivering, if any).
    public func stop() {
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
    }

    private func loop(_ onChange: @Sendable (Set<String>) -> Void) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            // Sleep until the first event (or stop); then gather until quiet.
            guard waitReadable(timeout: -1) else { return }
            var changed = Set<String>()
            let first = Date()
            repeat {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    return
                }
                changed.formUnion(parse(buffer, count: n))
            } while Date().timeIntervalSince(first) < maxDelay && waitReadable(timeout: Int32(settle * 1000))
            if stopped { return }
            if !changed.isEmpty { onChange(changed) }
        }
    }

    private var stopped = false

    /// Waits until inotify has events; false when `stop()` was called or on timeout.
    private func waitReadable(timeout: Int32) -> Bool {
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
        while true {
            let r = poll(&fds, 2, timeout)
            if r < 0 && errno == EINTR { continue }
            if fds[1].revents != 0 { stopped = true; return false }
            return r > 0 && fds[0].revents & Int16(POLLIN) != 0
        }
    }

    /// Reads `struct inotify_event { int wd; uint32_t mask, cookie, len; char name[len]; }`
    /// records; a new folder is watched at once (and its files count as changed).
    private func parse(_ buffer: [UInt8], count: Int) -> Set<String> {
        var changed = Set<String>()
        var offset = 0
        let header = 16
        while offset + header <= count {
            func u32(_ at: Int) -> UInt32 {
                UInt32(buffer[at]) | UInt32(buffer[at + 1]) << 8 | UInt32(buffer[at + 2]) << 16 | UInt32(buffer[at + 3]) << 24
            }
            let wd = Int32(bitPattern: u32(offset))
            let mask = u32(offset + 4)
            let length = Int(u32(offset + 12))
            let nameStart = offset + header
            guard nameStart + length <= count else { break }
            let nameBytes = buffer[nameStart..<(nameStart + length)].prefix { $0 != 0 }
            offset = nameStart + length
            lock.lock()
            let folder = folders[wd]
            if mask & UInt32(IN_IGNORED) != 0 { folders[wd] = nil }
            lock.unlock()
            guard let folder, !nameBytes.isEmpty else { continue }
            let name = String(decoding: nameBytes, as: UTF8.self)
            let path = FilePathText.join(folder, name)
            if mask & UInt32(IN_ISDIR) != 0 {
                if mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0, !name.hasPrefix(".") {
                    // Files may already be inside (a folder moved in, or written before the watch).
                    changed.formUnion((try? watchTree(path)) ?? [])
                }
                changed.insert(path)
                continue
            }
            changed.insert(path)
        }
        return changed
    }
}
