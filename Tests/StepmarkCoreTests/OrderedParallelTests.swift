import Testing
import Synchronization
@testable import StepmarkCore

@Suite struct OrderedParallelTests {
    /// Results come back in order whatever order the workers finish in (later items are
    /// quicker here), and no more than `ahead` wait at any time.
    /// With priorities that rise with the index, workers always take the last item of their
    /// window, the farthest from what the consumer waits for: still in order, still bounded.
    @Test(arguments: [1, 2, 3, 8], [false, true]) func resultsArriveInOrderAndStayBounded(jobs: Int, prioritised: Bool) {
        let started = Atomic<Int>(0), done = Atomic<Int>(0)
        let maxWaiting = Atomic<Int>(0)
        var seen: [Int] = []
        var consumedCount = 0
        var priority: (@Sendable (Int) -> Int)? = nil
        if prioritised { priority = { i in i } }
        OrderedParallel.run(count: 40, jobs: jobs, ahead: 4, priority: priority, compute: { i in
            started.add(1, ordering: .relaxed)
            usleep(UInt32((40 - i) * 50))
            done.add(1, ordering: .relaxed)
            return i * i
        }, consume: { i, square in
            #expect(square == i * i)
            seen.append(i)
            consumedCount += 1
            let waiting = done.load(ordering: .relaxed) - consumedCount
            _ = maxWaiting.max(waiting, ordering: .relaxed)
        })
        #expect(seen == Array(0..<40))
        #expect(started.load(ordering: .relaxed) == 40)
        #expect(maxWaiting.load(ordering: .relaxed) <= max(4, jobs))
    }

    /// The items the two workers start first: the two best of the window, ties to the lower index.
    func firstTwoStarted(count: Int, ahead: Int, priority: [Int]) -> Set<Int> {
        let order = Mutex<[Int]>([])
        var consumed: [Int] = []
        let asked = Mutex<[Int]>([])
        var estimate: (@Sendable (Int) -> Int)? = nil
        if !priority.isEmpty {
            estimate = { i in
                asked.withLock { $0.append(i) }
                return priority[i]
            }
        }
        OrderedParallel.run(count: count, jobs: 2, ahead: ahead, priority: estimate, compute: { i in
            order.withLock { $0.append(i) }
            usleep(2_000)
            return i
        }, consume: { i, value in
            #expect(value == i)
            consumed.append(i)
        })
        #expect(consumed == Array(0..<count))
        let all = order.withLock { $0 }
        #expect(all.sorted() == Array(0..<count))   // each item computed once
        let estimated = asked.withLock { $0 }
        #expect(estimated.sorted() == (priority.isEmpty ? [] : Array(0..<count)))   // each item estimated once
        return Set(all.prefix(2))
    }

    @Test func theCostliestItemOfTheWindowStartsFirst() {
        var priority = Array(repeating: 0, count: 10)
        priority[6] = 9
        #expect(firstTwoStarted(count: 10, ahead: 8, priority: priority) == [6, 0])
        priority[3] = 9   // a tie: the lower index wins
        #expect(firstTwoStarted(count: 10, ahead: 8, priority: priority) == [3, 6])
        // Beyond the window, a costly item waits its turn: memory stays bounded.
        #expect(firstTwoStarted(count: 10, ahead: 4, priority: [0, 0, 0, 0, 0, 0, 0, 0, 0, 9]) == [0, 1])
        #expect(firstTwoStarted(count: 10, ahead: 8, priority: []) == [0, 1])
    }

    struct Stop: Error {}

    /// A consumer that throws stops the run: the error comes out, later items are not started
    /// (beyond the few already in hand), and the call returns only after its threads end.
    @Test func aThrowingConsumerStopsTheWorkers() {
        let started = Atomic<Int>(0)
        #expect(throws: Stop.self) {
            try OrderedParallel.run(count: 1000, jobs: 2, ahead: 4, compute: { i in
                started.add(1, ordering: .relaxed)
                return i
            }, consume: { i, _ in if i == 3 { throw Stop() } })
        }
        let afterReturn = started.load(ordering: .relaxed)
        #expect(afterReturn < 20)
        usleep(20_000)
        #expect(started.load(ordering: .relaxed) == afterReturn)   // nothing runs on after the call
    }

    @Test func noItemsAndOneItem() {
        var seen: [Int] = []
        OrderedParallel.run(count: 0, jobs: 4, ahead: 4, compute: { $0 }, consume: { i, _ in seen.append(i) })
        OrderedParallel.run(count: 1, jobs: 4, ahead: 4, compute: { $0 + 7 }, consume: { _, v in seen.append(v) })
        #expect(seen == [7])
    }
}
