import FoundationEssentials

/// A reader for the safetensors format (Hugging Face): the file is
///
///     [8 bytes: N, little-endian u64] [N bytes: UTF-8 JSON header] [tensor data]
///
/// The header maps each tensor name to `{"dtype": "F32", "shape": [r, c], "data_offsets":
/// [start, end]}`, offsets counted in bytes from the start of the data; an optional
/// `"__metadata__"` entry maps strings to strings. Data is little-endian and row-major.
///
/// The file is memory-mapped; `doubles(_:)` widens one tensor to `Double` when asked (F32 →
/// Double is exact), and `float32(_:)` hands out an F32 tensor where it lies, for kernels that
/// widen as they read. Everything the header claims is checked against the file before any
/// tensor is read, so a truncated or lying file is a clear error, never a crash.
public struct SafetensorsFile: Sendable {
    /// The element types stepmark reads.
    public enum DType: String, Sendable {
        case f32 = "F32", f64 = "F64", i64 = "I64"
        public var byteCount: Int { self == .f32 ? 4 : 8 }
    }

    /// One tensor as the header describes it.
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var dtype: DType
        public var shape: [Int]
        /// Byte range inside the data section.
        public var start: Int
        public var end: Int
        public var count: Int { shape.reduce(1, *) }
    }

    /// The largest header accepted (the safetensors library's own limit is 100 MB).
    public static let maxHeaderBytes = 100_000_000
    /// The most tensors a header may list. Real checkpoints list hundreds (all-MiniLM-L6-v2:
    /// about 100; a large language model's shard a few thousand); a crafted 89 MB header of
    /// 1.5 million empty tensors took the JSON decoder some 40 s and 1.4 GB. Counted as `{`
    /// bytes before decoding (one per entry, so a `{` inside a name only errs on the safe side).
    public static let maxTensors = 65_536
    /// The most values a header may hold (`JSONValue.valueBound`): a tensor's entry is about
    /// ten (a dtype, a shape, two offsets), so this leaves room for `maxTensors` of them and
    /// refuses a header of one huge array, which has no `{` to count.
    public static let maxHeaderValues = 16 * maxTensors

    public let path: String
    /// The tensors, sorted by name.
    public let entries: [Entry]
    public let metadata: [String: String]
    /// The whole file, memory-mapped: tensors are read from it only when asked for.
    private let file: MappedFile
    private let dataStart: Int
    private let index: [String: Int]

    /// Opens and validates `path`.
    /// - Throws: a `TensorError` naming the file when it cannot be read, is shorter than its
    ///   header says, has a header that is not the expected JSON, a dtype other than F32, F64
    ///   or I64, a shape whose size disagrees with its byte range, or a byte range outside the
    ///   data section.
    public init(path: String) throws {
        let name = FilePathText.lastComponent(path)
        func fail(_ why: String) -> TensorError { TensorError("\(name) is not a valid safetensors file: \(why)") }
        let file: MappedFile
        do {
            file = try RegularFile.map(path)
        } catch {
            throw TensorError("cannot read \(path): \(error.message)")
        }
        let data = file.bytes
        guard data.count >= 8 else { throw fail("it has \(data.count) bytes, fewer than the 8 of the header length") }
        var headerLength: UInt64 = 0
        for i in (0..<8).reversed() { headerLength = headerLength << 8 | UInt64(data[i]) }
        guard headerLength <= UInt64(Self.maxHeaderBytes) else {
            throw fail("the header claims \(headerLength) bytes, over the limit of \(Self.maxHeaderBytes)")
        }
        guard headerLength <= UInt64(data.count - 8) else {
            throw fail("the header claims \(headerLength) bytes but only \(data.count - 8) follow (the file is truncated)")
        }
        let start = 8 + Int(headerLength)
        var braces = 0
        for byte in data[8..<start] where byte == UInt8(ascii: "{") { braces += 1 }
        guard braces <= Self.maxTensors + 1 else {   // the header's own (__metadata__ counts as a tensor)
            throw fail("the header lists more than \(Self.maxTensors) tensors")
        }
        guard JSONValue.valueBound(data[8..<start]) <= Self.maxHeaderValues else {
            throw fail("the header holds more than \(Self.maxHeaderValues) values")
        }
        guard let header = JSONValue.parse(Data(data[8..<start]))?.object else {
            throw fail("its header is not a JSON object")
        }
        let available = data.count - start
        var entries: [Entry] = []
        var metadata: [String: String] = [:]
        for (key, raw) in header {
            if key == "__metadata__" {
                if let m = raw.object { for (k, v) in m { metadata[k] = v.description } }
                continue
            }
            guard let info = raw.object else { throw fail("the entry of '\(key)' is not an object") }
            guard let typeName = info["dtype"]?.string else { throw fail("'\(key)' has no dtype") }
            guard let dtype = DType(rawValue: typeName) else {
                throw fail("'\(key)' has dtype \(typeName); stepmark reads F32, F64 and I64")
            }
            guard let shapeValues = info["shape"]?.array, shapeValues.count <= 8 else { throw fail("'\(key)' has no shape list") }
            var shape: [Int] = []
            var count = 1
            for s in shapeValues {
                guard let n = s.int, n >= 0, n <= Int(Int32.max) else {
                    throw fail("'\(key)' has a shape entry that is not a size: \(s)")
                }
                let (product, overflow) = count.multipliedReportingOverflow(by: n)
                guard !overflow, product <= available else { throw fail("'\(key)' has a shape \(shapeValues) larger than the file") }
                count = product
                shape.append(n)
            }
            guard let offsets = info["data_offsets"]?.array, offsets.count == 2 else {
                throw fail("'\(key)' has no data_offsets [start, end]")
            }
            guard let b = offsets[0].int, let e = offsets[1].int else {
                throw fail("'\(key)' has data_offsets that are not byte positions (whole numbers up to 2^53)")
            }
            guard b >= 0, b <= e else { throw fail("'\(key)' has data_offsets [\(b), \(e)] that run backwards") }
            guard e <= available else {
                throw fail("'\(key)' ends at byte \(e) of the data but the data has \(available) bytes (the file is truncated)")
            }
            guard e - b == count * dtype.byteCount else {
                throw fail("'\(key)' is \(dtype.rawValue) of shape \(shape) (\(count * dtype.byteCount) bytes) but its data_offsets span \(e - b) bytes")
            }
            entries.append(Entry(name: key, dtype: dtype, shape: shape, start: b, end: e))
        }
        // Each tensor has bytes of its own, as the format's own reader requires: a header whose
        // hundred tensors all point at the same megabyte made a 1.2 MB file cost 1.26 GB once
        // each layer's weights were widened to Double (red-team pass).
        let byStart = entries.filter { $0.end > $0.start }.sorted { ($0.start, $0.name) < ($1.start, $1.name) }
        for (previous, next) in zip(byStart, byStart.dropFirst()) where next.start < previous.end {
            throw fail("'\(next.name)' has data_offsets [\(next.start), \(next.end)] that overlap those of '\(previous.name)' [\(previous.start), \(previous.end)]; every tensor has bytes of its own")
        }
        entries.sort { $0.name < $1.name }
        self.path = path
        self.entries = entries
        self.metadata = metadata
        self.file = file
        self.dataStart = start
        self.index = Dictionary(entries.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public func entry(_ name: String) -> Entry? { index[name].map { entries[$0] } }

    /// The values of tensor `name`, row-major, widened to Double.
    /// - Throws: when there is no such tensor.
    public func doubles(_ name: String) throws -> [Double] {
        guard let e = entry(name) else {
            throw TensorError("\(FilePathText.lastComponent(path)) has no tensor '\(name)'")
        }
        return try doubles(name, elements: 0..<e.count)
    }

    /// Elements `elements` of tensor `name` (row-major positions), widened to Double: one row of
    /// a large table without reading the rest.
    /// - Throws: when there is no such tensor or the range is outside it.
    public func doubles(_ name: String, elements: Range<Int>) throws -> [Double] {
        guard let e = entry(name) else {
            throw TensorError("\(FilePathText.lastComponent(path)) has no tensor '\(name)'")
        }
        guard elements.lowerBound >= 0, elements.upperBound <= e.count else {
            throw TensorError("elements \(elements.lowerBound)..<\(elements.upperBound) are outside '\(name)', which has \(e.count)")
        }
        let n = elements.count
        let base = file.bytes.baseAddress! + dataStart + e.start + elements.lowerBound * e.dtype.byteCount
        return [Double](unsafeUninitializedCapacity: n) { out, initialised in
            switch e.dtype {
            case .f32:
                for i in 0..<n { out[i] = Double(Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))) }
            case .f64:
                for i in 0..<n { out[i] = Double(bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))) }
            case .i64:
                for i in 0..<n { out[i] = Double(Int64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))) }
            }
            initialised = n
        }
    }

    /// Tensor `name` as it lies in the file, when it is F32 and 4-byte aligned (a safetensors
    /// writer pads the header so that it is): nil otherwise, and the caller widens it with
    /// `doubles(_:)` instead. The values are little-endian, as on every machine stepmark runs on.
    public func float32(_ name: String) -> MappedFloats? {
        guard let e = entry(name), e.dtype == .f32 else { return nil }
        let base = file.bytes.baseAddress! + dataStart + e.start
        guard Int(bitPattern: base) % MemoryLayout<Float>.alignment == 0 else { return nil }
        return MappedFloats(file: file, base: base.assumingMemoryBound(to: Float.self), count: e.count)
    }
}

/// An F32 tensor read in place from a memory-mapped safetensors file, which it keeps mapped.
public struct MappedFloats: @unchecked Sendable {
    let file: MappedFile
    public let base: UnsafePointer<Float>
    public let count: Int
}
