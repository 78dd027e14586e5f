import Testing
@testable import StepmarkCore

@Suite struct BoundedMemoTests {
    @Test func answersAreComputedOnceAndTheMemoStaysWithinItsCapacity() {
        let memo = BoundedMemo<Int, Int>(capacity: 3)
        var calls = 0
        func square(_ x: Int) -> Int { memo.value(for: x) { calls += 1; return $0 * $0 } }
        #expect(square(4) == 16 && square(4) == 16 && calls == 1)
        // Ten distinct keys through a memo of three: every answer right, never more than three kept.
        for x in 0..<10 { #expect(square(x) == x * x) }
        #expect(square(9) == 81)
        #expect(calls == 11)   // 4, then 0…9; 9 was still cached
        #expect(memo.count <= 3)
    }
}

/// Single flight: what two threads ask at once is computed by one of them.
@Suite struct BoundedMemoSingleFlightTests {
    final class Counter: @unchecked Sendable {
        private let lock = ThreadLock()
        private var n = 0
        func add() { lock.withLock { n += 1 } }
        var value: Int { lock.withLock { n } }
    }

    /// Runs `body(i)` on `count` threads at once and waits for all of them.
    func together(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let done = ThreadCondition()
        let finished = Counter()
        for i in 0..<count {
            SystemThread.start(detached: true) {
                body(i)
                finished.add()
                done.lock(); done.broadcast(); done.unlock()
            }
        }
        done.lock()
        while finished.value < count { done.wait(seconds: 0.05) }
        done.unlock()
    }

    @Test func aKeyAskedByFourThreadsAtOnceIsComputedOnce() {
        let memo = BoundedMemo<String, Int>(capacity: 8)
        let calls = Counter()
        let answers = BoundedMemo<Int, Int>(capacity: 8)
        together(4) { i in
            let value = try! memo.value(for: "slow", checkpoint: {}) { key in
                calls.add()
                usleep(100_000)   // long enough that the other three ask while it runs
                return key.count
            }
            answers.store(value, for: i)
        }
        #expect(calls.value == 1)
        #expect((0..<4).map { answers.cached($0) } == [4, 4, 4, 4])
    }

    @Test func claimSortsKeysIntoKeptMineAndOthers() {
        let memo = BoundedMemo<Int, Int>(capacity: 8)
        memo.store(10, for: 1)
        let first = memo.claim([1, 2, 2, 3])
        #expect(first.found == [1: 10] && first.mine == [2, 3] && first.others.isEmpty)
        let second = memo.claim([3, 4])
        #expect(second.found.isEmpty && second.mine == [4] && second.others == [3])
        memo.store(30, for: 3)
        let third = memo.claim([3])
        #expect(third.found == [3: 30] && third.mine.isEmpty)
        memo.release([2, 4])
        #expect(memo.claim([2]).mine == [2])
    }

    /// The owner's failure is its own: the waiter takes the claim over and computes.
    @Test func aWaiterComputesWhatTheOwnerGaveUp() {
        let memo = BoundedMemo<Int, Int>(capacity: 8)
        #expect(memo.claim([7]).mine == [7])   // this thread owns 7
        let computed = Counter(), answered = Counter()
        together(2) { i in
            if i == 0 {
                let value = try! memo.value(for: 7, checkpoint: {}) { computed.add(); return $0 * 6 }
                if value == 42 { answered.add() }
            } else {
                usleep(100_000)   // while thread 0 waits, the owner gives up
                #expect(memo.claim([7]).others == [7])
                memo.release([7])
            }
        }
        #expect(computed.value == 1 && answered.value == 1)
        #expect(memo.cached(7) == 42)
    }

    @Test func aWaiterStopsAtItsOwnDeadline() throws {
        struct Late: Error {}
        let memo = BoundedMemo<Int, Int>(capacity: 8)
        #expect(memo.claim([5]).mine == [5])   // never stored nor released
        var checks = 0
        #expect(throws: Late.self) {
            _ = try memo.value(for: 5, checkpoint: { checks += 1; if checks == 3 { throw Late() } }) { $0 }
        }
        #expect(checks == 3)
        memo.store(25, for: 5)
        #expect(try memo.value(for: 5, checkpoint: {}) { _ in -1 } == 25)
    }
}
