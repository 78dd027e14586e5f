extension Phrasebook {
    /// The Korean of the directives' errors (Sources/StepmarkLesson/Directives).
    /// (English pattern, Korean template) pairs, matched whole where they can be (`^…$`),
    /// applied before the shared fragments.
    static let directiveErrorPhrases: [(String, String)] = [
    ]
}
