import SymLabFunctionClasses
import SymLabNumerics
import Testing

/// The CNN teacher on dictionary patches (Brutzkus et al. 2022): its defining property in both
/// variants, the shared teacher, and the balancing threshold by hand.
@Suite struct PatchDictionaryClassTests {
    func target(_ options: [String: String], seed: UInt64 = 3) throws -> PatchDictionaryTarget {
        let c = try #require(try FunctionClassRegistry.make("patch-dictionary-cnn", options: options) as? PatchDictionaryClass)
        var rng = RandomStream(seed: seed)
        return c.drawPatchTarget(rng: &rng)
    }

    @Test(arguments: [["width": "4"], ["width": "8", "length": "64", "flip": "0.05"], ["patches": "uniform"], ["flip": "0"]])
    func definingPropertyHolds(options: [String: String]) throws {
        let c = try FunctionClassRegistry.make("patch-dictionary-cnn", options: options)
        var rng = RandomStream(seed: 11)
        let r = c.checkDefiningProperty(rng: &rng)
        #expect(r.passed, "\(r)")
    }

    /// Without flips every patch is a dictionary entry; with uniform patches a patch is one with
    /// probability k/2^w (the exact rates the property check compares against).
    @Test func exactRatesOfTheTwoVariants() throws {
        let exact = try target(["width": "6", "length": "36", "flip": "0"])
        #expect(exact.probabilityWithin(radius: 0) == 1)
        var rng = RandomStream(seed: 42)
        let x = exact.sampleInputs(count: 50, rng: &rng).dense
        #expect(x.shape == [50, 6, 6] && exact.dictionaryDistances(x).allSatisfy { $0 == 0 })
        let uniform = try target(["width": "6", "length": "36", "patches": "uniform"])
        #expect(abs(uniform.probabilityWithin(radius: 0) - 8.0 / 64) < 1e-15)
        // One flip away: P(0 flips) + P(1 flip) from the source, for a dictionary of one patch.
        let one = try target(["width": "5", "length": "10", "dictionary": "1", "flip": "0.2"])
        #expect(abs(one.probabilityWithin(radius: 1) - (0.8 * 0.8 * 0.8 * 0.8 * 0.8 + 5 * 0.2 * 0.8 * 0.8 * 0.8 * 0.8)) < 1e-15)
    }

    /// One seed, the same dictionary and teacher in both variants; only θ (each balanced on its
    /// own inputs) differs.
    @Test func bothVariantsShareTheTeacher() throws {
        let d = try target(["flip": "0.1"]), u = try target(["flip": "0.1", "patches": "uniform"])
        #expect(d.dictionary == u.dictionary && d.filters == u.filters && d.outputWeights == u.outputWeights)
        #expect(d.threshold != u.threshold)
    }

    @Test func balancedThresholdSplitsClosestToHalfBetweenDistinctValues() {
        // Sorted 1, 1, 1, 2, 5: splits after index 3 (3/5 below) or 4 (4/5): 3/5 is closer to ½.
        #expect(PatchDictionaryTarget.balancedThreshold([5, 1, 2, 1, 1]) == 1.5)
        #expect(PatchDictionaryTarget.balancedThreshold([1, 2, 3, 4]) == 2.5)
        #expect(PatchDictionaryTarget.balancedThreshold([7, 7, 7]) == 7)
    }
}
