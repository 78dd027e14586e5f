/// Work items computed on several threads and handed back in order: how a course renders its
/// lessons on every core while it writes the pages, prints the diagnostics and builds the index
/// one lesson after another, exactly as a single thread would.
///
/// `compute` runs on `jobs` worker threads, which take the items in order; `consume` runs on the
/// calling thread, in order 0, 1, 2, …, as each result is ready. At most `ahead` results wait
/// to be consumed (a worker that gets that far ahead sleeps), so memory holds a bounded number
/// of results however many items there are. When `consume` throws, the workers finish the item
/// in hand, start no other, and are joined before the error is rethrown: no thread outlives
/// the call.
///
/// Why not `DispatchQueue.concurrentPerform`: it returns only when every item is done, so
/// nothing could be consumed (written) while later items compute, and every result would be
/// held at once.
public enum OrderedParallel {
    public static func run<Result: Sendable>(count: Int, jobs: Int, ahead: Int,
                                             compute: @escaping @Sendable (Int) -> Result,
                                             consume: (Int, Result) throws -> Void) rethrows {
        let jobs = min(max(1, jobs), count)
        guard jobs > 1 else {
            for i in 0..<count { try consume(i, compute(i)) }
            return
        }
        let state = State<Result>(ahead: max(jobs, ahead))
        var threads: [pthread_t] = []
        for _ in 0..<jobs {
            if let thread = SystemThread.start(detached: false, { state.work(count: count, compute) }) { threads.append(thread) }
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
        let ahead: Int
        var next = 0
        var consumed = 0
        var stopped = false
        var results: [Int: Result] = [:]

        init(ahead: Int) { self.ahead = ahead }

        /// A worker: takes the next item while there is one and it is not too far ahead.
        func work(count: Int, _ compute: (Int) -> Result) {
            while true {
                condition.lock()
                while !stopped && next < count && next - consumed >= ahead { condition.wait() }
                if stopped || next >= count {
                    condition.unlock()
                    return
                }
                let i = next
                next += 1
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
