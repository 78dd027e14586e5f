import ArgumentParser
import FoundationEssentials
import StepmarkCore
import StepmarkGrade
import StepmarkLesson
import StepmarkRender

struct StepThrough: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step",
        abstract: "Step through a lesson's sub-steps, one key at a time.",
        discussion: """
            Keys: → Space Enter next · ← b back · n p next / previous block · g NUMBER Enter go \
            to a block · q quit. Tables are cut to the terminal's width (⋯ marks the hidden \
            columns); solution regions are hidden unless --teacher is given. A key shows its \
            exercises' values and answers, as run does: to step through in front of students, \
            step the assignment (stepmark assign). When standard input is not a terminal, \
            everything is printed at once.
            """
    )

    @Argument(help: "A lesson file.", completion: .file(extensions: ["md"]))
    var file: String

    @Flag(help: "Show the teacher-only solution regions too.")
    var teacher = false

    @OptionGroup(title: "Limits (SPEC §7; raise them for trusted lessons) and models") var limits: LimitOptions

    func run() throws {
        let lesson: Lesson
        do { lesson = try LessonParser.read(path: file, limits: limits.limits) } catch let e as ReadError {
            printError("error: \(e)")
            throw ExitCode(2)
        }
        // A key checks its own answers, as run does (SPEC §4): exit 1 when one fails or is missing.
        var report = Exercises.check(Runner(limits: limits.limits).run(lesson))
        // An assignment steps through what its handout shows, as run and check do (SPEC §4).
        if report.isAssignment { report = StudentView.apply(report) }
        if !teacher { report = StepFrames.withoutSolutions(report) }
        let renderer = TerminalRenderer(color: useColor, language: report.language)
        guard isTerminal(0), isTerminal(1) else {
            // Not a terminal: every frame's last state, once (no width to fit to).
            StandardStream.output(StepFrames.everything(report, renderer: renderer, teacher: teacher))
            if !report.ok { throw ExitCode(1) }
            return
        }
        unblockStopSignals()
        guard RawTerminal.enter() else {
            printError("error: cannot set the terminal to single keys")
            throw ExitCode(2)
        }
        defer { RawTerminal.leave() }
        StepSession(report: report, renderer: renderer, teacher: teacher).loop()
        if !report.ok { throw ExitCode(1) }
    }
}

/// The interactive loop: one frame on screen, the status line below it.
struct StepSession {
    let report: Report
    let renderer: TerminalRenderer
    let teacher: Bool
    var words: StepWords { StepWords.of(report) }

    func loop() {
        var width = RawTerminal.size.columns
        var frames = StepFrames.make(report, renderer: renderer, width: width, teacher: teacher)
        var shown = 0
        var typing: String?
        var message: String?
        while true {
            let size = RawTerminal.size
            if size.columns != width {
                // Same position, new layout.
                width = size.columns
                let old = frames[shown]
                frames = StepFrames.make(report, renderer: renderer, width: width, teacher: teacher)
                shown = frames.firstIndex { $0.block == old.block && $0.sub == old.sub } ?? min(shown, frames.count - 1)
            }
            draw(frames[shown], of: frames, size: size, typing: typing, message: message)
            message = nil
            let key = RawTerminal.readKey()
            if var digits = typing {
                switch key {
                case .character(let c) where c.isASCII && c.isNumber:
                    digits.append(c); typing = digits
                case .backspace:
                    typing = digits.isEmpty ? nil : String(digits.dropLast())
                case .enter:
                    typing = nil
                    if let n = Int(digits), let target = frames.firstIndex(where: { $0.block == n }) {
                        shown = target
                    } else {
                        message = words.noBlock(digits, StepFrames.shownStepCount(report))
                    }
                case .end_: return
                case .resize: break
                default: typing = nil
                }
                continue
            }
            switch key {
            case .right, .down, .pageDown, .enter, .character(" "), .character("l"), .character("j"):
                if shown < frames.count - 1 { shown += 1 } else { message = words.atEnd }
            case .left, .up, .pageUp, .backspace, .character("b"), .character("h"), .character("k"):
                shown = max(0, shown - 1)
            case .character("n"):
                if let next = frames.indices.first(where: { $0 > shown && frames[$0].block != frames[shown].block }) { shown = next }
                else { message = words.atEnd }
            case .character("p"):
                let current = frames[shown].block
                let previous = frames.indices.last { frames[$0].block < current } .map { frames[$0].block }
                if let previous, let first = frames.firstIndex(where: { $0.block == previous }) { shown = first }
                else if let first = frames.firstIndex(where: { $0.block == current }) { shown = first }
            case .character("g"): typing = ""
            case .home: shown = 0
            case .end: shown = frames.count - 1
            case .character("q"), .character("Q"), .end_: return
            default: break
            }
        }
    }

