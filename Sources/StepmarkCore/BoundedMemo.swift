/// Answers already computed, by key, shared between threads: for pure functions that a render
/// asks again and again with the same argument (a course's 900 formulas are 307 distinct
/// texts). At most `capacity` entries: when full it starts over, so hostile input with
/// endless distinct keys costs at most that much memory, and the answer never depends on
/// what was cached.
///
/// Expensive answers (a pretrained encoder's) are computed once even when two threads ask at
/// the same time: `claim` hands each key not kept yet to exactly one thread, and the others
/// `wait(for:)` its answer instead of computing it again (the Korean and English lesson 07 run
/// the same sentences side by side under `render --jobs`). A thread that holds claims never
/// waits (it computes, then stores or releases), so waiting cannot deadlock; a claim given up
/// or an answer dropped to stay in capacity goes to the next thread that waits for it.
public final class BoundedMemo<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    private let guarded = ThreadCondition()
    private var entries: [Key: Value] = [:]
    /// Keys some thread has claimed and is computing now.
    private var computing: Set<Key> = []
    public let capacity: Int

    public init(capacity: Int) { self.capacity = max(1, capacity) }

    /// How many answers are kept now.
    public var count: Int { locked { entries.count } }

    /// The cached answer for `key`, else `compute(key)`, remembered. `compute` runs outside the
    /// lock (two threads may both compute a new key; they get equal answers): for cheap answers.
    public func value(for key: Key, _ compute: (Key) -> Value) -> Value {
        if let hit = cached(key) { return hit }
        let value = compute(key)
        store(value, for: key)
        return value
    }

    /// The cached answer for `key`, if any: for callers that compute many answers at once.
    public func cached(_ key: Key) -> Value? { locked { entries[key] } }

    /// Remembers `value` for `key`, and ends any claim on it (waiters wake).
    public func store(_ value: Value, for key: Key) {
        locked {
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = value
            computing.remove(key)
        }
        guarded.broadcast()
    }

    /// What a thread gets for the keys it asks about.
    public struct Claim {
        /// Answers already kept.
        public var found: [Key: Value] = [:]
        /// Keys now claimed by the caller, which must `store` or `release` every one.
        public var mine: [Key] = []
        /// Keys another thread is computing: `wait(for:)` them once the caller holds no claim.
        public var others: [Key] = []
    }

    /// Sorts `keys` into answers kept, keys claimed for the caller and keys being computed by
    /// another thread (each distinct key once, in the order given).
    public func claim(_ keys: [Key]) -> Claim {
        locked { sortLocked(keys) }
    }

    /// `claim`'s sorting, with the lock already held.
    private func sortLocked(_ keys: [Key]) -> Claim {
        var claim = Claim(), seen = Set<Key>()
        for key in keys where seen.insert(key).inserted {
            if let value = entries[key] { claim.found[key] = value }
            else if computing.contains(key) { claim.others.append(key) }
            else { computing.insert(key); claim.mine.append(key) }
        }
        return claim
    }

    /// Gives up claims without an answer (the computation failed): a waiter takes them over.
    public func release(_ keys: [Key]) {
        locked { for key in keys { computing.remove(key) } }
        guarded.broadcast()
    }

    /// Waits until no other thread is computing any of `keys`, calling `checkpoint` (which may
    /// throw, such as a deadline) every `pollSeconds` while it waits. Returns the answers kept
    /// by then; the rest (a claim given up, an answer since dropped) are claimed for the caller.
    /// The caller must hold no claims (else two threads could wait on each other).
    public func wait(for keys: [Key], pollSeconds: Double = 0.05, checkpoint: () throws -> Void) throws -> Claim {
        while true {
            guarded.lock()
            if !keys.contains(where: { entries[$0] == nil && computing.contains($0) }) {
                // No key is another thread's any more: sorting them leaves no `others`.
                let claim = sortLocked(keys)
                guarded.unlock()
                return claim
            }
            guarded.wait(seconds: pollSeconds)
            guarded.unlock()
            try checkpoint()
        }
    }

    /// The answer for `key`, computed by this thread only if no other thread is computing it
    /// already (else its answer is awaited); `compute` may throw, and its error is this
    /// thread's alone: a waiter whose key's computation failed computes it itself.
    public func value(for key: Key, checkpoint: () throws -> Void, _ compute: (Key) throws -> Value) throws -> Value {
        var claim = claim([key])
        if claim.found[key] == nil && claim.mine.isEmpty { claim = try wait(for: [key], checkpoint: checkpoint) }
        if let value = claim.found[key] { return value }
        do {
            let value = try compute(key)
            store(value, for: key)
            return value
        } catch {
            release([key])
            throw error
        }
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        guarded.lock()
        defer { guarded.unlock() }
        return try body()
    }
}
