import Foundation
import Testing
import StepmarkCore

// The pretrained encoder against an independent numpy float64 forward pass
// (Fixtures/bert/reference.py: its own safetensors reader, its own port of BERT's tokenizer,
// numpy linear algebra), on the committed tiny random BERT and, when `make model` has fetched
// it, on all-MiniLM-L6-v2 itself.

let bertFixtures = (repositoryRoot as NSString).appendingPathComponent("Tests/StepmarkTests/Fixtures/bert")
let tinyBertPath = (bertFixtures as NSString).appendingPathComponent("tiny-bert")
let miniLMPath = (repositoryRoot as NSString).appendingPathComponent(".cache/models/all-MiniLM-L6-v2")
var miniLMPresent: Bool { FileManager.default.fileExists(atPath: (miniLMPath as NSString).appendingPathComponent("model.safetensors")) }

/// Runs reference.py on a model folder and a text; returns its JSON object.
func numpyReference(_ model: String, _ text: String, maxTokens: Int = 256) throws -> [String: Any] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", (bertFixtures as NSString).appendingPathComponent("reference.py"), model, text, String(maxTokens)]
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    guard process.terminationStatus == 0, let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw TensorError("reference.py failed: \(message)")
    }
    return json
}

/// The largest absolute difference between a tensor and a nested JSON list (∞ on a shape mismatch).
func maxDifference(_ t: Tensor, _ reference: Any?) -> Double {
    var flat: [Double] = []
    var rows = 0
    if let m = reference as? [[NSNumber]] {
        rows = m.count
        flat = m.flatMap { $0.map(\.doubleValue) }
        guard t.isMatrix, t.rows == rows else { return .infinity }
    } else if let v = reference as? [NSNumber] {
        flat = v.map(\.doubleValue)
    } else {
        return .infinity
    }
    guard flat.count == t.count else { return .infinity }
    return zip(t.data, flat).map { abs($0 - $1) }.max() ?? 0
}

/// Compares every value reference.py records for the given layers (1-based) to `steps`.
func compareWithReference(_ steps: BertSteps, _ ref: [String: Any], layers: [Int], tolerance: Double) -> [String] {
    var failures: [String] = []
    func check(_ name: String, _ t: Tensor) {
        let d = maxDifference(t, ref[name])
        if !(d <= tolerance) { failures.append("\(name): max difference \(d)") }
    }
    if steps.tokenization.tokens != (ref["tokens"] as? [String]) { failures.append("tokens \(steps.tokenization.tokens)") }
    if steps.tokenization.ids != (ref["ids"] as? [Int]) { failures.append("ids \(steps.tokenization.ids)") }
    check("embeddings.output", steps.embeddings)
    for l in layers {
        let s = steps.layers[l - 1], p = "layer\(l)."
        check(p + "Q", s.q); check(p + "K", s.k); check(p + "V", s.v)
        for (h, head) in s.attention.heads.enumerated() {
            let hp = p + "head\(h + 1)."
            check(hp + "scores", head.scores); check(hp + "scaled", head.scaled)
            check(hp + "weights", head.weights); check(hp + "output", head.output)
        }
        check(p + "concat", s.attention.concat!)
        check(p + "attn_out", s.attentionOutput); check(p + "attn_norm", s.attentionNorm)
        check(p + "ffn_hidden", s.ffnHidden); check(p + "ffn_out", s.ffnOutput); check(p + "output", s.output)
    }
    check("pooled", steps.pooled)
    check("sentence", steps.sentence)
    return failures
}

@Suite struct BertModelTests {
    @Test func tinyBertMatchesNumpyAtEverySubStep() throws {
        let model = try BertModel(directory: tinyBertPath)
        #expect(model.config.layers == 2 && model.config.heads == 2 && model.config.hiddenSize == 8)
        for text in ["I sat on the river bank.", "unaffable cafés, de-posited!", "中文 money 은행"] {
            let steps = try model.encode(text)
            let ref = try numpyReference(tinyBertPath, text)
            let failures = compareWithReference(steps, ref, layers: [1, 2], tolerance: 1e-12)
            #expect(failures.isEmpty, "\(text): \(failures)")
        }
    }