    /// Clears the screen and draws the frame; when it is taller than the terminal, its last
    /// lines (the sub-step just revealed is at the bottom) under a note of how many are above.
    func draw(_ frame: StepFrames.Frame, of frames: [StepFrames.Frame], size: (columns: Int, rows: Int), typing: String?, message: String?) {
        var lines = frame.screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let room = max(1, size.rows - 2)
        if lines.count > room {
            let hidden = lines.count - room + 1
            lines = [renderer.dim(words.linesAbove(hidden))] + lines.suffix(room - 1)
        }
        let position = frames.firstIndex { $0.block == frame.block && $0.sub == frame.sub }.map { $0 + 1 } ?? 1
        var status = "[\(words.block) \(frame.block)/\(StepFrames.shownStepCount(report)) · \(position)/\(frames.count)] "
        if let typing { status += words.goPrompt + typing + "▏" } else if let message { status += message } else { status += words.keys }
        RawTerminal.put("\u{1B}[H\u{1B}[2J" + lines.joined(separator: "\r\n") + "\r\n\r\n" + renderer.dim(Self.cut(status, to: size.columns - 1)))
    }

    /// The text cut to `width` display columns (the status line must not wrap).
    static func cut(_ text: String, to width: Int) -> String {
        var out = ""
        var used = 0
        for c in text {
            let w = Format.displayWidth(String(c))
            if used + w > width { return out.isEmpty ? out : String(out.dropLast()) + "…" }
            out.append(c)
            used += w
        }
        return out
    }
}

/// The words of the step-through, in the lesson's language (SPEC §8): a view of the one
/// strings table (`Strings`).
struct StepWords {
    let strings: Strings
    var block: String { strings[.stepBlock] }
    var keys: String { strings[.stepKeys] }
    var atEnd: String { strings[.stepAtEnd] }
    var goPrompt: String { strings[.stepGoPrompt] }
    var warning: String { strings[.warningLabel] }
    var error: String { strings[.errorLabel] }
    var solutionOpen: String { strings[.stepSolutionOpen] }
    var solutionClose: String { strings[.stepSolutionClose] }
    func stepOf(_ index: Int, _ count: Int) -> String { strings(.stepOf, index, count) }
    func noBlock(_ typed: String, _ count: Int) -> String { strings(.stepNoBlock, typed, count) }
    func linesAbove(_ n: Int) -> String { strings(.stepLinesAbove, n) }

    /// The words of the report's language (`Report.language`: front matter `lang`, else the folder).
    static func of(_ report: Report) -> StepWords { StepWords(strings: Strings(report.language)) }
}

/// The screens of a step-through: for each step (a block), one screen per revealed sub-step,
/// each showing the prose just before the step (styled, solutions hidden unless teacher), the
/// step's header and source and its sub-steps so far, tables fitted to the width.
enum StepFrames {
    struct Frame {
        /// The step's 1-based number among the steps shown (0 for a lesson without steps).
        var block: Int
        /// How many sub-steps are shown (0: the header only).
        var sub: Int
        var screen: String
    }

    /// How many steps a step-through shows (the steps not left out whole).
    static func shownStepCount(_ report: Report) -> Int { report.steps.count { !$0.isHiddenEntirely } }

