/// Work items computed on several threads and handed back in order: how a course renders its
/// lessons on every core while it writes the pages, prints the diagnostics and builds the index
/// one lesson after another, exactly as a single thread would.
///
/// `compute` runs on `jobs` worker threads; `consume` runs on the calling thread, in order 0, 1,
/// 2, …, as each result is ready. Workers only start items of the window `consumed ..<
/// consumed + ahead` (a worker with nothing left there sleeps), so at most `ahead` results wait
/// and memory holds a bounded number of results however many items there are. Within the
/// window a worker takes the item of highest `priority` (the lowest index among equals; without
/// priorities, simply the next item): given each item's expected cost, the longest item starts
/// first rather than last, while the others fill the remaining threads. The item the consumer
/// waits for is always in the window, so it is always started. With one job, items simply run
/// in order. When `consume` throws, the workers finish the item in hand, start no other, and
/// are joined before the error is rethrown: no thread outlives the call.
///
/// Why not `DispatchQueue.concurrentPerform`: it returns only when every item is done, so
/// nothing could be consumed (written) while later items compute, and every result would be
/// held at once.
public enum OrderedParallel {
    public static func run<Result: Sendable>(count: Int, jobs: Int, ahead: Int, priority: [Int] = [],
                                             compute: @escaping @Sendable (Int) -> Result,
                                             consume: (Int, Result) throws -> Void) rethrows {
        precondition(priority.isEmpty || priority.count == count, "one priority per item, or none")
        let jobs = min(max(1, jobs), count)
        guard jobs > 1 else {
            for i in 0..<count { try consume(i, compute(i)) }
            return
        }
        let state = State<Result>(count: count, ahead: max(jobs, ahead), priority: priority)
        var threads: [pthread_t] = []
        for _ in 0..<jobs {
            if let thread = SystemThread.start(detached: false, { state.work(compute) }) { threads.append(thread) }
        }
        if threads.isEmpty {
            // The system gave no thread: compute here, one at a time.
            for i in 0..<count { try consume(i, compute(i)) }
            return
        }
        defer {
            state.stop()
            for thread in threads { pthread_join(thread, nil) }
        }
        for i in 0..<count { try consume(i, state.take(i)) }
    }

    /// What the workers and the consumer share, under one lock.
    final class State<Result: Sendable>: @unchecked Sendable {
        let condition = ThreadCondition()
        let count: Int
        let ahead: Int
        let priority: [Int]
        /// Every item below this one has been started.
        var firstUnstarted = 0
        /// Which items at or past `firstUnstarted` have been started (out of order, for their
        /// priority).
        var started: Set<Int> = []
        var consumed = 0
        var stopped = false
        var results: [Int: Result] = [:]

        init(count: Int, ahead: Int, priority: [Int]) {
            self.count = count
            self.ahead = ahead
            self.priority = priority
        }

        /// The item a free worker should start now, if the window holds one; marks it started.
        /// Called under the lock.
        func pick() -> Int? {
            let end = min(count, consumed + ahead)
            var best: Int? = nil
            for i in firstUnstarted..<max(firstUnstarted, end) where !started.contains(i) {
                if priority.isEmpty { best = i; break }
                if best == nil || priority[i] > priority[best!] { best = i }
            }
            guard let chosen = best else { return nil }
            started.insert(chosen)
            while started.remove(firstUnstarted) != nil { firstUnstarted += 1 }
            return chosen
        }

        /// A worker: starts items while there are any, sleeping while the window has none.
        func work(_ compute: (Int) -> Result) {
            while true {
                condition.lock()
                var item: Int? = nil
                while !stopped && firstUnstarted < count {
                    item = pick()
                    if item != nil { break }
                    condition.wait()
                }
                guard !stopped, let i = item else {
                    condition.unlock()
                    return
                }
                condition.unlock()
                let result = compute(i)
                condition.lock()
                results[i] = result
                condition.broadcast()
                condition.unlock()
            }
        }

        /// The consumer: waits for item `i`, takes it, and lets the workers move on.
        func take(_ i: Int) -> Result {
            condition.lock()
            defer { condition.unlock() }
            while results[i] == nil { condition.wait() }
            let result = results.removeValue(forKey: i)!
            consumed = i + 1
            condition.broadcast()
            return result
        }

        func stop() {
            condition.lock()
            stopped = true
            condition.broadcast()
            condition.unlock()
        }
    }
}
