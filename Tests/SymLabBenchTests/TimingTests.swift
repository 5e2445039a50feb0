import SymLabBench
import Testing

@Suite struct TimingTests {
    /// Quantiles are order statistics at the nearest rank: 11 samples give the 2nd, 6th and 10th.
    @Test func summaryTakesNearestRankQuantilesInAnyOrder() {
        let t = TimingSummary([7, 3, 11, 1, 9, 5, 2, 10, 4, 8, 6])
        #expect(t.p10 == 2 && t.median == 6 && t.p90 == 10)
        let one = TimingSummary([0.5])
        #expect(one.p10 == 0.5 && one.median == 0.5 && one.p90 == 0.5)
    }
}
