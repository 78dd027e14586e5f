extension Phrasebook {
    /// The Korean of the lesson's own errors: parsing, fences, info strings, front matter, course.yml, TeX, expressions, indexing, limits, lookups and the runner.
    /// (English pattern, Korean template) pairs, matched whole where they can be (`^…$`),
    /// applied before the shared fragments.
    static let lessonErrorPhrases: [(String, String)] = [
    ]
}
