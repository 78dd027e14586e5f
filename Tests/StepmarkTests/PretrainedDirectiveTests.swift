import Foundation
import Testing
import StepmarkCore
@testable import StepmarkLesson

// The model, transformer, sentences directives and the model= forms of tokenize, nearest and
// similarity, on the committed tiny random BERT, against the numpy reference (reference.py).

let tinyModelBlock = "```model from=\"\(tinyBertPath)\" name=tiny\n```\n"

@Suite struct PretrainedDirectiveTests {
    @Test func transformerFullRecordsEverySubStepAsNumpy() throws {
        let text = "I sat on the river bank."
        let report = runLesson(tinyModelBlock + "\n```transformer model=tiny record=full\n\(text)\n```\n")
        #expect(report.errors.isEmpty, "\(report.errors)")
        let ref = try numpyReference(tinyBertPath, text)
        let step = try #require(report.step(2))
        let expectedNames = ["tokens", "ids", "embeddings.output"] + (1...2).flatMap { l -> [String] in
            let p = "layer\(l)."
            return [p + "Q", p + "K", p + "V"] + (1...2).flatMap { h in ["scores", "scaled", "weights", "output"].map { p + "head\(h).\($0)" } }
                + ["concat", "attn_out", "attn_norm", "ffn_hidden", "ffn_out", "output"].map { p + $0 }
        } + ["pooled", "sentence"]
        #expect(step.values.map(\.name) == expectedNames)
        for name in expectedNames.dropFirst(2) {
            let t = try #require(report.tensor(step: 2, name))
            #expect(maxDifference(t, ref[name]) <= 1e-12, "\(name)")
        }
        guard case .tokens(let ids) = step.value(named: "ids")?.value else { Issue.record("ids"); return }
        #expect(ids.ids == ref["ids"] as? [Int])
        #expect(ids.tokens == ref["tokens"] as? [String])
        // Heads are labelled by tokens on both sides (the heat maps' axes).
        #expect(report.tensor(step: 2, "layer1.head2.weights")?.colLabels == ref["tokens"] as? [String])
    }

