import FoundationEssentials
import StepmarkCore

// Shared by `model`, `transformer`, `sentences`, `tokenize method=bert` and the `model=` of
// `nearest` and `similarity`: where model folders are, a process-wide cache of loaded models,
// and the lookup of a model by name.

/// Loaded models by folder, so that rendering a course (en and ko) or running many lessons
/// reads each model once. A model is immutable, so sharing it is safe.
final class ModelCache: @unchecked Sendable {
    static let shared = ModelCache()
    private let lock = ThreadLock()
    private var models: [String: (stamp: String, model: BertModel)] = [:]

    /// The model in `folder`, loading it when it is not cached or its weights file changed.
    func model(at folder: String) throws -> BertModel {
        let weights = FilePathText.join(folder, "model.safetensors")
        let attributes = try? FileManager.default.attributesOfItem(atPath: weights)
        let stamp = "\(attributes?[.size] ?? 0)-\((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
        lock.lock()
        if let cached = models[folder], cached.stamp == stamp { lock.unlock(); return cached.model }
        lock.unlock()
        let model = try BertModel(directory: folder)
        lock.lock()
        models[folder] = (stamp, model)
        lock.unlock()
        return model
    }
}

/// Where `from=NAME` looks: `$STEPMARK_MODEL_DIR`, else the first `.cache/models` found in the
/// lesson's folder or one of its parents, else `.cache/models` in the working directory, else
/// the first one above the running executable (a development build inside the repository).
func modelDirectories(lessonFolder: String) -> [String] {
    if let dir = ProcessInfo.processInfo.environment["STEPMARK_MODEL_DIR"], !dir.isEmpty { return [dir] }
    func nearest(above start: URL) -> String? {
        var url = start.standardizedFileURL
        for _ in 0..<64 {
            let candidate = url.appendingPathComponent(".cache/models").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { return nil }
            url = parent
        }
        return nil
    }
    var found: [String] = []
    if let hit = nearest(above: URL(fileURLWithPath: lessonFolder)) { found.append(hit) }
    let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".cache/models").path
    if !found.contains(cwd) { found.append(cwd) }
    if let executable = ExecutablePath.current, let hit = nearest(above: URL(fileURLWithPath: FilePathText.parent(executable))), !found.contains(hit) {
        found.append(hit)
    }
    return found
}

/// The model a directive names with `model=` (default `model`).
/// - Throws: a positioned error when the name is undefined (saying how to load one) or is a value.
func pretrainedModel(_ context: StepContext, key: String = "model") throws -> (name: String, model: BertModel) {
    let name = try context.args.name(key, default: "model")!
    let at = context.args.has(key) ? context.args.position(of: key) : context.block.infoPosition
    if let model = context.environment.model(name) { return (name, model) }
    if let value = context.environment.value(name) {
        throw LessonError("\(key)= must name a model loaded by a model block, but '\(name.quotable)' is \(value.summary)", at: at)
    }
    throw LessonError("no model named '\(name.quotable)': load one above with a model block, such as ```model from=all-MiniLM-L6-v2 name=\(name.quotable)``` (run `make model` to fetch it)", at: at)
}

/// The last few forward passes, so that a lesson that runs the same sentence twice (a
/// `transformer` step and a `similarity` line) computes it once. The result depends only on
/// the model and the text, so reuse is exact.
final class EncodingCache: @unchecked Sendable {
    static let shared = EncodingCache()
    static let capacity = 32
    private let lock = ThreadLock()
    private var entries: [(model: BertModel, text: String, maxTokens: Int, steps: BertSteps)] = []

    func steps(_ model: BertModel, _ text: String, _ maxTokens: Int) -> BertSteps? {
        lock.lock(); defer { lock.unlock() }
        // Compare scalars: String == would call canonically equivalent texts equal.
        return entries.first { $0.model === model && $0.maxTokens == maxTokens
            && $0.text.unicodeScalars.elementsEqual(text.unicodeScalars) }?.steps
    }

    func store(_ model: BertModel, _ text: String, _ maxTokens: Int, _ steps: BertSteps) {
        lock.lock(); defer { lock.unlock() }
        if entries.count >= Self.capacity { entries.removeFirst() }
        entries.append((model, text, maxTokens, steps))
    }
}

