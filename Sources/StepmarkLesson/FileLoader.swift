import FoundationEssentials
import StepmarkCore

/// Loads numbers for `load("…")` from a file beside the lesson: `.npy` (numpy) or `.csv`.
enum FileLoader {
    static func resolve(_ path: String, relativeTo base: String) -> String {
        path.hasPrefix("/") ? path : FilePathText.join(base, path)
    }

    static func load(_ path: String, relativeTo base: String, limits: Limits, deadline: Deadline = .none, at position: SourcePosition) throws -> Tensor {
        let full = resolve(path, relativeTo: base)
        let ext = FilePathText.pathExtension(path).lowercased()
        guard ext == "npy" || ext == "csv" else {
            throw LessonError("load() reads .npy and .csv files; '\(path)' is neither", at: position)
        }
        let bytes = try readBytes(full, shownAs: path, limits: limits, at: position)
        do {
            if ext == "npy" { return try NumericFiles.parseNPY(bytes, source: path) }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw LessonError("'\(path)' is not UTF-8 text", at: position)
            }
            return try NumericFiles.parseCSV(text, source: path, maxEntries: limits.maxEntries, deadline: deadline)
        } catch let e as TensorError {
            throw LessonError(e.message, at: position)
        }
    }

    /// A file's bytes within the lesson size limit; errors name the file as the lesson wrote it.
    static func readBytes(_ full: String, shownAs path: String, limits: Limits, at position: SourcePosition) throws -> [UInt8] {
        do {
            return try RegularFile.read(full, maxBytes: limits.maxFileBytes)
        } catch .missing {
            throw LessonError(path.hasPrefix("/") ? "no file '\(path)'" : "no file '\(path)' next to the lesson", at: position)
        } catch {
            throw LessonError("'\(path)' \(error.message)", at: position)
        }
    }
}
