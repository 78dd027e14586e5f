import FoundationEssentials
import StepmarkCore

/// The language of every word stepmark writes about a lesson (SPEC §8): the front matter's
/// `lang` (its primary subtag: `ko-KR` → ko), else `ko` for a lesson under a `ko/` folder,
/// else English. Only Korean and English are complete; any other tag falls back to English.
public enum LessonLanguage: String, Sendable, CaseIterable {
    case english = "en"
    case korean = "ko"

    /// The language of a BCP-47 tag, by its primary subtag (`ko-KR` → ko, `EN` → en); nil for
    /// any other language.
    public init?(tag: String) {
        let primary = tag.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() } ?? ""
        self.init(rawValue: primary)
    }

    /// The language for a lesson at `path` with optional front matter.
    public static func of(path: String, frontMatter: FrontMatter?) -> LessonLanguage {
        if let tag = frontMatter?.lang { return LessonLanguage(tag: tag) ?? .english }
        return ofFolders(path: path) ?? .english
    }

    /// The language a lesson at `path` takes from the nearest `ko/` or `en/` folder above it, or
    /// nil. A copy written elsewhere (an assignment in `hw/`) must say it in its front matter.
    /// A relative path is read from the working folder: `cd ko && stepmark run k.md` is the
    /// same lesson as `stepmark run ko/k.md`.
    public static func ofFolders(path: String) -> LessonLanguage? {
        let full = path.hasPrefix("/") ? path : FilePathText.join(FileManager.default.currentDirectoryPath, path)
        let folders = full.split(separator: "/").dropLast().map(String.init)
        return folders.last(where: { $0 == "ko" || $0 == "en" }).flatMap(LessonLanguage.init(rawValue:))
    }
}

extension Report {
    /// The lesson's language (front matter `lang`, else its folder), for every word a renderer
    /// or the grader writes.
    public var language: LessonLanguage { LessonLanguage.of(path: lessonPath, frontMatter: frontMatter) }
}

extension Lesson {
    public var language: LessonLanguage { LessonLanguage.of(path: path, frontMatter: frontMatter) }
}