    /// Every number of a run, in order: what a text's steps must agree on bit for bit.
    func allNumbers(_ steps: BertSteps) -> [Double] {
        var out = steps.embeddings.data
        for s in steps.layers {
            out += s.q.data + s.k.data + s.v.data
            for head in s.attention.heads { out += head.scores.data + head.scaled.data + head.weights.data + head.output.data }
            out += (s.attention.concat ?? s.attention.output).data
            out += s.attentionOutput.data + s.attentionNorm.data + s.ffnHidden.data + s.ffnOutput.data + s.output.data
        }
        return out + steps.pooled.data + steps.sentence.data
    }

    /// Texts of different lengths stacked into one batch: each gets the bits it gets alone (and
    /// so still matches numpy), with its own tokens as row labels.
    @Test func stackedTextsGetTheBitsTheyGetAlone() throws {
        let model = try BertModel(directory: tinyBertPath)
        #expect(model.stacksTexts)
        let texts = ["I sat on the river bank.", "unaffable cafés, de-posited!", "bank", "中文 money 은행 the river"]
        let batch = try model.encode(tokenized: texts.map { try model.tokenize($0) })
        #expect(batch.count == texts.count)
        for (text, steps) in zip(texts, batch) {
            let alone = try model.encode(text)
            #expect(allNumbers(steps) == allNumbers(alone), "\(text)")
            #expect(steps.layers[1].output.rowLabels == alone.tokenization.tokens)
            #expect(compareWithReference(steps, try numpyReference(tinyBertPath, text), layers: [1, 2], tolerance: 1e-12).isEmpty)
        }
        #expect(try model.encode(tokenized: []).isEmpty)
        // The vectors alone (classify, sentences) are the same bits without the recording.
        let vectors = try model.sentenceVectors(tokenized: texts.map { try model.tokenize($0) })
        #expect(vectors == batch.map(\.sentence.data))
        #expect(try model.sentenceVectors(tokenized: []).isEmpty)
    }

    @Test func tinyBertTruncatesToMaxTokens() throws {
        let model = try BertModel(directory: tinyBertPath)
        let steps = try model.encode("the river bank the river bank", maxTokens: 5)
        #expect(steps.tokenization.tokens == ["[CLS]", "the", "river", "bank", "[SEP]"])
        #expect(steps.tokenization.truncated)
        let ref = try numpyReference(tinyBertPath, "the river bank the river bank", maxTokens: 5)
        #expect(compareWithReference(steps, ref, layers: [1, 2], tolerance: 1e-12).isEmpty)
    }

    /// Hugging Face's tokenizer (the `tokenizers` library on tokenizer.json) gave these; the
    /// Python reference agrees with every one.
    @Test(.enabled(if: miniLMPresent)) func miniLMTokenizerEdgeCases() throws {
        let tokenizer = try BertModel(directory: miniLMPath).tokenizer
        let cases: [(String, [String])] = [
            ("Café naïve résumé Ångström", ["cafe", "naive", "resume", "ang", "##strom"]),
            ("漢字和中文 mixed", ["漢", "[UNK]", "和", "中", "文", "mixed"]),
            ("emoji 🙂👍🏽 here", ["em", "##oj", "##i", "[UNK]", "here"]),
            ("soft\u{00AD}hyphen zero\u{200B}width ctrl\u{07}x", ["soft", "##hy", "##ph", "##en", "zero", "##wi", "##dt", "##h", "ct", "##rl", "##x"]),
            (String(repeating: "a", count: 101), ["[UNK]"]),
            ("강가의 은행에 앉았다", ["ᄀ", "##ᅡ", "##ᆼ", "##ᄀ", "##ᅡ", "##ᄋ", "##ᅴ", "ᄋ", "##ᅳ", "##ᆫ", "##ᄒ", "##ᅢ", "##ᆼ", "##ᄋ", "##ᅦ", "[UNK]"]),
            ("tab\there\nnew", ["tab", "here", "new"]),
            ("i deposited money at the bank.", ["i", "deposited", "money", "at", "the", "bank", "."]),
        ]
        for (text, expected) in cases {
            let steps = try tokenizer.tokenize(text)
            #expect(steps.tokens == ["[CLS]"] + expected + ["[SEP]"], "\(text)")
        }
        // A 100-character word is still split; "은행" after NFD is 6 scalars, 2 Characters.
        #expect(try tokenizer.tokenize(String(repeating: "a", count: 100)).tokens.count == 52)
        #expect("은행".decomposedStringWithCanonicalMapping.unicodeScalars.count == 6)
        #expect(try tokenizer.tokenize("i sat on the river bank.").ids == [101, 1045, 2938, 2006, 1996, 2314, 2924, 1012, 102])
    }

