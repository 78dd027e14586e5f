extension Phrasebook {
    /// The Korean of exercises, answers and the checks of StepmarkGrade.
    /// (English pattern, Korean template) pairs, matched whole where they can be (`^…$`),
    /// applied before the shared fragments.
    static let gradeErrorPhrases: [(String, String)] = [
    ]
}
