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
