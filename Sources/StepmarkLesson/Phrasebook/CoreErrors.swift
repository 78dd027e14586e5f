extension Phrasebook {
    /// The Korean of StepmarkCore's errors (TensorError and the kernels, tokenizers, models and readers), as they reach a lesson's report.
    /// (English pattern, Korean template) pairs, matched whole where they can be (`^…$`),
    /// applied before the shared fragments.
    static let coreErrorPhrases: [(String, String)] = [
    ]
}
