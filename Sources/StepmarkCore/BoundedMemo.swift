/// Answers already computed, by key, shared between threads: for pure functions that a render
/// asks again and again with the same argument (a course's 900 formulas are 307 distinct
/// texts). At most `capacity` entries: when full it starts over, so hostile input with
/// endless distinct keys costs at most that much memory, and the answer never depends on
/// what was cached.
public final class BoundedMemo<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    private let lock = ThreadLock()
    private var entries: [Key: Value] = [:]
    public let capacity: Int

    public init(capacity: Int) { self.capacity = max(1, capacity) }

    /// How many answers are kept now.
    public var count: Int { lock.withLock { entries.count } }

    /// The cached answer for `key`, else `compute(key)`, remembered. `compute` runs outside the
    /// lock (two threads may both compute a new key; they get equal answers).
    public func value(for key: Key, _ compute: (Key) -> Value) -> Value {
        if let hit = cached(key) { return hit }
        let value = compute(key)
        store(value, for: key)
        return value
    }

    /// The cached answer for `key`, if any: for callers that compute many answers at once.
    public func cached(_ key: Key) -> Value? { lock.withLock { entries[key] } }

    /// Remembers `value` for `key`.
    public func store(_ value: Value, for key: Key) {
        lock.withLock {
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = value
        }
    }
}
