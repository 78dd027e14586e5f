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
/// first rather than last, while the others fill the remaining threads. The workers themselves
/// ask `priority` for each item as it enters the window (once an item), so estimating costs no
/// start-up however many items there are, and an item is chosen only once the whole window is
/// estimated. The item the consumer waits for is always in the window, so it is always
/// started. With one job, items simply run in order and `priority` is never asked. When
/// `consume` throws, the workers finish the item in hand, start no other, and are joined before
/// the error is rethrown: no thread outlives the call.
///
/// Why not `DispatchQueue.concurrentPerform`: it returns only when every item is done, so
/// nothing could be consumed (written) while later items compute, and every result would be
/// held at once.
public enum OrderedParallel {
    public static func run<Result: Sendable>(count: Int, jobs: Int, ahead: Int,
                                             priority: (@Sendable (Int) -> Int)? = nil,
                                             compute: @escaping @Sendable (Int) -> Result,
                                             consume: (Int, Result) throws -> Void) rethrows {
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
        let priority: (@Sendable (Int) -> Int)?
        /// Every item below this one has been started.
        var firstUnstarted = 0
        /// Which items at or past `firstUnstarted` have been started (out of order, for their
        /// priority).
        var started: Set<Int> = []
        /// The priorities of the window's items not started yet, and the items a worker is
        /// asking `priority` about.
        var estimates: [Int: Int] = [:]
        var estimating: Set<Int> = []
        var consumed = 0
        var stopped = false
        var results: [Int: Result] = [:]

        init(count: Int, ahead: Int, priority: (@Sendable (Int) -> Int)?) {
            self.count = count
            self.ahead = ahead
            self.priority = priority
        }

        /// What a free worker does next.
        enum Task {
            case estimate(Int)
            case compute(Int)
        }

        /// The next task the window holds, if any: an item's priority still unknown, or else
        /// the item to start (marked started). Called under the lock.
        func next() -> Task? {
            let window = firstUnstarted..<max(firstUnstarted, min(count, consumed + ahead))
            var best: Int? = nil
            var waitingForAnEstimate = false
            for i in window where !started.contains(i) {
                guard priority != nil else { best = i; break }
                guard let estimate = estimates[i] else {
                    if estimating.contains(i) {
                        waitingForAnEstimate = true
                        continue
                    }
                    estimating.insert(i)
                    return .estimate(i)
                }
                if best == nil || estimate > estimates[best!]! { best = i }
            }
            guard !waitingForAnEstimate, let chosen = best else { return nil }
            estimates[chosen] = nil
            started.insert(chosen)
            while started.remove(firstUnstarted) != nil { firstUnstarted += 1 }
            return .compute(chosen)
        }

        /// A worker: estimates and starts items while there are any, sleeping while the window
        /// has nothing to do.
        func work(_ compute: (Int) -> Result) {
            while true {
                condition.lock()
                var task: Task? = nil
                while !stopped && firstUnstarted < count {
                    task = next()
                    if task != nil { break }
                    condition.wait()
                }
                guard !stopped, let task else {
                    condition.unlock()
                    return
                }
                condition.unlock()
                switch task {
                case .estimate(let i):
                    let estimate = priority?(i) ?? 0
                    condition.lock()
                    estimates[i] = estimate
                    estimating.remove(i)
                case .compute(let i):
                    let result = compute(i)
                    condition.lock()
                    results[i] = result
                }
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
