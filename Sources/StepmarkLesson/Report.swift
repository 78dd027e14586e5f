import StepmarkCore

/// A value a step recorded, with the formula that produced it.
public struct NamedValue: Sendable, Equatable {
    /// What a recorded value is charged against the lesson's total: the value's own charge
    /// (`Value.lessonCharge`) and, past 256 bytes, its formula as text (a formula quoting the
    /// lesson's words is as long as they are).
    public static func lessonCharge(_ value: Value, name: String, formula: String?) -> Int {
        value.lessonCharge + max(0, name.utf8.count + (formula?.utf8.count ?? 0) - 256) / 8
    }

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
    /// The lesson's language, which `typeset` translates the formula into.
    public var language: LessonLanguage
    /// A structure set by hand (`typeset = …`), which then replaces the one read from `formula`.
    private var typesetOverride: Formula?? = nil
    /// The formula read into its structure, in `language` (a long one that repeats its source
    /// shortened to its shape): what the HTML typesets. Nil when there is no formula to show.
    /// Read when asked, not when the value is recorded: only the HTML asks, and reading every
    /// formula of a lesson was an eighth of `stepmark run`'s time (issue 13).
    public var typeset: Formula? {
        get {
            if let typesetOverride { return typesetOverride }
            guard let f = formula, !f.isEmpty, f != name else { return nil }
            return Formula.memo.value(for: formulaRepeatsSource ? Formula.shortened(f) : Phrasebook.formula(f, language)) {
                Formula(parsing: $0)
            }
        }
        set { typesetOverride = .some(newValue) }
    }
    public init(name: String, value: Value, formula: String? = nil, precision: Int = 4,
                role: ValueRole = .plain, formulaRepeatsSource: Bool = false, language: LessonLanguage = .english) {
        self.name = name
        self.value = value
        self.formula = formula
        self.precision = precision
        self.role = role
        self.formulaRepeatsSource = formulaRepeatsSource
        self.language = language
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
    /// When students see the exercise's result (Gradescope's test visibility).
    public var visibility: ExerciseVisibility = .visible
    /// Gradescope's test tags, in the order written.
    public var tags: [String] = []

    public init(id: String, points: Double, tolerance: Double, check: String?, partial: Bool, position: SourcePosition,
                visibility: ExerciseVisibility = .visible, tags: [String] = []) {
        self.id = id
        self.points = points
        self.tolerance = tolerance
        self.check = check
        self.partial = partial
        self.position = position
        self.visibility = visibility
        self.tags = tags
    }
}

/// When a student sees an exercise's result, with Gradescope's names: `hidden` is graded but
/// never shown, `after_due_date` and `after_published` are shown once the due date has passed
/// or the grades are published. Scores count in every case.
public enum ExerciseVisibility: String, Sendable, CaseIterable {
    case visible
    case hidden
    case afterDueDate = "after_due_date"
    case afterPublished = "after_published"
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
    /// The author's `hide=`: what of this step stays out of every rendering.
    public var hide: ReportHiding?
    /// With `hide=values` or `hide=all`, the values the step recorded, kept out of `values` (so
    /// no renderer, JSON or step-through shows them) but still there for the step's exercise.
    public var hiddenValues: [NamedValue] = []

    public var ok: Bool { error == nil }
    /// False with `hide=source` or `hide=all` (unless the step failed: its error needs its
    /// source): renderers leave the block's source out.
    public var showsSource: Bool { hide == nil || hide == .values || (hide == .all && !ok) }
    /// True with `hide=all` when the step succeeded: renderers leave the whole step out (a
    /// failed step still shows its error, with its source unless that is hidden too).
    public var isHiddenEntirely: Bool { hide == .all && ok }

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

    /// A recorded value by name, whether shown or kept out by `hide=`: the last one, what the name
    /// holds after the step (a `let` may assign a name twice; `check=x` grades the final `x`, as
    /// the notebook's `step_values[name]` does).
    public func value(named name: String) -> NamedValue? {
        values.last { $0.name == name } ?? hiddenValues.last { $0.name == name }
    }
}

/// The author's `hide=` on any directive (SPEC §8), as in Quarto's `echo: false` /
/// `output: false` / `include: false`: the step still runs and defines its names.
public enum ReportHiding: String, Sendable, CaseIterable {
    /// The block's source is left out; its values are shown.
    case source
    /// The values are left out; the source is shown.
    case values
    /// Nothing of the step is shown (unless it fails).
    case all
}

/// Why the student view withholds a step's values (SPEC §4: nothing derived from an exercise
/// is shown before the answers are published).
public enum HiddenValues: Sendable, Equatable {
    /// The step is an exercise: students see its source and inputs, not what it computes.
    case exercise(id: String)
    /// The step reads values an exercise step made (directly or through other hidden steps).
    case derived(from: [String])
    /// The step reads values a step inside a teacher-only solution region made.
    case fromSolution(from: [String])

    /// The note a handout shows in place of the values.
    public var note: String { note(.english) }
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
    /// From the exercise's spec: when students see this result, and its Gradescope tags.
    public var visibility: ExerciseVisibility = .visible
    public var tags: [String] = []
    public init(id: String, points: Double, score: Double, passed: Bool, feedback: String) {
        self.id = id
        self.points = points
        self.score = score
        self.passed = passed
        self.feedback = feedback
    }
    /// A result for the exercise `spec`, carrying its id, points, visibility and tags.
    public init(spec: ExerciseSpec, score: Double, passed: Bool, feedback: String) {
        self.init(id: spec.id, points: spec.points, score: score, passed: passed, feedback: feedback)
        visibility = spec.visibility
        tags = spec.tags
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
    /// See `Lesson.hasLevelOneHeading`.
    public var hasLevelOneHeading = false
    /// See `Lesson.solutionLines`.
    public var solutionLines: [ClosedRange<Int>] = []
    /// See `Lesson.unblankableAnswerLines`.
    public var unblankableAnswerLines: [Int] = []
    /// See `Lesson.extraAnswers`.
    public var extraAnswers: [AnswerBlock] = []
    /// See `Lesson.looseDefinitions`.
    public var looseDefinitions: [String] = []
    /// See `Lesson.handoutLooseDefinitions`.
    public var handoutLooseDefinitions: [String] = []
    /// See `Lesson.markerProblemLines`.
    public var markerProblemLines: [Int] = []

    /// The front matter's title block when the lesson has no `# heading` of its own: title,
    /// subtitle, authors and date, as Quarto shows them; nil otherwise.
    public var titleBlock: (title: String, subtitle: String?, authors: [String], date: String?)? {
        guard !hasLevelOneHeading, let fm = frontMatter, let title = fm.title, !title.isEmpty else { return nil }
        return (title, fm.subtitle, fm.authors.filter { !$0.isEmpty }, fm.date)
    }
    /// True for an assignment (see `Lesson.isAssignment`).
    public var isAssignment: Bool { frontMatter?.variant != nil }

    public var steps: [Step] { blocks.compactMap { if case .step(let s) = $0 { return s } else { return nil } } }

    /// Every error with its position: the diagnostics and each failed step's error.
    public var errors: [LessonError] {
        (diagnostics + steps.compactMap(\.error)).sorted { $0.position < $1.position }
    }

    public var ok: Bool { errors.isEmpty }
}