    @Test func summaryKeepsHeadWeightsAndOutputsAndStoresHiddenStates() throws {
        let report = runLesson(tinyModelBlock + """

            ```transformer model=tiny layers=2
            the river bank
            ```

            ```let
            pick = [0, 0, 0, 1, 0]
            c = cosine(pick @ hidden0, pick @ hidden2)
            same = hidden2 - hidden
            ```
            """)
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.step(2)?.values.map(\.name) == ["tokens", "ids", "embeddings.output", "layer2.head1.weights", "layer2.head2.weights", "layer2.output", "pooled", "sentence"])
        let ref = try numpyReference(tinyBertPath, "the river bank")
        func bankRow(_ key: String) -> [Double] { ((ref[key] as! [[NSNumber]])[3]).map(\.doubleValue) }
        let a = bankRow("embeddings.output"), b = bankRow("layer2.output")
        let dot = zip(a, b).map(*).reduce(0, +)
        let cos = dot / (a.map { $0 * $0 }.reduce(0, +).squareRoot() * b.map { $0 * $0 }.reduce(0, +).squareRoot())
        #expect(report.tensor(step: 3, "c")?.isScalar == true)
        #expect(abs((report.tensor(step: 3, "c")?.data[0] ?? .nan) - cos) < 1e-12)
        #expect(report.tensor(step: 3, "same")?.data.allSatisfy { $0 == 0 } == true)
    }

    @Test func tokenizeBertRecordsItsSteps() throws {
        let report = runLesson(tinyModelBlock + "\n```tokenize method=bert model=tiny\nUnaffable Cafés, 中文!\n```\n")
        #expect(report.errors.isEmpty, "\(report.errors)")
        let step = try #require(report.step(2))
        #expect(step.values.map(\.name) == ["normalized", "words", "tokens", "ids"])
        guard case .text(let normalized) = step.value(named: "normalized")?.value,
              case .tokens(let words) = step.value(named: "words")?.value,
              case .tokens(let ids) = step.value(named: "ids")?.value else { Issue.record("kinds"); return }
        #expect(normalized == "unaffable cafes, 中 文 !")
        #expect(words.tokens == ["unaffable", "cafes", ",", "中", "文", "!"])
        // Vocabulary lines (from 0): [CLS] 2, un 19, ##aff 20, ##able 21, cafe 22, ##s 23, "," 6, 中 30, 文 31, ! 7, [SEP] 3.
        #expect(ids.tokens == ["[CLS]", "un", "##aff", "##able", "cafe", "##s", ",", "中", "文", "!", "[SEP]"])
        #expect(ids.ids == [2, 19, 20, 21, 22, 23, 6, 30, 31, 7, 3])
    }

    @Test func sentencesNearestAndSimilarityUseSentenceVectors() throws {
        let sentences = ["the river bank.", "i sat on the bank.", "money at the bank!"]
        let report = runLesson(tinyModelBlock + """

            ```sentences model=tiny name=docs
            \(sentences.joined(separator: "\n"))
            ```

            ```nearest table=docs model=tiny k=3
            the river
            ```

            ```similarity model=tiny
            the river | money at the bank!
            ```
            """)
        #expect(report.errors.isEmpty, "\(report.errors)")
        var vectors: [[Double]] = []
        for s in sentences { vectors.append((try numpyReference(tinyBertPath, s)["sentence"] as! [NSNumber]).map(\.doubleValue)) }
        let table = try #require(report.tensor(step: 2, "table"))
        #expect(table.rowLabels == sentences)
        #expect(close(table, vectors, tolerance: 1e-12))
        let query = (try numpyReference(tinyBertPath, "the river")["sentence"] as! [NSNumber]).map(\.doubleValue)
        // Sentence vectors have length 1, so the cosine is the dot product.
        let cosines = vectors.map { zip($0, query).map(*).reduce(0, +) }
        let order = cosines.indices.sorted { cosines[$0] > cosines[$1] }
        let ranking = try #require(report.tensor(step: 3, "ranking"))
        #expect(ranking.rowLabels == order.map { sentences[$0] })
        #expect(close(ranking, order.map { cosines[$0] }, tolerance: 1e-12))
        #expect(abs((report.tensor(step: 4, "the river~money at the bank!")?.data[0] ?? .nan) - cosines[2]) < 1e-12)
    }

    /// A block longer than one batch (40 sentences of 8–12 tokens, over the 256 tokens of a
    /// batch) is encoded in several batches; every row is the text's vector alone.
    @Test func aLongSentencesBlockRunsInBatchesWithTheSameNumbers() throws {
        let words = ["river", "bank", "money", "the", "sat", "i", "at", "on", "deposited", "cafés"]
        let sentences = (0..<40).map { i in (0..<(6 + i % 5)).map { words[(i * 7 + $0 * 3) % words.count] }.joined(separator: " ") + " \(i)" }
        let report = runLesson(tinyModelBlock + "\n```sentences model=tiny name=docs\n" + sentences.joined(separator: "\n") + "\n```\n")
        #expect(report.errors.isEmpty, "\(report.errors)")
        let table = try #require(report.tensor(step: 2, "table"))
        let model = try BertModel(directory: tinyBertPath)
        #expect(table.rowLabels == sentences)
        #expect(sentences.map { try? model.tokenize($0).tokens.count }.compactMap { $0 }.reduce(0, +) > 256)
        for (i, s) in sentences.enumerated() {
            #expect(Array(table.data[(i * 8)..<((i + 1) * 8)]) == (try model.encode(s)).sentence.data, "\(s)")
        }
    }

    /// Two lessons that load the same model and encode the same sentences at the same time
    /// (the Korean and English lesson 07 under `render --jobs`) share one loaded model, so
    /// the second finds the first's encodings; each gets the numbers it gets alone.
    @Test func lessonsRunningAtOnceShareTheModelAndItsNumbers() throws {
        // A copy of its own, so that no other test has loaded this folder already.
        let folder = NSTemporaryDirectory() + "stepmark-shared-model-\(getpid())"
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.copyItem(atPath: tinyBertPath, toPath: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let lesson = "```model from=\"\(folder)\" name=tiny\n```\n\n```sentences model=tiny name=docs\nthe river bank\nmoney at the bank\ni sat on the bank\n```\n"
        final class Results: @unchecked Sendable {
            let lock = ThreadLock()
            var tables: [Int: Tensor] = [:]
            var models: [Int: ObjectIdentifier] = [:]
        }
        let results = Results()
        let done = ThreadCondition()
        for i in 0..<4 {
            SystemThread.start(detached: true) {
                let report = runLesson(lesson)
                let model = try? ModelCache.model(at: folder, checkpoint: {})
                results.lock.withLock {
                    results.tables[i] = report.errors.isEmpty ? report.tensor(step: 2, "table") : nil
                    results.models[i] = model.map(ObjectIdentifier.init)
                }
                done.lock(); done.broadcast(); done.unlock()
            }
        }
        done.lock()
        while results.lock.withLock({ results.models.count }) < 4 { done.wait(seconds: 0.05) }
        done.unlock()
        let alone = try BertModel(directory: tinyBertPath)
        let expected = try ["the river bank", "money at the bank", "i sat on the bank"].flatMap { try alone.encode($0).sentence.data }
        for i in 0..<4 { #expect(results.tables[i]?.data == expected, "lesson \(i)") }
        #expect(Set(results.models.values).count == 1)
    }

    /// Cache keys tell canonically equivalent texts apart (the tokenizer may split them
    /// differently), and equal texts are one key.
    @Test func cacheKeysAreExactTexts() throws {
        let model = try BertModel(directory: tinyBertPath)
        let composed = SentenceVectorCache.key(model, "caf\u{E9}", 256)
        #expect(composed != SentenceVectorCache.key(model, "cafe\u{301}", 256))
        #expect(composed == SentenceVectorCache.key(model, "caf" + "\u{E9}", 256))
        #expect(composed.hashValue == SentenceVectorCache.key(model, "caf" + "\u{E9}", 256).hashValue)
        #expect(composed != SentenceVectorCache.key(model, "caf\u{E9}", 128))
    }

    @Test func aModelIsAHandleNotAValue() throws {
        var limits = Limits()
        limits.maxEntries = 500
        let report = runLesson(tinyModelBlock + "\n```let\nx = tiny + 1\n```\n\n```transformer model=tiny\nthe bank\n```\n", limits: limits)
        #expect(report.step(1)?.error == nil)
        #expect(report.step(2)?.error?.message == "'tiny' is a model, not a value: give it to a directive with model=tiny")
        #expect(report.step(3)?.error == nil)
    }

    /// The encoder keeps layers × heads × n² × 3 attention numbers while it runs, whatever it
    /// records: more than the lesson's limit is refused before it runs. The tiny model has 2
    /// layers, 2 heads and 16 positions; a long text is cut to 16 tokens:
    /// 2 × 2 × 16² × 3 = 3072 > 16 × 150. Eight tokens (768) run.
    @Test func theEncodersAttentionIsCheckedAgainstTheLessonLimitFirst() throws {
        var limits = Limits()
        limits.maxEntries = 150
        let long = Array(repeating: "the bank", count: 10).joined(separator: " ")
        let report = runLesson(tinyModelBlock + "\n```transformer model=tiny\n\(long)\n```\n\n```transformer model=tiny max_tokens=8\n\(long)\n```\n", limits: limits)
        #expect(report.step(1)?.error == nil)
        #expect(report.step(2)?.error?.message == "transformer over 16 tokens would hold 3072 attention entries while it runs (2 layers × 2 heads × 16² for the scores, scaled scores and weights), over the lesson's limit of 2400 (16 × the value limit; raise it with --max-entries, or lower max_tokens=)")
        #expect(report.step(2)?.values.isEmpty == true)
        #expect(report.step(3)?.error == nil, "\(report.step(3)?.error?.message ?? "")")
    }

    @Test func missingAndForeignModelsArePositionedErrors() throws {
        let folder = try temporaryFolder(["gpt/config.json": #"{"model_type": "gpt2"}"#, "gpt/vocab.txt": "[UNK]\n", "gpt/model.safetensors": "",
                                          "lesson.md": """
            # t

            ```model from="gpt"
            ```

            ```model from=no-such-model
            ```

            ```transformer model=nothing
            hello
            ```
            """])
        let path = (folder as NSString).appendingPathComponent("lesson.md")
        let report = Runner().run(LessonParser.parse(try String(contentsOfFile: path, encoding: .utf8), path: path))
        let e1 = try #require(report.step(1)?.error)
        #expect(e1.position == SourcePosition(line: 3, column: 15))
        #expect(e1.message.contains("not a BERT model") && e1.message.contains("make model"))
        let e2 = try #require(report.step(2)?.error)
        #expect(e2.position == SourcePosition(line: 6, column: 15))
        // What follows depends on the models this machine has (aMissingModelNamesTheModelsThatAreThere).
        #expect(e2.message.hasPrefix("no model 'no-such-model' in "))
        let e3 = try #require(report.step(3)?.error)
        #expect(e3.position == SourcePosition(line: 9, column: 22))
        #expect(e3.message.hasPrefix("no model named 'nothing': load one above with a model block"))
    }

    /// A misspelt model name is answered with the models that are there (a teacher who typed
    /// all-MiniLM-L6-v3), and an empty models folder says where a model comes from, with the
    /// ways a user of the dist binary (who has no `make model`) can point at one.
    @Test func aMissingModelNamesTheModelsThatAreThere() throws {
        let models = try temporaryFolder(["all-MiniLM-L6-v2/config.json": "{}", "tiny-bert/config.json": "{}",
                                          "notes/readme.txt": "not a model", ".hidden/config.json": "{}"])
        let empty = try temporaryFolder(["readme.txt": "nothing here"])
        defer { try? FileManager.default.removeItem(atPath: models); try? FileManager.default.removeItem(atPath: empty) }
        func error(_ name: String, in directory: String) -> String? {
            var limits = Limits()
            limits.modelDirectory = directory
            return runLesson("```model from=\(name)\n```\n", limits: limits).step(1)?.error?.message
        }
        #expect(error("all-MiniLM-L6-v3", in: models)
                == "no model 'all-MiniLM-L6-v3' in \(models); did you mean 'all-MiniLM-L6-v2'? (models there: all-MiniLM-L6-v2, tiny-bert)")
        #expect(error("gpt2", in: models) == "no model 'gpt2' in \(models); the models there are all-MiniLM-L6-v2, tiny-bert")
        #expect(error("all-MiniLM-L6-v2", in: empty)
                == "no model 'all-MiniLM-L6-v2' in \(empty); there are no models there: `make model` in stepmark's repository fetches all-MiniLM-L6-v2, or give a folder with from=\"path\" or a folder of models with --model-dir")
        #expect(error("x", in: "/nonexistent/models")?.hasPrefix("no model 'x' in /nonexistent/models; there are no models there:") == true)
        // Each name is shortened on its own (the joined list was cut after 32 characters), and a
        // folder whose name could not be written as from=NAME (an escape sequence) is not listed.
        let more = try temporaryFolder(["bert-base-uncased-finetuned-sst-2/config.json": "{}", "all-MiniLM-L6-v2/config.json": "{}",
                                        "multi-qa-mpnet-base-dot-v1/config.json": "{}", "evil\u{1B}[31m/config.json": "{}"])
        defer { try? FileManager.default.removeItem(atPath: more) }
        #expect(error("gpt2", in: more) == "no model 'gpt2' in \(more); the models there are all-MiniLM-L6-v2, bert-base-uncased-finetuned-sst-2, multi-qa-mpnet-base-dot-v1")
    }
}
