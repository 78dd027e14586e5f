/// The running executable's path, from `/proc/self/exe` (Foundation's `Bundle.main` is gone with
/// full Foundation, issue 13). Nil where the link cannot be read.
public enum ExecutablePath {
    public static var current: String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