    /// The report with every solution region removed: from its prose (the region a prose
    /// block starts inside included), its steps (a region may hold the teacher's own working)
    /// and what those steps made (`StudentView.withoutSolutionSteps`).
    static func withoutSolutions(_ report: Report) -> Report {
        var r = StudentView.withoutSolutionSteps(report)
        r.blocks = r.blocks.map { block in
            guard case .prose(var p) = block, p.hasSolution else { return block }
            p.markdown = p.handoutMarkdown
            p.startsInSolution = false
            return .prose(p)
        }
        return r
    }

    static func prose(_ markdown: String, renderer: TerminalRenderer, teacher: Bool) -> String {
        var text = markdown
        if teacher {
            let words = StepWords(strings: Strings(renderer.language))
            text = text.replacing( Solutions.open, with: words.solutionOpen)
                .replacing( Solutions.close, with: words.solutionClose)
        }
        return renderer.prose(text)
    }

    /// Lesson text with its control characters made visible, piece by piece as a frame is
    /// built: the session draws frames on the terminal as they are (the renderer's own colour
    /// is kept).
    static func safe(_ screen: String) -> String { ControlCharacters.neutralized(screen, keepingSGR: true) }

    static func make(_ report: Report, renderer: TerminalRenderer, width: Int?, teacher: Bool) -> [Frame] {
        let words = StepWords.of(report)
        var renderer = renderer
        renderer.language = report.language
        var frames: [Frame] = []
        var prose = ""
        // Steps are numbered as shown: a step left out (hide=all, a solution's working) takes
        // no number, so "step 2 of 2" and "g 2" mean the second step on screen.
        let total = shownStepCount(report)
        var number = 0
        for block in report.blocks {
            switch block {
            case .prose(let p):
                let styled = Self.prose(p.markdown, renderer: renderer, teacher: teacher)
                prose = prose.isEmpty ? safe(styled) : prose + "\n\n" + safe(styled)
            case .step(let step) where step.isHiddenEntirely:
                continue  // hide=all: the prose around it runs on to the next step
            case .step(let step):
                number += 1
                var screen = (prose.isEmpty ? "" : prose + "\n\n")
                screen += safe(renderer.cyan("── \(words.stepOf(number, total)) · \(step.block.info.trimmingWhitespace())")) + "\n"
                if step.showsSource { screen += safe(step.block.bodyText) + "\n" }
                if let hidden = step.hidden { screen += renderer.dim(hidden.note(report.language)) + "\n" }
                frames.append(Frame(block: number, sub: 0, screen: screen))
                for (i, value) in step.values.enumerated() {
                    screen += safe(renderer.renderValue(value, width: width))
                    frames.append(Frame(block: number, sub: i + 1, screen: screen))
                }
                var tail = ""
                for w in step.warnings { tail += words.warning + Phrasebook.message(w, report.language) + "\n" }
                if let e = step.error {
                    tail += renderer.red(words.error) + "\(report.lessonPath):\(e.line):\(e.column): \(Phrasebook.message(e.message, report.language))\n"
                }
                if !tail.isEmpty {
                    screen += "\n" + safe(tail)
                    frames.append(Frame(block: number, sub: step.values.count + 1, screen: screen))
                }
                prose = ""
            }
        }
        if !prose.isEmpty {
            // Prose after the last step: one more screen.
            frames.append(Frame(block: total, sub: Int.max, screen: prose + "\n"))
        }
        if frames.isEmpty { frames.append(Frame(block: 0, sub: 0, screen: safe(renderer.render(report)))) }
        return frames
    }

    /// Without a terminal: the title, each block's last frame in order, the errors and the summary.
    static func everything(_ report: Report, renderer: TerminalRenderer, teacher: Bool) -> String {
        let frames = make(report, renderer: renderer, width: nil, teacher: teacher)
        var out = safe(report.title + "\n" + report.lessonPath) + "\n\n"
        for (i, frame) in frames.enumerated() where i == frames.count - 1 || frames[i + 1].block != frame.block || frames[i + 1].sub == Int.max {
            out += frame.screen + "\n"
        }
        let words = StepWords.of(report)
        for d in report.diagnostics {
            out += words.error + "\(report.lessonPath):\(d.line):\(d.column): \(Phrasebook.message(d.message, report.language))\n"
        }
        return out + renderer.summary(report) + "\n"
    }
}
