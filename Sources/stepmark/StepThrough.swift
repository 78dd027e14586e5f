import ArgumentParser
import Foundation
import StepmarkLesson
import StepmarkRender

struct StepThrough: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step",
        abstract: "Step through a lesson's sub-steps, one per Enter (b: back, q: quit).",
        discussion: "When standard input is not a terminal, everything is printed at once."
    )

    @Argument(help: "A lesson file.", completion: .file(extensions: ["md"]))
    var file: String

    @OptionGroup(title: "Limits (SPEC §7; raise them for trusted lessons)") var limits: LimitOptions

    func run() throws {
        let lesson: Lesson
        do { lesson = try LessonParser.read(path: file, limits: limits.limits) } catch let e as ReadError {
            printError("error: \(e)")
            throw ExitCode(2)
        }
        let report = Runner(limits: limits.limits).run(lesson)
        let renderer = TerminalRenderer(color: useColor)
        guard isTerminal(0) else {
            print(renderer.render(report), terminator: "")
            if !report.ok { throw ExitCode(1) }
            return
        }
        let frames = StepFrames.make(report, renderer: renderer)
        var shown = 1
        while true {
            // Redraw from the top of the current step so that "back" can hide a sub-step.
            print("\u{1B}[H\u{1B}[2J", terminator: "")
            print(frames[shown - 1].screen, terminator: "")
            print(renderer.dim("\n[\(shown)/\(frames.count)] Enter: next · b: back · q: quit "), terminator: "")
            fflush(nil)
            guard let line = readLine() else { break }
            switch line.trimmingWhitespace().lowercased() {
            case "q", "quit": print(""); if !report.ok { throw ExitCode(1) }; return
            case "b", "back": shown = max(1, shown - 1)
            default:
                if shown == frames.count { print(""); if !report.ok { throw ExitCode(1) }; return }
                shown += 1
            }
        }
        if !report.ok { throw ExitCode(1) }
    }
}

/// The screens of a step-through: for each step, one screen per revealed sub-step, each
/// showing the prose just before the step, the step's header and its sub-steps so far.
enum StepFrames {
    struct Frame { var screen: String }

    static func make(_ report: Report, renderer: TerminalRenderer) -> [Frame] {
        var frames: [Frame] = []
        var prose = ""
        for block in report.blocks {
            switch block {
            case .prose(let p):
                prose = p.markdown
            case .step(let step):
                var header = (prose.isEmpty ? "" : prose + "\n\n")
                header += renderer.cyan("── step \(step.index) of \(report.steps.count) · \(step.block.info.trimmingWhitespace())") + "\n"
                header += step.block.bodyText + "\n"
                var screen = header
                frames.append(Frame(screen: screen))
                for value in step.values {
                    screen += renderer.renderValue(value)
                    frames.append(Frame(screen: screen))
                }
                if let e = step.error {
                    screen += renderer.red("error: ") + "\(report.lessonPath):\(e.line):\(e.column): \(e.message)\n"
                    frames.append(Frame(screen: screen))
                }
                prose = ""
            }
        }
        if frames.isEmpty { frames.append(Frame(screen: renderer.render(report))) }
        return frames
    }
}
