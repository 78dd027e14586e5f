import Foundation
import FuzzSupport
import StepmarkGrade
import StepmarkLesson

/// A whole lesson: parse it, run every step, check its exercises. Every error must point into
/// the lesson.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = fuzzText(data, size)
    // A path in a folder that does not exist, so load()/from= cannot read real files.
    let lesson = LessonParser.parse(text, path: "/nonexistent-stepmark-fuzz/lesson.md")
    let report = Exercises.check(Runner(limits: fuzzLimits).run(lesson), limits: fuzzLimits)
    for e in report.errors {
        requirePositioned(e, in: lesson.lines, "lesson")
        requireMessage(e, "lesson")
    }
    _ = Exercises.studentView(report)
    return 0
}

@_cdecl("FuzzLesson_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in
        guard let data else { return 0 }
        return fuzz(data, size)
    }
}
