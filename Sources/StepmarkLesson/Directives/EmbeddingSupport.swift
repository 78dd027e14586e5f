import StepmarkCore

/// The embedding table stored under `name`: a matrix whose rows are labelled by tokens, as the
/// `embeddings` directive makes it (or a `let` with `label(M, rows=[…])`).
///
/// - Throws: a `LessonError` at `position` when the name is undefined (with a "did you mean"),
///   when the value is not a matrix, when its rows carry no token labels, or when the labels
///   do not make a valid table (a repeated token, a non-finite entry).
func embeddingTable(named name: String, in context: StepContext, at position: SourcePosition) throws -> EmbeddingTable {
    let value = try context.environment.lookup(name, at: position)
    guard case .tensor(let t) = value, t.isMatrix else {
        throw LessonError("'\(name)' must be an embedding table (a matrix with one labelled row per token), but it is \(value.summary)", at: position)
    }
    guard let labels = t.rowLabels, labels.count == t.rows else {
        throw LessonError("'\(name)' is a \(t.rows)×\(t.cols) matrix without token labels on its rows; make it with an embeddings block, or label it: label(\(name), rows=[\"…\", …])", at: position)
    }
    do {
        return try EmbeddingTable(tokens: labels, matrix: t)
    } catch let e as TensorError {
        throw LessonError("'\(name)' is not a usable embedding table: \(e.message)", at: position)
    }
}

/// The table named by the directive's `table=` argument (default `E`), reported at that
/// argument (or at the info string when it was not written).
func embeddingTable(_ context: StepContext, key: String = "table", default defaultName: String = "E") throws -> EmbeddingTable {
    let name = try context.args.name(key, default: defaultName)!
    let at = context.args.has(key) ? context.args.position(of: key) : context.block.infoPosition
    return try embeddingTable(named: name, in: context, at: at)
}
