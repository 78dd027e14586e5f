import StepmarkCore

/// A value a step recorded, with the formula that produced it.
public struct NamedValue: Sendable, Equatable {
    public var name: String
    public var value: Value
    /// How the value was computed, in plain Unicode: `weights = softmax(scaled)`.
    public var formula: String?
    /// Digits shown after the decimal point.
    public var precision: Int
    /// What the value means, for the renderers: a distribution, an attention matrix, a curve …
    public var role: ValueRole
    /// True when the formula only repeats the lesson's own source line (a `let` assignment):
    /// renderers may leave a long one out, since the source is shown above it.
    public var formulaRepeatsSource: Bool
    public init(name: String, value: Value, formula: String? = nil, precision: Int = 4,
                role: ValueRole = .plain, formulaRepeatsSource: Bool = false) {
        self.name = name
        self.value = value
        self.formula = formula
        self.precision = precision
        self.role = role
        self.formulaRepeatsSource = formulaRepeatsSource
    }
}

/// What an `exercise=` argument asks for.
public struct ExerciseSpec: Sendable, Equatable {
    public var id: String
    public var points: Double
    public var tolerance: Double
    /// The sub-step value checked; nil means the step's result.
    public var check: String?
    public var partial: Bool
    public var position: SourcePosition
}

/// One directive block after it ran.
public struct Step: Sendable {
    /// 1-based, in file order.
    public var index: Int
    public var directive: String
    public var position: SourcePosition
    /// The info string's arguments, in the order written.
    public var arguments: [InfoArgument]
    /// Positional words of the info string (an answer's id).
    public var positional: [String]
    public var values: [NamedValue]
    public var error: LessonError?
    /// Notes that do not fail the step (a diverging loss, a truncated table).
    public var warnings: [String]
    /// The name of the recorded value that is the step's result, if any.
    public var resultName: String?
    public var result: Value?
    public var exercise: ExerciseSpec?
    public var block: DirectiveBlock
    /// Set for an `answer` block: its literal, parsed once when the lesson was read.
    public var answer: AnswerBlock?
    /// The environment names the step read, and those it defined (its stored results and
    /// `as=`), in order: what the student view follows to hide everything derived from an
    /// exercise.
    public var reads: [String] = []
    public var defines: [String] = []
    /// Set by the student view when the step's values are withheld from students.
    public var hidden: HiddenValues?

    public var ok: Bool { error == nil }

    /// A step that has not run yet: no values, no error.
    public init(index: Int, block: DirectiveBlock) {
        self.index = index
        self.directive = block.name
        self.position = block.position
        self.arguments = []
        self.positional = []
        self.values = []
        self.error = nil
        self.warnings = []
        self.resultName = nil
        self.result = nil
        self.exercise = nil
        self.block = block
        self.answer = nil
    }

    public func value(named name: String) -> NamedValue? { values.first { $0.name == name } }
}

/// Why the student view withholds a step's values (SPEC §4: nothing derived from an exercise
/// is shown before the answers are published).
public enum HiddenValues: Sendable, Equatable {
    /// The step is an exercise: students see its source and inputs, not what it computes.
    case exercise(id: String)
    /// The step reads values an exercise step made (directly or through other hidden steps).
    case derived(from: [String])

    /// The note a handout shows in place of the values.
    public var note: String {
        switch self {
        case .exercise(let id):
            return "The values of exercise \(id) are hidden until the answers are published."
        case .derived(let names):
            return "Hidden until the answers are published: this step uses \(names.joined(separator: ", ")), computed from an exercise."
        }
    }
}

/// A part of a report in file order: prose, or a step.
public enum ReportBlock: Sendable {
    case prose(ProseBlock)
    case step(Step)
}

/// An exercise's outcome, filled in by the grader; nil fields mean "not graded".
public struct ExerciseResult: Sendable, Equatable {
    public var id: String
    public var points: Double
    public var score: Double
    public var passed: Bool
    public var feedback: String
    public init(id: String, points: Double, score: Double, passed: Bool, feedback: String) {
        self.id = id
        self.points = points
        self.score = score
        self.passed = passed
        self.feedback = feedback
    }
}

/// Everything a lesson run produced: plain data for the renderers.
public struct Report: Sendable {
    public var lessonPath: String
    public var title: String
    public var blocks: [ReportBlock]
    /// Problems outside any one step (an unclosed fence, the time limit).
    public var diagnostics: [LessonError]
    /// Positioned notes outside any step that do not fail the lesson (a misspelt directive
    /// name on a fence, which is then shown as code); not counted in `errors` or `ok`.
    public var warnings: [LessonError] = []
    public var exercises: [ExerciseResult]
    /// True once `StudentView.apply` has made this a handout (answers blanked, values hidden).
    public var isStudentView = false
    /// The lesson's front matter, when it has one.
    public var frontMatter: FrontMatter? = nil
    /// True for an assignment (see `Lesson.isAssignment`).
    public var isAssignment: Bool { frontMatter?.variant != nil }

    public var steps: [Step] { blocks.compactMap { if case .step(let s) = $0 { return s } else { return nil } } }

    /// Every error with its position: the diagnostics and each failed step's error.
    public var errors: [LessonError] {
        (diagnostics + steps.compactMap(\.error)).sorted { $0.position < $1.position }
    }

    public var ok: Bool { errors.isEmpty }
}
