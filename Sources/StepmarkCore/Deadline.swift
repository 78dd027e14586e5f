import FoundationEssentials

/// A wall-clock deadline that long kernels check between chunks of work, so that SPEC §7's
/// time limit holds inside one step too (a 1000×1000 PCA, a long chain of `@`, many heads),
/// not only between steps.
///
/// Checking costs one clock read; kernels call `check` every few million multiply-adds, so a
/// step overruns the limit by at most a fraction of a second.
public struct Deadline: Sendable, Equatable {
    /// When the time is up; nil for no limit.
    public var date: Date?
    /// The limit in seconds, for the message.
    public var seconds: Double

    public init(date: Date?, seconds: Double) {
        self.date = date
        self.seconds = seconds
    }

    /// No time limit (the default for library callers and tests).
    public static let none = Deadline(date: nil, seconds: .infinity)

    /// True when the time is up.
    public var hasPassed: Bool {
        guard let date else { return false }
        return Date() > date
    }

    /// - Throws: `TensorError` naming the limit and its flag when the time is up.
    public func check(_ what: @autoclosure () -> String) throws {
        guard hasPassed else { return }
        let limit = seconds == seconds.rounded() && seconds < 1e15 ? String(Int(seconds)) : String(seconds)
        throw TensorError("the lesson ran over its time limit of \(limit) s while computing \(what()) (raise it with --max-seconds)")
    }
}

/// The size of a result, computed before it is allocated.
public enum ResultSize {
    /// What a value of these dimensions is charged against the entry limit: their product with
    /// an empty dimension counted as 1, saturating at `Int.max`. For any value that holds
    /// numbers this is its number of entries; an empty `[10⁹, 0]` matrix holds none but still
    /// has 10⁹ rows for a reduction, an index, a transpose or the JSON to walk, so it is
    /// charged 10⁹ and refused before any of that work (or a per-row allocation) starts.
    public static func footprint(_ dimensions: [Int]) -> Int {
        product(dimensions.map { Swift.max($0, 1) }) ?? .max
    }

    /// `dimensions` multiplied, or nil when the product overflows `Int`.
    public static func product(_ dimensions: [Int]) -> Int? {
        var count = 1
        for d in dimensions {
            let (p, overflow) = count.multipliedReportingOverflow(by: Swift.max(d, 0))
            if overflow { return nil }
            count = p
        }
        return count
    }

    /// - Throws: `TensorError` when a result of these dimensions would hold more than
    ///   `limit` entries: "`what` would have N entries, over the limit of L (raise it with
    ///   --max-entries)".
    public static func require(_ dimensions: [Int], atMost limit: Int, _ what: @autoclosure () -> String) throws {
        let count = product(dimensions)
        guard let count, count <= limit else {
            let n = count.map(String.init) ?? "more than \(Int.max)"
            throw TensorError("\(what()) would have \(n) entries, over the limit of \(limit) (raise it with --max-entries)")
        }
    }
}
