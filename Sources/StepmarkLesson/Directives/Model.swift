import FoundationEssentials
import StepmarkCore

/// `model`: loads a pretrained BERT encoder from a Hugging Face folder and stores it as a
/// handle (its weights are not a value: they never meet the value limit).
enum ModelDirective: Directive {
    static let name = "model"
    /// Maps and checks a model's weights: milliseconds, where most blocks take microseconds.
    static let schedulingWeight = 100
    static let summary = "load a pretrained BERT encoder (a Hugging Face folder) for transformer, sentences and tokenize method=bert"
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("from", nil, "a folder: \"path/to/folder\" (relative to the lesson), or a bare NAME under --model-dir, $STEPMARK_MODEL_DIR or .cache/models (make model fetches all-MiniLM-L6-v2)"),
        ArgumentSpec("name", "model", "the name later steps use with model="),
    ]
    static let subSteps = "config (table: key, value), tensors (table: name, dtype, shape), parameters (the number of weights)"
    static let example = """
        ```model from=all-MiniLM-L6-v2
        ```
        """

    static func run(_ context: StepContext) throws {
        let args = context.args
        guard let raw = args.raw("from") else {
            throw LessonError("model needs from= (a model folder, e.g. from=all-MiniLM-L6-v2 after `make model`)", at: context.block.infoPosition)
        }
        let at = args.position(of: "from")
        let folder: String
        switch raw {
        case .string(let path):
            folder = path.hasPrefix("/") ? path : FilePathText.join(context.baseDirectory, path)
        case .word(let w) where !w.contains("/") && w != "." && w != "..":
            let directories = modelDirectories(lessonFolder: context.baseDirectory, given: context.limits.modelDirectory)
            let candidates = directories.map { FilePathText.join($0, w) }
            guard let hit = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                throw missingModel(w, in: directories, at: at)
            }
            folder = hit
        default:
            throw LessonError("from= expects a model name (like all-MiniLM-L6-v2) or a quoted folder path, got \(raw.description.quotable)", at: at)
        }
        var isFolder = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder else {
            let written: String
            if case .string(let path) = raw, !path.hasPrefix("/") { written = "'\(path.quotable)' (relative to the lesson)" } else { written = folder }
            throw LessonError("the model folder \(written) does not exist or is not a folder; run `make model` to fetch all-MiniLM-L6-v2", at: at)
        }
        let model: BertModel
        do {
            model = try ModelCache.model(at: folder, checkpoint: { try context.checkDeadline() })
        } catch let e as TensorError {
            throw LessonError("cannot load a BERT model from \(folder): \(e.message) (run `make model` for all-MiniLM-L6-v2)", at: at)
        }
        let c = model.config
        let tok = model.tokenizer
        func row(_ key: String, _ value: Table.Cell) -> [Table.Cell] { [.text(key), value] }
        let config = Table(columns: ["key", "value"], rows: [
            row("layers", .number(Double(c.layers))), row("hidden_size", .number(Double(c.hiddenSize))),
            row("heads", .number(Double(c.heads))), row("head_size", .number(Double(c.headSize))),
            row("intermediate_size", .number(Double(c.intermediateSize))),
            row("max_positions", .number(Double(c.maxPositions))), row("vocab_size", .number(Double(c.vocabularySize))),
            row("layer_norm_eps", .text("\(c.layerNormEpsilon)")), row("hidden_act", .text(c.hiddenActivation)),
            row("do_lower_case", .text(String(tok.lowerCase))),
            row("strip_accents", .text(tok.stripAccents.map(String.init) ?? "follows do_lower_case")),
            row("tokenize_chinese_chars", .text(String(tok.splitChineseCharacters))),
        ])
        try context.record("config", .table(config), formula: "config.json and tokenizer_config.json of \(FilePathText.lastComponent(folder))")
        let tensors = Table(columns: ["name", "dtype", "shape"], rows: model.tensorEntries.map {
            [.text($0.name), .text($0.dtype.rawValue), .text($0.shape.map(String.init).joined(separator: "×"))]
        })
        try context.record("tensors", .table(tensors), formula: "the tensors of model.safetensors")
        try context.record("parameters", .tensor(.scalar(Double(model.parameterCount))),
                           formula: "the number of weights in model.safetensors (every floating-point tensor, as num_parameters() counts them)",
                           digits: 0)  // a count: 22713216, not 22713216.0000
        let name = try args.name("name", default: "model")!
        context.defineModel(name, model)
        if let alias = try args.name("as") { context.defineModel(alias, model) }
    }

    /// The error for a `from=NAME` found in none of `directories`. It names the models that are
    /// there (a misspelt `all-MiniLM-L6-v3` gets its "did you mean"); when there are none, it
    /// says where all-MiniLM-L6-v2 comes from: `make model` is the repository's, so a user of
    /// the dist binary is also told about `from="path"` and `--model-dir`.
    static func missingModel(_ name: String, in directories: [String], at position: SourcePosition) -> LessonError {
        let searched = "no model '\(name.quotable)' in \(directories.joined(separator: " or "))"
        let models = modelFolders(in: directories)
        guard !models.isEmpty else {
            return LessonError("\(searched); there are no models there: `make model` in stepmark's repository fetches all-MiniLM-L6-v2, or give a folder with from=\"path\" or a folder of models with --model-dir", at: position)
        }
        let names = models.prefix(8).map(\.quotable).joined(separator: ", ")
        let shown = models.count > 8 ? names + ", … \(models.count) in all" : names
        if let near = suggestion(for: name, among: models) {
            return LessonError("\(searched); did you mean '\(near.quotable)'? (models there: \(shown))", at: position)
        }
        return LessonError("\(searched); the models there are \(shown)", at: position)
    }

    /// The sub-folders of `directories` that hold a `config.json` (a Hugging Face model folder)
    /// and whose names can be written as `from=NAME` (no blank, quote, bracket, `=` or control
    /// character: a folder named with an escape sequence would print it), sorted. At most 10,000
    /// entries of each folder are looked at.
    static func modelFolders(in directories: [String]) -> [String] {
        var names = Set<String>()
        for directory in directories {
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            for entry in entries.sorted().prefix(10_000) where !entry.hasPrefix(".") && isBareName(entry)
                && FileManager.default.fileExists(atPath: FilePathText.join(FilePathText.join(directory, entry), "config.json")) {
                names.insert(entry)
            }
        }
        return names.sorted()
    }

    static func isBareName(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { u in
            u.value > 0x20 && !(0x7F...0x9F).contains(u.value) && !u.properties.isWhitespace && !"\"'[]=,{}".unicodeScalars.contains(u)
        }
    }
}
