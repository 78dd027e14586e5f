import Foundation
import Yams

/// A lesson's YAML front matter (SPEC §8): the `---` block at the very top of the file.
///
/// Parsed with Yams (libyaml), a well-kept YAML parser, rather than by hand: front matter is
/// written by people used to Quarto and Jekyll, with quoting, lists and comments. Keys stepmark
/// does not know are kept out of the way (Quarto's own keys may be there too).
public struct FrontMatter: Sendable, Equatable {
    public var title: String?
    public var subtitle: String?
    public var authors: [String] = []
    public var date: String?
    /// BCP-47 language tag (`ko`, `en`).
    public var lang: String?
    public var description: String?
    /// An assignment's variant (SPEC §4): present only in assignments written by
    /// `stepmark assign`, so its presence is what marks a file as an assignment.
    public var variant: Int?
    /// `exercise-defaults`: `points`, `tol`, `partial` for every exercise that does not set them.
    public var defaultPoints: Double?
    public var defaultTolerance: Double?
    public var defaultPartial: Bool?
    /// The number of lines the front matter takes, fences included.
    public var lineCount: Int

    /// The largest variant `assign` writes (SPEC §4: the hash mod 1,000,000).
    public static let variantLimit = 1_000_000

    /// Reads the front matter at the start of `lines`; nil when the file has none (its first
    /// line is not `---`). A front matter that is never closed, is not YAML, or holds a value of
    /// the wrong type is an error at its line; the rest of the lesson still runs.
    public static func parse(_ lines: [String]) -> (FrontMatter?, [LessonError]) {
        guard let first = lines.first, first.trimmingTrailingSpaces() == "---" else { return (nil, []) }
        guard let close = lines.dropFirst().firstIndex(where: { ["---", "..."].contains($0.trimmingTrailingSpaces()) }) else {
            return (nil, [LessonError("the front matter opened here with --- is never closed with a --- line", at: SourcePosition(line: 1, column: 1))])
        }
        var matter = FrontMatter(lineCount: close + 1)
        let yaml = lines[1..<close].joined(separator: "\n")
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: yaml)
        } catch let error as YamlError {
            return (matter, [LessonError("the front matter is not valid YAML: \(describe(error))", at: position(of: error, firstLine: 2))])
        } catch {
            return (matter, [LessonError("the front matter is not valid YAML", at: SourcePosition(line: 2, column: 1))])
        }
        guard let loaded else { return (matter, []) }
        guard let map = loaded as? [String: Any] else {
            return (matter, [LessonError("the front matter must be `key: value` lines (a YAML mapping)", at: SourcePosition(line: 2, column: 1))])
        }
        var errors: [LessonError] = []
        /// The line of `key:` inside the front matter, for errors about its value.
        func at(_ key: String) -> SourcePosition {
            for i in 1..<close where lines[i].hasPrefix(key) && lines[i].dropFirst(key.count).trimmingLeadingSpaces().hasPrefix(":") {
                return SourcePosition(line: i + 1, column: key.count + 3)
            }
            return SourcePosition(line: 2, column: 1)
        }
        func text(_ key: String) -> String? {
            guard let value = map[key] else { return nil }
            if let s = value as? String { return s }
            // YAML reads `date: 2026-12-05` as a timestamp; write it back as the author did.
            if let date = value as? Date {
                let format = ISO8601DateFormatter()
                format.timeZone = TimeZone(identifier: "UTC")
                let midnight = Int(date.timeIntervalSince1970) % 86_400 == 0
                format.formatOptions = midnight ? [.withFullDate] : [.withInternetDateTime]
                return format.string(from: date)
            }
            if value is [Any] || value is [String: Any] {
                errors.append(LessonError("\(key): expects text, not a list or mapping", at: at(key)))
                return nil
            }
            return "\(value)"
        }
        func number(_ value: Any) -> Double? {
            if let d = value as? Double { return d }
            if let i = value as? Int { return Double(i) }
            return nil
        }
        matter.title = text("title")
        matter.subtitle = text("subtitle")
        matter.date = text("date")
        matter.lang = text("lang")
        matter.description = text("description")
        if let author = map["author"] {
            if let list = author as? [Any] { matter.authors = list.map { "\($0)" } } else { matter.authors = ["\(author)"] }
        }
        if let value = map["variant"] {
            if let v = value as? Int, v >= 0, v < variantLimit {
                matter.variant = v
            } else {
                errors.append(LessonError("variant: expects a whole number from 0 to \(variantLimit - 1) (stepmark assign writes it), got \(value)", at: at("variant")))
            }
        }
        if let value = map["exercise-defaults"] {
            if let d = value as? [String: Any] {
                if let p = d["points"] {
                    if let n = number(p), n >= 0, n.isFinite { matter.defaultPoints = n } else {
                        errors.append(LessonError("exercise-defaults: points expects a number ≥ 0, got \(p)", at: at("exercise-defaults")))
                    }
                }
                if let t = d["tol"] {
                    if let n = number(t), n >= 0, n.isFinite { matter.defaultTolerance = n } else {
                        errors.append(LessonError("exercise-defaults: tol expects a number ≥ 0, got \(t)", at: at("exercise-defaults")))
                    }
                }
                if let p = d["partial"] {
                    if let b = p as? Bool { matter.defaultPartial = b } else {
                        errors.append(LessonError("exercise-defaults: partial expects true or false, got \(p)", at: at("exercise-defaults")))
                    }
                }
            } else {
                errors.append(LessonError("exercise-defaults: expects `points:`, `tol:` and `partial:` on indented lines below it", at: at("exercise-defaults")))
            }
        }
        return (matter, errors)
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
             .composer(let context, let problem, _, _):
            return [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
        case .duplicatedKeysInMapping(let duplicates, _):
            return "a key is given twice: \(duplicates.joined(separator: ", "))"
        default:
            return "\(error)"
        }
    }

    private static func position(of error: YamlError, firstLine: Int) -> SourcePosition {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return SourcePosition(line: firstLine + mark.line - 1, column: max(mark.column, 1))
        case .duplicatedKeysInMapping(_, let context):
            return SourcePosition(line: firstLine + context.mark.line - 1, column: max(context.mark.column, 1))
        default:
            return SourcePosition(line: firstLine, column: 1)
        }
    }
}

extension StringProtocol {
    func trimmingTrailingSpaces() -> Substring {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return s
    }

    func trimmingLeadingSpaces() -> Substring {
        var s = Substring(self)
        while let first = s.first, first == " " || first == "\t" { s.removeFirst() }
        return s
    }
}
