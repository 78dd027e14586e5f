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

/// Runs a model on `text`, turning its errors into errors at `position`.
func encode(_ text: String, with model: BertModel, maxTokens: Int = 256, _ context: StepContext,
            at position: SourcePosition) throws -> BertSteps {
    if let cached = EncodingCache.shared.steps(model, text, maxTokens) { return cached }
    do {
        let steps = try model.encode(text, maxTokens: maxTokens, checkpoint: { try context.checkDeadline() })
        EncodingCache.shared.store(model, text, maxTokens, steps)
        return steps
    } catch let e as TensorError {
        throw LessonError(e.message, at: position)
    }
}

/// The sentence vector of a text query (`nearest` and `similarity` with `model=`), checked
/// against the width of the table it is compared with.
func modelQueryVector(_ text: String, _ context: StepContext, at position: SourcePosition) throws -> Tensor {
    let (_, model) = try pretrainedModel(context)
    let trimmed = text.trimmingWhitespace()
    guard !trimmed.isEmpty else { throw LessonError("the query text is empty", at: position) }
    var v = try encode(trimmed, with: model, context, at: position).sentence
    v.rowLabels = nil
    return v
}
