/// An `answer ID` block: a student's answer, which computes nothing. Its body is parsed once,
/// when the lesson is read, into one `AnswerLiteral` (or the positioned reason it could not be);
/// the runner, the grader, the assignment writer and the student view all use that one parse.
public struct AnswerBlock: Sendable, Equatable {
    /// The fenced block as written (source, positions, body lines).
    public var block: DirectiveBlock
    /// The body as a literal, or why it is not one (an empty answer, a name, three levels of
    /// brackets …), positioned in the lesson file.
    public var literal: Result<AnswerLiteral, LessonError>
    /// True when the body does not read because the block's closing fence is missing
    /// (`unclosed`): it took in what follows, perhaps another exercise's step.
    public private(set) var isLeftOpen = false

    /// Parses the body of `block` within `limits` (answers are never evaluated: see
    /// `AnswerParser`, linear in the size of the body).
    public init(_ block: DirectiveBlock, limits: Limits) {
        self.block = block
        do {
            literal = .success(try AnswerParser.literal(block.body, limits: limits, at: block.infoPosition))
        } catch let e as LessonError {
            let unclosed = Self.unclosed(block)
            isLeftOpen = unclosed != nil
            literal = .failure(unclosed ?? e)
        } catch {
            literal = .failure(LessonError("\(error)", at: block.infoPosition))
        }
    }

    /// The reason an answer that does not read is one whose closing fence was deleted: a line
    /// inside its body that opens a fence of the same kind, at least as long (the next step's
    /// opening line, which closes nothing), shows that the block took in the prose after the
    /// answer. Said instead of the parse error, which pointed at that prose ("unexpected
    /// '**Your'") and left the student looking there. A shorter fence or one of the other kind
    /// is the block's own text: it is closed.
    static func unclosed(_ block: DirectiveBlock) -> LessonError? {
        guard let opening = LessonParser.fenceOpening(block.source.prefix { $0 != "\n" }),
              let inside = block.body.first(where: { line in
                  LessonParser.fenceOpening(line.text[...]).map { $0.mark == opening.mark && $0.length >= opening.length } ?? false
              }) else { return nil }
        let fence = String(repeating: opening.mark, count: opening.length)
        return LessonError("this \(fence)answer block is not closed before line \(inside.position.line), so it takes in the text after the answer; put a line of \(fence) right after the answer", at: block.position)
    }

    /// The words after `answer` in the info string (the first is the exercise id), or nil when
    /// the info string does not parse.
    public var positional: [(text: String, position: SourcePosition)]? {
        (try? InfoString.parse(block.info, at: block.infoPosition))?.positional
    }

    /// The exercise this block answers, when it names one.
    public var id: String? { positional?.first?.text }
}
