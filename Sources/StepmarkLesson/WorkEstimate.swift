import StepmarkCore

/// How much work a lesson is, roughly, before it runs: `render --jobs` starts the costliest
/// lesson of its window first, so that the one lesson that runs a pretrained encoder does not
/// start last and leave one core to finish it alone while the others wait.
///
/// It adds up the `schedulingWeight` of the lesson's directive blocks, found with the linear
/// `FenceScanner`, so a hostile file costs no more than reading it. It only orders work: what a
/// lesson computes and the order its pages are written in never depend on it.
public enum WorkEstimate {
    /// The estimate for a lesson's text.
    public static func of(lessonText text: String) -> Int {
        FenceScanner.scan(text).blocks.reduce(0) { total, block in
            total + (DirectiveRegistry.directive(named: block.name)?.schedulingWeight ?? 0)
        }
    }

    /// The estimate for a lesson file: 0 when it cannot be read (running it reports why).
    public static func of(lessonAt path: String, limits: Limits = .init()) -> Int {
        guard let text = try? LessonParser.readText(path: path, limits: limits) else { return 0 }
        return of(lessonText: text)
    }
}
