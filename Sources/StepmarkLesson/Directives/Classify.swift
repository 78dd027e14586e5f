import StepmarkCore

/// `classify`: a sentiment (or any text) classifier on sentence vectors — softmax regression
/// trained by gradient descent, then tested on held-out sentences.
///
/// Each body line is `LABEL: sentence`; the lines after a `---` line are held out: the
/// classifier never trains on them, and `accuracy` is measured on them. Each sentence becomes
/// one vector by mean pooling over the embedding table (as `embed pool=mean`). Then
///
///     scores = X·W + b,   P = softmax(scores),   loss = −mean log P[i, label_i]
///     W ← W − lr·Xᵀ(P − Y)/n,   b ← b − lr·mean(P − Y)      (from W = 0, b = 0)
///
/// The classes are the training labels in order of first appearance. The trained weights are
/// stored under `weights=` and `bias=`, so a lesson can score a new sentence by hand.
enum ClassifyDirective: Directive {
    static let name = "classify"
    /// Runs a pretrained encoder over every example: tens of milliseconds, where most blocks take microseconds.
    static let schedulingWeight = 1000
    static let summary = "train a softmax-regression classifier on sentence vectors and test it on held-out sentences"
    static let body = "`LABEL: sentence` lines; the lines after a `---` line are held out for testing"
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("table", "E", "the embedding table (from an embeddings block); each sentence is the mean of its words' vectors"),
        ArgumentSpec("model", nil, "a pretrained model (from a model block) instead of a table: each sentence is its sentence vector"),
        ArgumentSpec("lr", "1", "the learning rate, a positive number"),
        ArgumentSpec("epochs", "100", "the number of full-batch gradient-descent updates"),
        ArgumentSpec("weights", "W_cls", "the name the trained weight matrix (vector size × classes) is stored under"),
        ArgumentSpec("bias", "b_cls", "the name the trained bias (one per class) is stored under"),
    ]
    static let subSteps = "classes, vectors (one mean-pooled sentence vector per training sentence), history (epoch, loss, accuracy), W, b; with held-out lines: test_vectors, scores, probs, predictions (sentence, predicted, true), accuracy"
    static let example = """
        ```embeddings
        good: [1.0, 0.0]
        bad:  [0.0, 1.0]
        film: [0.2, 0.2]
        ```

        ```classify lr=1 epochs=50
        positive: good film
        negative: bad film
        ---
        positive: good
        ```
        """

    /// One `LABEL: sentence` line, with where it starts.
    struct Example {
        var label: String
        var sentence: String
        /// Where the sentence starts (errors about its words) and where the label starts.
        var position: SourcePosition
        var labelPosition: SourcePosition
    }

    static func run(_ context: StepContext) throws {
        let args = context.args
        if args.has("model") && args.has("table") {
            throw LessonError("give either table= (word vectors, mean-pooled) or model= (a pretrained encoder's sentence vectors), not both", at: args.position(of: "model"))
        }
        let source: SentenceVectors = args.has("model")
            ? .model
            : .table(try embeddingTable(context), name: try args.name("table", default: "E")!)
        let lr = try args.positiveNumber("lr", default: 1, why: "the size of each step downhill")
        let epochs = try args.integer("epochs", default: 100, in: 1...context.limits.maxSteps, limitFlag: "--max-steps")
        let weightsName = try args.name("weights", default: "W_cls")!
        let biasName = try args.name("bias", default: "b_cls")!

        let (training, heldOut) = try examples(context)
        var classes: [String] = []
        for e in training where !classes.contains(e.label) { classes.append(e.label) }
        guard classes.count >= 2 else {
            throw LessonError("a classifier needs examples of at least two classes; every training line is labelled '\(classes.first ?? "")'", at: training[0].labelPosition)
        }
        for e in heldOut where !classes.contains(e.label) {
            throw LessonError("the held-out label '\(e.label)' never occurs in the training lines (the classes are \(classes.joined(separator: ", ")))\(didYouMean(e.label, among: classes))", at: e.labelPosition)
        }
        let size = (training.count + heldOut.count) * source.dimension(context)
        guard size <= context.limits.maxEntries else {
            throw LessonError("the sentence vectors would have \(size) entries, over the limit of \(context.limits.maxEntries) (raise it with --max-entries)", at: context.block.infoPosition)
        }
        let trainVectors = try vectors(training, from: source, context)
        let labels = training.map { classes.firstIndex(of: $0.label)! }
        try context.checkDeadline()
        let run: ClassifierTraining
        do {
            run = try SoftmaxRegression.train(x: trainVectors, labels: labels, classes: classes.count, classNames: classes,
                                              lr: lr, epochs: epochs, checkpoint: context.checkDeadline)
        } catch let e as TensorError {
            throw LessonError(e.message, at: args.has("lr") ? args.position(of: "lr") : context.block.infoPosition)
        }

        let lrText = Runner.format(lr)
        try context.record("classes", .tokens(TokenList(classes)), formula: "the training labels, in order of first appearance")
        try context.record("vectors", trainVectors, formula: source.formula("training"))
        var history: [Double] = []
        history.reserveCapacity(run.loss.count * 3)
        for (k, (loss, accuracy)) in zip(run.loss, run.accuracy).enumerated() { history += [Double(k), loss, accuracy] }
        try context.record("history", Tensor.matrix(rows: run.loss.count, cols: 3, data: history, colLabels: ["epoch", "loss", "accuracy"]),
                           formula: "row k: before update k+1, loss = −mean log softmax(X·W + b)[label] and the training accuracy; W ← W − \(lrText)·Xᵀ(P − Y)/n, b ← b − \(lrText)·mean(P − Y)",
                           role: .curve(x: "epoch", y: "loss"))
        try context.record("W", run.weights, formula: "W after \(epochs) update\(epochs == 1 ? "" : "s") (one column per class)")
        try context.record("b", run.bias, formula: "b after \(epochs) update\(epochs == 1 ? "" : "s")")
        context.define(weightsName, .tensor(run.weights))
        context.define(biasName, .tensor(run.bias))

        guard !heldOut.isEmpty else {
            context.setResult(.tensor(run.weights), recorded: "W", storeAs: nil)
            return
        }
        let testVectors = try vectors(heldOut, from: source, context)
        let scores = try SoftmaxRegression.scores(testVectors, weights: run.weights, bias: run.bias)
        let probs = try Softmax.rows(scores).output
        let predicted = SoftmaxRegression.predictions(scores)
        let truth = heldOut.map { classes.firstIndex(of: $0.label)! }
        let right = zip(predicted, truth).filter { $0 == $1 }.count
        let accuracy = Double(right) / Double(heldOut.count)
        try context.record("test_vectors", testVectors, formula: source.formula("held-out"))
        try context.record("scores", scores, formula: "scores = test_vectors·W + b (one score per class)")
        try context.record("probs", probs, formula: "probs = softmax(scores), row by row", role: .distribution)
        let rows: [[Table.Cell]] = zip(heldOut, zip(predicted, truth)).map { e, pt in
            [.text(e.sentence), .text(classes[pt.0]), .text(classes[pt.1]), .text(pt.0 == pt.1 ? "✓" : "✗")]
        }
        try context.record("predictions", .table(Table(columns: ["sentence", "predicted", "true", "right"], rows: rows)),
                           formula: "predicted = the class with the largest score")
        try context.record("accuracy", Tensor.scalar(accuracy), formula: "accuracy = \(right) right / \(heldOut.count) held-out sentences")
        context.setResult(.tensor(.scalar(accuracy)), recorded: "accuracy", storeAs: nil)
    }

    /// The training and held-out lines of the body.
    static func examples(_ context: StepContext) throws -> (training: [Example], heldOut: [Example]) {
        var training: [Example] = [], heldOut: [Example] = []
        var seenSeparator = false
        for line in meaningfulLines(context.block.body) {
            let text = line.text.trimmingWhitespace()
            if text == "---" {
                guard !seenSeparator else {
                    throw LessonError("a second '---' line: the lines after the first one are all held out", at: line.position)
                }
                seenSeparator = true
                continue
            }
            guard let colon = line.text.firstIndex(of: ":") else {
                throw LessonError("each line is `LABEL: sentence`, like `positive: a good film`; this one has no ':'", at: line.position)
            }
            let label = String(line.text[..<colon]).trimmingWhitespace()
            let sentence = String(line.text[line.text.index(after: colon)...]).trimmingWhitespace()
            let labelOffset = line.text.distance(from: line.text.startIndex, to: line.text.firstIndex { !$0.isWhitespace }!)
            guard !label.isEmpty else { throw LessonError("the label before ':' is empty", at: line.position(at: labelOffset)) }
            guard !sentence.isEmpty else {
                throw LessonError("the sentence after '\(label):' is empty", at: line.position(at: line.text.distance(from: line.text.startIndex, to: colon)))
            }
            let sentenceOffset = line.text.distance(from: line.text.startIndex, to: line.text.index(after: colon))
                + (String(line.text[line.text.index(after: colon)...]).prefix { $0.isWhitespace }.count)
            let example = Example(label: label, sentence: sentence, position: line.position(at: sentenceOffset),
                                  labelPosition: line.position(at: labelOffset))
            if seenSeparator { heldOut.append(example) } else { training.append(example) }
        }
        guard !training.isEmpty else {
            throw LessonError("classify needs training lines `LABEL: sentence` in its body\(seenSeparator ? " before the '---' line" : "")", at: context.block.infoPosition)
        }
        return (training, heldOut)
    }

    /// Where the sentence vectors come from.
    enum SentenceVectors {
        case table(EmbeddingTable, name: String)
        case model

        func dimension(_ context: StepContext) -> Int {
            switch self {
            case .table(let t, _): t.dimension
            case .model: (try? pretrainedModel(context).model.config.hiddenSize) ?? 0
            }
        }

        func formula(_ which: String) -> String {
            switch self {
            case .table: "row i = the mean of the word vectors of \(which) sentence i"
            case .model: "row i = the model's sentence vector of \(which) sentence i (mean pooling, unit length)"
            }
        }
    }

    /// One vector per sentence, labelled by the sentence: mean-pooled word vectors (an unknown
    /// word is an error at the word) or a pretrained model's sentence vectors.
    static func vectors(_ examples: [Example], from source: SentenceVectors, _ context: StepContext) throws -> Tensor {
        guard case .table(let table, let tableName) = source else {
            let rows = try modelQueryVectors(examples.map { ($0.sentence, $0.position) }, context).map(\.data)
            return Tensor.matrix(rows, rowLabels: examples.map(\.sentence))
        }
        var rows: [[Double]] = []
        for e in examples {
            let lineWords = words(of: e.sentence)
            for (word, offset) in lineWords where table.index(of: word) == nil {
                throw LessonError(unknownTokenMessage(word, table: table, tableName: tableName), at: SourcePosition(line: e.position.line, column: e.position.column + offset))
            }
            let steps = try Embeddings.embed(tokens: lineWords.map(\.word), table: table, pool: .mean)
            rows.append(steps.sentence.data)
        }
        return Tensor.matrix(rows, rowLabels: examples.map(\.sentence))
    }
}
