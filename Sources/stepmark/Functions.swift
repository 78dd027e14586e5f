import ArgumentParser
import StepmarkLesson
import StepmarkRender

struct Functions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "functions",
        abstract: "List the expression functions with their signatures.",
        discussion: """
            Expressions (let blocks, directive bodies) also know + - * / (element-wise), @ (matrix \
            product), unary -, x.T, x.shape and 0-based indexing: X[i], X[i, j], X[:, j], X[a:b], \
            negative indices from the end.
            """
    )

    func run() throws {
        let width = ExpressionFunctions.all.map(\.signature.count).max() ?? 0
        for f in ExpressionFunctions.all {
            print(Format.pad(f.signature, to: width + 2, right: false) + f.summary)
        }
        print("\nIndexing (0-based, numpy style): X[i], X[i, j], X[:, j], X[a:b], X[a:b, c:d]; negative indices count from the end.")
        print("X.shape is a vector; X.T the transpose. axis=row gives one value per row, axis=col one per column.")
    }
}