    @Test(.enabled(if: miniLMPresent)) func miniLMMatchesNumpyFloat64() throws {
        let model = try BertModel(directory: miniLMPath)
        #expect(model.config.layerNormEpsilon == 1e-12 && model.config.layers == 6 && model.config.heads == 12)
        // The sizes of every F32 tensor of the file (the position_ids buffer is I64): Hugging
        // Face's num_parameters() of this model, pooler included, as its model card counts.
        #expect(model.parameterCount == 22_713_216)
        for text in ["i sat on the river bank.", "i deposited money at the bank."] {
            let steps = try model.encode(text)
            let ref = try numpyReference(miniLMPath, text)
            let failures = compareWithReference(steps, ref, layers: [1, 6], tolerance: 1e-9)
            #expect(failures.isEmpty, "\(text): \(failures)")
            for l in 1...6 {
                #expect(maxDifference(steps.layers[l - 1].output, ref["layer\(l).output"]) <= 1e-9)
            }
        }
    }
}

@Suite struct SafetensorsTests {
    /// A file with one F32 tensor [2, 2] = 1, 2, 3, 4 (and an I64 one), header padded to 8.
    func file(header: String, data: [UInt8], claimedLength: UInt64? = nil) throws -> String {
        var h = Array(header.utf8)
        while h.count % 8 != 0 { h.append(0x20) }
        var bytes: [UInt8] = []
        let n = claimedLength ?? UInt64(h.count)
        for i in 0..<8 { bytes.append(UInt8((n >> (8 * UInt64(i))) & 0xFF)) }
        bytes += h + data
        let folder = try temporaryFolder()
        let path = (folder as NSString).appendingPathComponent("model.safetensors")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    let floats: [UInt8] = [1, 2, 3, 4].flatMap { (x: Float) in withUnsafeBytes(of: x.bitPattern.littleEndian, Array.init) }
    let ints: [UInt8] = [7, -1].flatMap { (x: Int64) in withUnsafeBytes(of: x.littleEndian, Array.init) }

    @Test func readsF32AndI64ByOffsets() throws {
        // The I64 tensor comes first in the data although its key sorts after the F32 one.
        let path = try file(header: #"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[16,32]},"b":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}"#,
                            data: ints + floats)
        let f = try SafetensorsFile(path: path)
        #expect(f.entries.map(\.name) == ["a", "b"])
        #expect(f.metadata["format"] == "pt")
        #expect(try f.doubles("a") == [1, 2, 3, 4])
        #expect(try f.doubles("b") == [7, -1])
        #expect(throws: TensorError.self) { try f.doubles("c") }
    }

    @Test func refusesTruncatedAndLyingFiles() throws {
        func message(_ header: String, _ data: [UInt8], claimed: UInt64? = nil) -> String {
            do { _ = try SafetensorsFile(path: try file(header: header, data: data, claimedLength: claimed)); return "no error" }
            catch let e as TensorError { return e.message } catch { return "\(error)" }
        }
        let good = #"{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#
        #expect(message(good, Array(floats.prefix(12))).contains("ends at byte 16 of the data but the data has 12 bytes (the file is truncated)"))
        #expect(message(good, floats, claimed: 1 << 40).contains("over the limit"))
        #expect(message(good, floats, claimed: 4000).contains("the file is truncated"))
        #expect(message(#"{"a":{"dtype":"F32","shape":[3,2],"data_offsets":[0,16]}}"#, floats).contains("(24 bytes) but its data_offsets span 16 bytes"))
        #expect(message(#"{"a":{"dtype":"BF16","shape":[2,2],"data_offsets":[0,8]}}"#, floats).contains("dtype BF16"))
        #expect(message(#"{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[16,0]}}"#, floats).contains("run backwards"))
        // Tensors that share bytes: every layer pointing at the same megabyte made a 1.2 MB file
        // cost 1.26 GB. Touching ends and empty tensors are fine.
        #expect(message(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, floats)
                .hasSuffix("'b' has data_offsets [4, 12] that overlap those of 'a' [0, 8]; every tensor has bytes of its own"))
        #expect(message(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},"c":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}"#, floats) == "no error")
        #expect(message(#"{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]}}"#, floats).contains("not a size"))
        #expect(message(#"{"a":{"dtype":"F32","shape":[65536,65536],"data_offsets":[0,16]}}"#, floats).contains("larger than the file"))
        #expect(message("[1, 2]", floats).contains("not a JSON object"))
        #expect(message(#"{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[9223372036854775800,16]}}"#, floats)
                .hasSuffix("'a' has data_offsets that are not byte positions (whole numbers up to 2^53)"))
        // Refused by counting before the JSON decoder sees it (a red-team file of 1.5 million
        // entries took 40 s and 1.4 GB to decode).
        func empties(_ n: Int) -> String {
            "{" + (0..<n).map { #""k\#($0)":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}"# }.joined(separator: ",") + "}"
        }
        #expect(message(empties(SafetensorsFile.maxTensors + 1), floats).hasSuffix("the header lists more than 65536 tensors"))
        // One huge array has no `{` to count: the values are counted too (20 million `0,`
        // took 31 s and 1.4 GB).
        let array = #"{"__metadata__":{"a":["# + Array(repeating: "0", count: SafetensorsFile.maxHeaderValues).joined(separator: ",") + "]}}"
        #expect(message(array, floats).hasSuffix("the header holds more than 1048576 values"))
        // config.json is read within 1 MB (a 40 MB one of one array took 18 s and 1.3 GB).
        let folder2 = try temporaryFolder(["config.json": "{\"model_type\": \"bert\", \"x\": [" + String(repeating: "0,", count: 600_000) + "0]}"])
        let big = #expect(throws: TensorError.self) { try BertConfig(file: folder2 + "/config.json") }
        #expect(big?.message == "\(folder2)/config.json is larger than 1024 KB, too large for a model's config.json")
        let folder = try temporaryFolder()
        let short = (folder as NSString).appendingPathComponent("short.safetensors")
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: short))
        #expect(throws: TensorError.self) { try SafetensorsFile(path: short) }
    }

    @Test func f32TensorsAreReadInPlaceOnlyWhenAligned() throws {
        let aligned = try SafetensorsFile(path: try file(header: #"{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"I64","shape":[2],"data_offsets":[16,32]}}"#,
                                                         data: floats + ints))
        let a = try #require(aligned.float32("a"))
        #expect(a.count == 4 && (0..<4).map { a.base[$0] } == [1, 2, 3, 4])
        #expect(aligned.float32("b") == nil && aligned.float32("c") == nil)
        // Data starting 2 bytes into a float: not read in place, but still read by widening.
        let odd = try SafetensorsFile(path: try file(header: #"{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[2,18]}}"#,
                                                     data: [0, 0] + floats))
        #expect(odd.float32("a") == nil)
        #expect(try odd.doubles("a") == [1, 2, 3, 4])
    }

    /// A model file that is a FIFO (or a folder) is refused at once, not waited on: the file is
    /// opened without blocking and checked before it is mapped.
    @Test func aFIFOOrFolderIsRefusedWithoutWaiting() throws {
        let folder = try temporaryFolder()
        let fifo = (folder as NSString).appendingPathComponent("model.safetensors")
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(throws: TensorError.self) { try SafetensorsFile(path: fifo) }
        do { _ = try SafetensorsFile(path: fifo) } catch let e as TensorError { #expect(e.message.contains("FIFO")) }
        do { _ = try SafetensorsFile(path: folder) } catch let e as TensorError { #expect(e.message.contains("is a directory")) }
    }

    /// `Linear` over F32 weights read in place: the kernel for short inputs, widened weights
    /// through BLAS for long ones, both against the plain sum written here.
    @Test func linearLayerGivesThePlainSumForShortAndLongInputs() throws {
        let k = 12, n = 3
        let wValues: [Float] = (0..<(n * k)).map { Float($0 % 7) * 0.25 - 0.5 }
        let bytes = wValues.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        let f = try SafetensorsFile(path: try file(header: #"{"w":{"dtype":"F32","shape":[3,12],"data_offsets":[0,144]}}"#, data: bytes))
        let bias: [Double] = [0.5, -1, 2]
        let inPlace = Linear(weights: .float32(try #require(f.float32("w"))), bias: bias, inputs: k, outputs: n)
        let widened = Linear(weights: .doubles(wValues.map(Double.init)), bias: bias, inputs: k, outputs: n)
        for rows in [1, 5, 130, 257] {
            let x = (0..<(rows * k)).map { Double(($0 * 37) % 11) - 5 }
            var want = [Double](repeating: 0, count: rows * n)
            for i in 0..<rows { for j in 0..<n {
                want[i * n + j] = (0..<k).reduce(0.0) { $0 + x[i * k + $1] * Double(wValues[j * k + $1]) } + bias[j]
            } }
            // Small integers and quarters: every sum is exact, whatever the order.
            #expect(inPlace(x, rows: rows) == want, "rows \(rows)")
            #expect(widened(x, rows: rows) == want, "rows \(rows)")
        }
    }

    @Test func tinyBertFileHasTheLayoutOfMiniLM() throws {
        let f = try SafetensorsFile(path: (tinyBertPath as NSString).appendingPathComponent("model.safetensors"))
        #expect(f.entry("embeddings.position_ids")?.dtype == .i64)
        #expect(try f.doubles("embeddings.position_ids") == (0..<16).map(Double.init))
        #expect(f.entry("encoder.layer.1.intermediate.dense.weight")?.shape == [16, 8])
    }
}

@Suite struct BertPiecesTests {
    /// `vocab.txt` with LF or CRLF line ends, with or without a final newline, gives the same
    /// ids; a FIFO or a file that is not UTF-8 is a clear error, not a wait.
    @Test func vocabularyFilesReadTheSameWithAnyLineEnd() throws {
        let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "은행", "bank", "##s", ""]
        var readings: [[Int?]] = []
        for (end, last) in [("\n", "\n"), ("\r\n", "\r\n"), ("\n", ""), ("\r\n", "")] {
            let folder = try temporaryFolder(["vocab.txt": tokens.joined(separator: end) + last])
            let t = try BertTokenizer(vocabularyFile: folder + "/vocab.txt")
            readings.append(["은행", "bank", "##s", "[SEP]", "nope"].map { t.id(of: $0) })
            #expect(t.tokens.count == (last.isEmpty ? 7 : 8), "\(end.debugDescription) \(last.debugDescription)")
        }
        #expect(readings.allSatisfy { $0 == [4, 5, 6, 3, nil] })
        let folder = try temporaryFolder()
        #expect(mkfifo(folder + "/fifo.txt", 0o600) == 0)
        #expect(throws: TensorError.self) { try BertTokenizer(vocabularyFile: folder + "/fifo.txt") }
        try Data([0x5B, 0x55, 0x4E, 0x4B, 0x5D, 0x0A, 0xFF, 0x0A]).write(to: URL(fileURLWithPath: folder + "/bad.txt"))
        #expect(throws: TensorError.self) { try BertTokenizer(vocabularyFile: folder + "/bad.txt") }
        // Over the size limit: said so, not "not UTF-8" (a red-team pass). A sparse file.
        #expect(FileManager.default.createFile(atPath: folder + "/big.txt", contents: Data("[UNK]\n".utf8)))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/big.txt"))
        try handle.truncate(atOffset: UInt64(BertTokenizer.maxVocabularyBytes + 1))
        try handle.close()
        #expect(throws: TensorError("the vocabulary \(folder)/big.txt is larger than 64 MB, the most a vocabulary may hold")) {
            try BertTokenizer(vocabularyFile: folder + "/big.txt")
        }
    }

    /// Tokens are told apart by their scalars, as Python's dict does: é as one scalar and e
    /// followed by a combining acute accent are two vocabulary entries (String's == would call
    /// them equal), and WordPiece matches each only to itself.
    @Test func vocabularyKeepsCanonicallyEquivalentTokensApart() throws {
        let composed = "caf\u{E9}", decomposed = "cafe\u{301}"
        let t = try BertTokenizer(vocabulary: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", composed, decomposed, "caf", "##\u{E9}", "x", "x"])
        #expect(composed == decomposed)   // what String alone would do
        #expect(t.id(of: composed) == 4 && t.id(of: decomposed) == 5)
        #expect(t.id(of: "x") == 9)       // a repeated token keeps its last id, as load_vocab
        #expect(t.id(of: "cafe") == nil)
        #expect(t.wordPiece(composed).map { Array($0.unicodeScalars) } == [Array(composed.unicodeScalars)])
        #expect(t.wordPiece(decomposed).map { Array($0.unicodeScalars) } == [Array(decomposed.unicodeScalars)])
        #expect(t.wordPiece("caf\u{E9}\u{E9}") == ["caf\u{E9}", "##\u{E9}"])
        #expect(t.wordPiece("caf\u{E9}e\u{301}") == ["[UNK]"])   // ##e◌́ is not in the vocabulary
    }

    /// BERT's `whitespace_tokenize` is Python's `str.split()`: after cleaning it still splits
    /// at U+2028 and U+2029, which `_is_whitespace` does not count (checked with Python:
    /// `"a\u2028b".split() == ["a", "b"]`); U+0085 is a control character and is dropped.
    @Test func basicTokenizerSplitsAtLineSeparatorsAsStrSplit() throws {
        let t = try BertTokenizer(vocabulary: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "b"])
        #expect(t.basic("a\u{2028}b\u{2029}c").words == ["a", "b", "c"])
        #expect(t.basic("a\u{85}b").words == ["ab"])
    }

    /// A large array goes through GELU in chunks on several threads: every entry still gets
    /// the bits the one-number form gives it (the chunk edges included).
    @Test func geluOfALargeArrayIsGeluOfEachEntry() {
        let count = GELU.parallelCount * 2 + 3
        let x: [Double] = (0..<count).map { (i: Int) -> Double in
            let spread = Double(i % 2001 - 1000) / 137.0
            return spread + Double(i) * 1e-9
        }
        var y = x
        GELU.apply(&y)
        #expect(y.count == count)
        #expect(zip(x, y).allSatisfy { GELU.exact($0).bitPattern == $1.bitPattern })
        #expect(abs(y[1137] - GELU.exact(x[1137])) == 0 && y[1137] != x[1137])
    }

    /// GELU against values written out from erf: GELU(1) = 0.5·(1 + erf(1/√2)) = 0.8413447460685429,
    /// GELU(−1) = −0.15865525393145707 (scipy.special.erf), GELU(0) = 0.
    @Test func geluIsTheExactErfForm() {
        #expect(abs(GELU.exact(1) - 0.8413447460685429) < 1e-15)
        #expect(abs(GELU.exact(-1) - -0.15865525393145707) < 1e-15)
        #expect(GELU.exact(0) == 0)
        // The tanh approximation would give 0.8411919906082768 at 1.
        #expect(abs(GELU.exact(1) - 0.8411919906082768) > 1e-4)
    }

    /// numpy: x = [1, 2, 3, 4]; (x − 2.5)/sqrt(1.25 + 1e-12) * [1, 2, 0.5, -1] + [0, 1, 0, 0.5]
    /// = [-1.3416407864993372, 0.10557280900044197, 0.2236067977498895, -0.8416407864993372].
    @Test func layerNormWithWeightAndBias() throws {
        let y = try LayerNorm.normalize(.matrix([[1, 2, 3, 4]]), epsilon: 1e-12, weight: [1, 2, 0.5, -1], bias: [0, 1, 0, 0.5])
        let expected = [-1.3416407864993372, 0.10557280900044197, 0.2236067977498895, -0.8416407864993372]
        #expect(zip(y.output.data, expected).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(throws: TensorError.self) { try LayerNorm.normalize(.matrix([[1, 2]]), weight: [1, 2, 3]) }
    }

    @Test func notABertFolderIsAClearError() throws {
        let folder = try temporaryFolder(["config.json": #"{"model_type": "gpt2", "hidden_size": 8}"#, "vocab.txt": "[UNK]\n", "model.safetensors": ""])
        do { _ = try BertModel(directory: folder); Issue.record("no error") }
        catch let e as TensorError { #expect(e.message.contains("not a BERT model")) }
        let empty = try temporaryFolder()
        do { _ = try BertModel(directory: empty); Issue.record("no error") }
        catch let e as TensorError { #expect(e.message.contains("has no config.json")) }
    }

    /// SPEC §3: `from=NAME` is a folder NAME under `--model-dir`, default `$STEPMARK_MODEL_DIR`
    /// or `.cache/models`. The flag wins over the variable, on every command that runs lessons.
    @Test func modelDirFlagNamesWhereFromNameLooks() throws {
        let models = try temporaryFolder()
        try FileManager.default.createSymbolicLink(atPath: (models as NSString).appendingPathComponent("tiny"), withDestinationPath: tinyBertPath)
        let lesson = "```model from=tiny\n```\n\n```transformer\nhello world\n```\n"
        let root = try temporaryFolder(["l.md": lesson])
        defer { try? FileManager.default.removeItem(atPath: root); try? FileManager.default.removeItem(atPath: models) }
        let found = try stepmark(["run", "l.md", "--format", "json", "--model-dir", models], in: root,
                                 environment: ["STEPMARK_MODEL_DIR": "/nonexistent/models"])
        #expect(found.status == 0, "\(found.stderr)")
        #expect(found.stdout.contains(#""name":"parameters""#), "\(found.stdout.prefix(300))")
        for command in [["run", "l.md"], ["check", "l.md"], ["step", "l.md"], ["render", "l.md", "--out", "out"], ["assign", "l.md", "--out", "hw"]] {
            let missing = try stepmark(command + ["--model-dir", "/nonexistent/elsewhere"], in: root)
            #expect(missing.status != 0, "\(command)")
            #expect((missing.stdout + missing.stderr).contains("no model 'tiny' in /nonexistent/elsewhere;"), "\(command): \(missing.stdout)\(missing.stderr)")
        }
    }
}

/// Lesson 07 end to end through the CLI: what its JSON records for the two bank sentences
/// (layer 1's heads and output, layer 6 of the river sentence, the sentence vectors, the
/// "bank" row of every layer) against numpy float64.
@Suite(.serialized) struct LessonSevenTests {
    func numbers(_ value: [String: Any]) -> Tensor? {
        guard let shape = value["shape"] as? [Int] else { return nil }
        if let rows = value["data"] as? [[NSNumber]] {
            return .matrix(rows: shape[0], cols: shape[1], data: rows.flatMap { $0.map(\.doubleValue) })
        }
        if let v = value["data"] as? [NSNumber] { return .vector(v.map(\.doubleValue)) }
        if let x = value["data"] as? NSNumber { return .scalar(x.doubleValue) }
        return nil
    }

    @Test(.enabled(if: miniLMPresent), arguments: ["en", "ko"]) func lessonMatchesNumpy(language: String) throws {
        let lesson = (repositoryRoot as NSString).appendingPathComponent("lessons/\(language)/07-a-real-encoder.md")
        // A raised time limit: the debug build under a fully loaded test run is slow; speed is
        // measured by bench/encoder.py, not here.
        let run = try stepmark(["run", lesson, "--format", "json", "--max-seconds", "300"], in: repositoryRoot)
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let steps = try #require(report["steps"] as? [[String: Any]])
        let river = try numpyReference(miniLMPath, "i sat on the river bank.")
        let money = try numpyReference(miniLMPath, "i deposited money at the bank.")
        var compared = 0
        for step in steps where step["directive"] as? String == "transformer" {
            let values = try #require(step["values"] as? [[String: Any]])
            let tokens = values.first { $0["name"] as? String == "tokens" }?["tokens"] as? [String]
            let ref = tokens?.contains("river") == true ? river : money
            for value in values {
                guard let name = value["name"] as? String, let t = numbers(value) else { continue }
                #expect(maxDifference(t, ref[name]) <= 1e-9, "\(name)")
                compared += 1
            }
        }
        #expect(compared >= 3 * 15)
        // money0 … money6: the "bank" row (token 6) of every layer of the money sentence.
        let lets = steps.filter { $0["directive"] as? String == "let" }
        let moneyValues = lets.flatMap { ($0["values"] as? [[String: Any]]) ?? [] }.filter { ($0["name"] as? String ?? "").hasPrefix("money") }
        #expect(moneyValues.count == 7)
        for value in moneyValues {
            let name = value["name"] as! String
            let layer = Int(name.dropFirst(5))!
            let key = layer == 0 ? "embeddings.output" : "layer\(layer).output"
            let bank = (money[key] as! [[NSNumber]])[6].map(\.doubleValue)
            #expect(close(numbers(value), bank, tolerance: 1e-9), "\(name)")
        }
        #expect((report["exercises"] as? [[String: Any]])?.allSatisfy { $0["passed"] as? Bool == true } == true)
    }
}
