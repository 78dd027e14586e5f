/// File paths as text: joining, the last component, the parent, the extension.
///
/// Why by hand: these are the few `NSString` path methods stepmark used, and `NSString` lives in
/// full Foundation, which stepmark no longer links (issue 13). `URL(filePath:)` would resolve a
/// relative path against the working directory, and swift-system's `FilePath` is a dependency for
/// five short functions. The rules are NSString's on Linux: repeated slashes collapse, a trailing
/// slash is dropped (except for the root), and `.` and `..` are kept as written.
public enum FilePathText {
    /// `a` + `/` + `b`, slashes tidied; `b` alone when `a` is empty.
    public static func join(_ base: String, _ component: String) -> String {
        if base.isEmpty { return tidy(component) }
        if component.isEmpty { return tidy(base) }
        return tidy(base + "/" + component)
    }

    /// The text after the last slash (`/` for the root, empty for an empty path).
    public static func lastComponent(_ path: String) -> String {
        let p = tidy(path)
        if p == "/" { return p }
        guard let slash = p.lastIndex(of: "/") else { return p }
        return String(p[p.index(after: slash)...])
    }

    /// The path without its last component: `a/b` → `a`, `b` → ``, `/b` → `/`.
    public static func parent(_ path: String) -> String {
        let p = tidy(path)
        if p == "/" { return p }
        guard let slash = p.lastIndex(of: "/") else { return "" }
        if slash == p.startIndex { return "/" }
        return String(p[..<slash])
    }

    /// The last component's extension without its dot (`md`), empty when it has none; a name
    /// that only starts with a dot (`.cache`) has none.
    public static func pathExtension(_ path: String) -> String {
        let name = lastComponent(path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return String(name[name.index(after: dot)...])
    }

    /// The path without the last component's extension (`a/b.md` → `a/b`).
    public static func removingExtension(_ path: String) -> String {
        let p = tidy(path)
        let ext = pathExtension(p)
        return ext.isEmpty ? p : String(p.dropLast(ext.count + 1))
    }

    /// The components, with `/` first for an absolute path: `/a/b` → [`/`, `a`, `b`].
    public static func components(_ path: String) -> [String] {
        let p = tidy(path)
        var parts = p.split(separator: "/").map(String.init)
        if p.hasPrefix("/") { parts.insert("/", at: 0) }
        return parts
    }

    /// The path that leads from the folder `from` to the folder `to`, both absolute (`.` and
    /// `..` resolved as written): `/o/en` to `/l/en` is `../../l/en`; `.` when they are one.
    public static func relative(from: String, to: String) -> String {
        func resolved(_ path: String) -> [String] {
            var out: [String] = []
            for part in components(path).dropFirst() where part != "." {
                if part == ".." { if !out.isEmpty { out.removeLast() } } else { out.append(part) }
            }
            return out
        }
        let a = resolved(from), b = resolved(to)
        var shared = 0
        while shared < a.count, shared < b.count, a[shared] == b[shared] { shared += 1 }
        let steps = Array(repeating: "..", count: a.count - shared) + b[shared...]
        return steps.isEmpty ? "." : steps.joined(separator: "/")
    }

    /// Repeated slashes collapsed and a trailing slash removed, the root kept.
    static func tidy(_ path: String) -> String {
        guard path.contains("/") else { return path }
        var out = ""
        out.reserveCapacity(path.utf8.count)
        var previousSlash = false
        for c in path {
            if c == "/" {
                if previousSlash { continue }
                previousSlash = true
            } else {
                previousSlash = false
            }
            out.append(c)
        }
        if out.count > 1, out.hasSuffix("/") { out.removeLast() }
        return out
    }
}
