import Foundation
import StepmarkCore

/// Loads numbers for `load("…")` from a file beside the lesson.
enum FileLoader {
    static func load(_ path: String, relativeTo base: String, limits: Limits, at position: SourcePosition) throws -> Tensor {
        throw LessonError("load() is not available yet", at: position)
    }
}
