import FoundationEssentials
import StepmarkCore

/// Output names that keep distinct inputs distinct. `render a/lesson.md b/lesson.md --out o`
/// gave both the output name `lesson`, so the second report overwrote the first and the index
/// linked both entries to one page.
public enum OutputNames {
    /// One output name (a relative path without extension) per input, in order.
    ///
    /// Inputs whose preferred names clash (compared case-insensitively, since macOS and
    /// Windows folders are) get the smallest number of their own parent folders in front,
    /// `a/lesson` and `b/lesson`, that sets them apart; names that still clash get `-2`, `-3`,
    /// …. The same file given twice (after resolving `.`, `..` and links) keeps one name, so a
    /// caller can render it once.
    ///
    /// - Parameter inputs: each lesson's path and the name it would get on its own (`lesson`
    ///   for a file argument, `en/01-attention` for a file found under a folder argument).
    public static func distinct(_ inputs: [(source: String, preferred: String)]) -> [String] {
        let identities = inputs.map { URL(fileURLWithPath: $0.source).standardizedFileURL.resolvingSymlinksInPath().path }
        var names = inputs.map(\.preferred)
        // Group the distinct files by the folded name they would take.
        var groups: [String: [Int]] = [:]
        var firstOfFile: [String: Int] = [:]
        for (i, identity) in identities.enumerated() {
            if let first = firstOfFile[identity] { names[i] = names[first]; continue }
            firstOfFile[identity] = i
            groups[fold(names[i]), default: []].append(i)
        }
        for (_, members) in groups.sorted(by: { $0.value[0] < $1.value[0] }) where members.count > 1 {
            // The folders above each file that its preferred name does not already hold.
            let parents = members.map { i in
                Array(parentFolders(URL(fileURLWithPath: inputs[i].source).standardizedFileURL.path)
                    .dropFirst(inputs[i].preferred.split(separator: "/").count - 1))
            }
            let deepest = parents.map(\.count).max() ?? 0
            var depth = 1
            while depth <= deepest {
                let candidates = members.indices.map { k in prefixed(inputs[members[k]].preferred, parents[k], depth) }
                if Set(candidates.map(fold)).count == members.count { break }
                depth += 1
            }
            for (k, i) in members.enumerated() { names[i] = prefixed(inputs[i].preferred, parents[k], min(depth, deepest)) }
        }
        // Whatever still clashes (with another group's new name, or deeper) gets a number.
        var used: Set<String> = []
        var given: [String: String] = [:]
        for (i, identity) in identities.enumerated() {
            if let earlier = given[identity] { names[i] = earlier; continue }
            var candidate = names[i]
            var k = 2
            while used.contains(fold(candidate)) { candidate = "\(names[i])-\(k)"; k += 1 }
            used.insert(fold(candidate))
            given[identity] = candidate
            names[i] = candidate
        }
        return names
    }

    static func fold(_ s: String) -> String { s.lowercased() }

    /// The folders above a file, nearest first (`/home/x/a/lesson.md` → `a`, `x`, `home`).
    static func parentFolders(_ path: String) -> [String] {
        var parts = FilePathText.components(path).filter { $0 != "/" }
        parts.removeLast()
        return parts.reversed()
    }

    /// `preferred` with the `depth` nearest parent folders in front.
    static func prefixed(_ preferred: String, _ parents: [String], _ depth: Int) -> String {
        let chosen = parents.prefix(depth).reversed()
        return (chosen + [preferred]).joined(separator: "/")
    }
}
