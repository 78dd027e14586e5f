import Testing
@testable import StepmarkCore

@Suite struct SplitMix64Tests {
    /// Reference outputs of SplitMix64 for seed 0 and seed 42, computed independently with
    /// Python integers masked to 64 bits (the algorithm as written in SPEC §2).
    @Test func knownOutputs() {
        var g = SplitMix64(seed: 0)
        #expect(g.next() == 0xE220_A839_7B1D_CDAF)
        #expect(g.next() == 0x6E78_9E6A_A1B9_65F4)
        var h = SplitMix64(seed: 42)
        #expect(h.next() == 0xBDD7_3226_2FEB_6E95)
    }
}