/// Sentence vectors already computed, by model, text (its Unicode scalars: String equality
/// would call canonically equivalent texts equal) and truncation: `classify`, `sentences`,
/// `nearest` and `similarity` ask for the same sentences again (and the Korean and English
/// course share some). An entry holds its model, so a model's identity is never reused while
/// its vectors are kept; at most 4,096 vectors (384 numbers each for MiniLM).
enum SentenceVectorCache {
    struct Key: Hashable { let model: ObjectIdentifier, text: [UInt32], maxTokens: Int }
    static let shared = BoundedMemo<Key, (model: BertModel, vector: [Double])>(capacity: 4096)

    static func key(_ model: BertModel, _ text: String, _ maxTokens: Int) -> Key {
        Key(model: ObjectIdentifier(model), text: text.unicodeScalars.map(\.value), maxTokens: maxTokens)
    }
}

/// Runs a model on `text`, turning its errors into errors at `position`.
func encode(_ text: String, with model: BertModel, maxTokens: Int = 256, _ context: StepContext,
            at position: SourcePosition) throws -> BertSteps {
    if let cached = EncodingCache.shared.steps(model, text, maxTokens) { return cached }
    do {
        let steps = try model.encode(text, maxTokens: maxTokens, checkpoint: { try context.checkDeadline() })
        EncodingCache.shared.store(model, text, maxTokens, steps)
        SentenceVectorCache.shared.store((model, steps.sentence.data), for: SentenceVectorCache.key(model, text, maxTokens))
        return steps
    } catch let e as TensorError {
        throw LessonError(e.message, at: position)
    }
}

/// The sentence vectors of several texts, each error at its text's position. Texts not cached
/// are tokenized in order (a text the tokenizer refuses stops there, as one at a time would)
/// and then encoded together in batches of at most `batchRows` tokens, so that the model's
/// weights are read once per batch (`BertModel.sentenceVectors(tokenized:)`; each text's
/// numbers are the bits it gets alone). Only the vectors are kept, so a block of a thousand
/// sentences holds a thousand vectors, not every layer of each.
func sentenceVectors(_ texts: [(text: String, position: SourcePosition)], with model: BertModel, maxTokens: Int = 256,
                     _ context: StepContext) throws -> [[Double]] {
    let keys = texts.map { SentenceVectorCache.key(model, $0.text, maxTokens) }
    var results: [[Double]?] = keys.map { SentenceVectorCache.shared.cached($0)?.vector }
    var pending: [(index: Int, tokens: BertTokenizer.Steps)] = []
    for (i, item) in texts.enumerated() where results[i] == nil {
        do {
            pending.append((i, try model.tokenize(item.text, maxTokens: maxTokens)))
        } catch let e as TensorError {
            throw LessonError(e.message, at: item.position)
        }
    }
    var start = 0
    while start < pending.count {
        var end = start + 1, rows = pending[start].tokens.tokens.count
        while end < pending.count, rows + pending[end].tokens.tokens.count <= batchRows {
            rows += pending[end].tokens.tokens.count
            end += 1
        }
        let batch = pending[start..<end]
        let vectors: [[Double]]
        do {
            vectors = try model.sentenceVectors(tokenized: batch.map(\.tokens), checkpoint: { try context.checkDeadline() })
        } catch let e as TensorError {
            throw LessonError(e.message, at: texts[batch.first!.index].position)
        }
        for (item, vector) in zip(batch, vectors) {
            results[item.index] = vector
            SentenceVectorCache.shared.store((model, vector), for: keys[item.index])
        }
        start = end
    }
    return results.map { $0! }
}

/// The most tokens encoded in one batch: enough to read the weights once for a block of
/// sentences, few enough that a batch's intermediate values stay a few MB (a single longer
/// text runs alone).
let batchRows = 256

/// The sentence vector of a text query (`nearest` and `similarity` with `model=`), without row
/// labels; an empty query is an error at `position`.
func modelQueryVector(_ text: String, _ context: StepContext, at position: SourcePosition) throws -> Tensor {
    try modelQueryVectors([(text, position)], context)[0]
}

/// The sentence vectors of several text queries (`classify` with `model=`), encoded together.
func modelQueryVectors(_ texts: [(text: String, position: SourcePosition)], _ context: StepContext) throws -> [Tensor] {
    let (_, model) = try pretrainedModel(context)
    var trimmed: [(text: String, position: SourcePosition)] = []
    for item in texts {
        let text = item.text.trimmingWhitespace()
        guard !text.isEmpty else { throw LessonError("the query text is empty", at: item.position) }
        trimmed.append((text, item.position))
    }
    return try sentenceVectors(trimmed, with: model, context).map { Tensor.vector($0) }
}
