import StepmarkCore

/// `project`: the table's vectors flattened to 2-D by PCA, to draw them on a page.
enum ProjectDirective: Directive {
    static let name = "project"
    static let summary = "project the table's vectors to 2-D with PCA, and how much variance each axis keeps"
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("table", "E", "the embedding table"),
        ArgumentSpec("method", "pca", "pca (the only method)", choices: ["pca"]),
    ]
    static let subSteps = "points (2-D coordinates, rows labelled by token, columns PC1, PC2), explained (the fraction of variance on PC1, PC2)"
    static let example = """
        ```embeddings
        고양이: [0.9, 0.8, 0.1]
        개: [0.8, 0.9, 0.2]
        자동차: [0.1, 0.2, 0.9]
        ```

        ```project
        ```
        """

    static func run(_ context: StepContext) throws {
        let args = context.args
        _ = try args.choice("method", ["pca"], default: "pca")
        if let line = meaningfulLines(context.block.body).first {
            throw LessonError("project takes no body; name the table with table=", at: line.position)
        }
        let table = try embeddingTable(context)
        let result: PCAResult
        do {
            result = try Embeddings.pca(table, deadline: context.timeLimit)
        } catch let e as TensorError {
            throw LessonError(e.message, at: args.has("table") ? args.position(of: "table") : context.block.infoPosition)
        }
        try context.record("points", result.points, formula: "points = (X − mean) · [PC1 PC2], the principal axes of the centred table (each axis's largest entry made positive)", role: .scatter)
        try context.record("explained", result.explainedVarianceRatio, formula: "explained = σₖ² / Σ σ², the share of the total variance each axis keeps")
        if result.singularValues.data[1] == 0 {
            context.warn("the vectors vary along only one direction, so PC2 is 0 for every point")
        }
        context.setResult(.tensor(result.points), recorded: "points", storeAs: nil)
    }
}
