import FoundationEssentials
import StepmarkCore

/// `align`: CLIP-style contrastive alignment of paired text and image features (SPEC §3).
///
/// Row i of the text features and row i of the image features are one pair. Both are projected
/// into a shared width d (`text·wt`, `image·wi`), every row is scaled to length 1, and the
/// logits are the cosines of every text with every image over the temperature.
///
/// Sub-steps, in order:
/// - `text_proj`, `image_proj`, `logits`, `probs`, `loss`: the forward pass with the weights the
///   step starts from (before any training);
/// - with `steps=N > 0`: `history` (step, loss; row k is the loss before update k + 1, the last
///   row the loss after training), the trained `wt` and `wi`, then `logits_after`, `probs_after`
///   and `loss_after`, the forward pass with the trained weights, so a lesson shows the
///   similarity matrix before and after training side by side.
///
/// Stores: the latest logits under `logits` (after training when `steps > 0`), and with
/// `steps > 0` the trained projections under the names given by `wt=`/`wi=` (default `wt`,
/// `wi`), so later steps use the trained model. Missing projections start as
/// `Alignment.defaultProjections` (the identity where the features already have width d,
/// Xavier-uniform from `seed` otherwise; d = wt's columns, else wi's, else the smaller width).
enum AlignDirective: Directive {
    static let name = "align"
    static let summary = "CLIP-style alignment: project text and images into one space, compare every pair, train with the symmetric InfoNCE loss"
    static let body = "empty (text=, image= and the projections come from names defined above)"
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("text", nil, "required: the text features, one row per pair (e.g. bag-of-words captions with label(…, rows=[…]))"),
        ArgumentSpec("image", nil, "required: the image features, one row per pair: a name (e.g. from image stack=[…]) or a list of picture names [cat, dog, …], flattened and stacked in that order"),
        ArgumentSpec("wt", nil, "the text projection d_t × d (default: identity when d_t = d, else Xavier from seed); trained values are stored back under this name (default wt)"),
        ArgumentSpec("wi", nil, "the image projection d_i × d (default: identity when d_i = d, else Xavier from seed); trained values are stored back under this name (default wi)"),
        ArgumentSpec("temperature", "0.07", "divides the cosines; smaller makes the softmax sharper"),
        ArgumentSpec("steps", "0", "gradient-descent updates of wt and wi"),
        ArgumentSpec("lr", "0.1", "learning rate"),
        ArgumentSpec("seed", "0", "SplitMix64 seed of the Xavier defaults for missing projections (wt drawn before wi)"),
    ]
    static let subSteps = "text_proj, image_proj (rows of length 1), logits (text_proj·image_projᵀ / T), probs (row softmax), loss (symmetric InfoNCE) — before training; with steps: history (step, loss), the trained wt and wi, logits_after, probs_after, loss_after"
    static let example = """
        ```let
        captions = label([[1, 0], [0, 1]], rows=["a cat", "a sun"], cols=["cat", "sun"])
        ```

        ```image name=cat
        @ @
        @@@
        ```

        ```image name=sun
        .@.
        @.@
        ```

        ```align text=captions image=[cat, sun] steps=20 seed=2
        ```
        """

    /// How many updates run between two looks at the wall clock.
    static let chunk = 250

    static func run(_ context: StepContext) throws {
        let args = context.args
        let block = context.block
        if let line = block.body.first(where: { !$0.text.trimmingWhitespace().isEmpty }) {
            throw LessonError("align takes no body: give text=NAME and image=NAME (or image=[cat, dog, …]) in the info string", at: line.position)
        }
        guard args.has("text") else {
            throw LessonError("align needs text=NAME: the text features, one row per caption", at: block.infoPosition)
        }
        guard args.has("image") else {
            throw LessonError("align needs image=NAME or image=[picture, …]: the image features, one row per picture", at: block.infoPosition)
        }

        // Text features.
        let (textName, text) = try context.tensor(argument: "text", .matrix) { "text= needs a matrix with one row of features per caption, but \($0) is \($1)" }!

        // Image features: a name, or a list of pictures to stack.
        let imageAt = args.position(of: "image")
        let image: Tensor
        let imageDescription: String
        if case .list = args.raw("image")! {
            let items = try ImageDirective.nameList(args, "image", info: block)
            var pictures: [(name: String, image: Tensor)] = []
            for item in items {
                pictures.append((item.name, try context.tensor(named: item.name, .vectorOrMatrix, at: item.position) {
                    "image=[…] lists pictures, but \(item.name) is \($0)"
                }))
            }
            do { image = try Pixels.stack(images: pictures) } catch let e as TensorError {
                throw LessonError(e.message, at: imageAt)
            }
            imageDescription = "[" + items.map(\.name).joined(separator: ", ") + "]"
        } else {
            let named = try context.tensor(argument: "image", .matrix) {
                "image= needs a matrix with one row of features per picture, but \($0) is \($1); list pictures as image=[cat, dog, …] to stack them"
            }!
            image = named.tensor
            imageDescription = named.name
        }
        guard text.rows == image.rows else {
            var message = "align needs one picture per caption: text \(textName) has \(text.rows) row\(text.rows == 1 ? "" : "s") (\(text.shapeDescription)) but image \(imageDescription) has \(image.rows) (\(image.shapeDescription))"
            if case .list = args.raw("image")! {} else {
                message += "; if \(imageDescription) is a single picture, list the pictures instead: image=[cat, dog, …]"
            }
            throw LessonError(message, at: imageAt)
        }

        // Numbers.
        let temperature = try args.positiveNumber("temperature", default: 0.07)
        let steps = try args.integer("steps", default: 0, in: 0...context.limits.maxSteps, limitFlag: "--max-steps")
        let lr = try args.positiveNumber("lr", default: 0.1)
        let seed = try args.integer("seed", default: 0, in: 0...Int.max)

        // Projections.
        func projection(_ key: String, features: Tensor, side: String) throws -> Tensor? {
            guard let (n, w) = try context.tensor(argument: key, .matrix, else: { "\(key)= needs a matrix (d_\(side) × d), but \($0) is \($1)" }) else { return nil }
            let at = args.position(of: key)
            guard w.rows == features.cols else {
                throw LessonError("shape mismatch: \(key)=\(n) is \(w.shapeDescription) but the \(side == "t" ? "text" : "image") features have \(features.cols) columns, so \(key) needs \(features.cols) rows", at: at)
            }
            return w
        }
        let givenWt = try projection("wt", features: text, side: "t")
        let givenWi = try projection("wi", features: image, side: "i")
        if let givenWt, let givenWi, givenWt.cols != givenWi.cols {
            throw LessonError("shape mismatch: wt is \(givenWt.shapeDescription) and wi is \(givenWi.shapeDescription); both must project to the same width d", at: args.position(of: "wi"))
        }
        let (wt, wi) = Alignment.defaultProjections(textDim: text.cols, imageDim: image.cols, wt: givenWt, wi: givenWi,
                                                    seed: UInt64(seed))
        let wtName = try args.name("wt", default: "wt")!
        let wiName = try args.name("wi", default: "wi")!

        // Every caption against every picture: n × n logits and probabilities, checked before
        // they are made (20,000 pairs asked for 3.2 GB).
        let (pairs, overflow) = text.rows.multipliedReportingOverflow(by: image.rows)
        if overflow || pairs > context.limits.maxEntries {
            throw LessonError("align compares every caption with every picture: \(text.rows)×\(image.rows) logits would have \(overflow ? "too many" : String(pairs)) entries, over the limit of \(context.limits.maxEntries) (raise it with --max-entries)", at: context.block.infoPosition)
        }

        // Forward pass with the starting weights.
        // A TensorError here is reported at the info string by the runner.
        let before = try Alignment.forward(text: text, image: image, wt: wt, wi: wi, temperature: temperature)
        let t = Runner.format(temperature)
        try context.record("text_proj", before.textProj, formula: "text_proj = rows of \(textName)·\(wtName) scaled to length 1")
        try context.record("image_proj", before.imageProj, formula: "image_proj = rows of \(imageDescription)·\(wiName) scaled to length 1")
        try context.record("logits", before.logits, formula: "logits = text_proj·image_projᵀ / \(t) (cosine of caption i and picture j, over T)")
        try context.record("probs", before.probs, formula: "probs = softmax of each row of logits (for each caption, which picture)", role: .distribution)
        try context.record("loss", .scalar(before.loss), formula: "loss = ½ (mean −log probs[i, i] over rows + the same over columns)")
        guard steps > 0 else {
            context.setResult(.tensor(before.logits), recorded: "logits", storeAs: "logits")
            return
        }

        // Training, a chunk at a time so the wall-clock limit is honoured.
        var trainedWt = wt, trainedWi = wi
        var history: [Double] = []
        var done = 0
        var final = before
        while done < steps {
            try context.checkDeadline()
            let n = min(chunk, steps - done)
            let training: AlignmentTraining
            do {
                training = try Alignment.train(text: text, image: image, wt: trainedWt, wi: trainedWi,
                                               temperature: temperature, steps: n, lr: lr, checkpoint: context.checkDeadline)
            } catch let e as TensorError {
                var message = e.message
                if done > 0, let m = message.firstMatch(of: /^training diverged after (\d+) steps?: (.*)$/), let k = Int(m.1) {
                    message = "training diverged after \(done + k) steps: \(m.2)"
                }
                throw LessonError(message, at: args.has("lr") ? args.position(of: "lr") : block.infoPosition)
            }
            let h = training.history
            // Row 0 of a later chunk repeats the last row of the one before.
            for r in (done == 0 ? 0 : 1)..<h.rows {
                history += [h[r, 0] + Double(done), h[r, 1]]
            }
            trainedWt = training.wt
            trainedWi = training.wi
            final = training.final
            done += n
        }
        try context.record("history", Tensor(shape: [steps + 1, 2], data: history, colLabels: ["step", "loss"]),
                           formula: "history: the loss before each update, \(wtName) ← \(wtName) − \(Runner.format(lr))·∂loss/∂\(wtName) (and \(wiName) alike)",
                           role: .curve(x: "step", y: "loss"))
        try context.record("wt", trainedWt, formula: "wt after \(steps) step\(steps == 1 ? "" : "s") (stored as \(wtName))")
        try context.record("wi", trainedWi, formula: "wi after \(steps) step\(steps == 1 ? "" : "s") (stored as \(wiName))")
        try context.record("logits_after", final.logits, formula: "logits_after = the logits with the trained wt and wi")
        try context.record("probs_after", final.probs, formula: "probs_after = softmax of each row of logits_after", role: .distribution)
        try context.record("loss_after", .scalar(final.loss), formula: "loss_after = the loss with the trained wt and wi")
        context.define(wtName, .tensor(trainedWt))
        context.define(wiName, .tensor(trainedWi))
        context.setResult(.tensor(final.logits), recorded: "logits_after", storeAs: "logits")
    }
}
