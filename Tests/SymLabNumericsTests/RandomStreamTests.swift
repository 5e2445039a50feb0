import SymLabNumerics
import SymLabTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct RandomStreamTests {
    @Test func xoshiroReferenceVectors() {
        // From the algorithm's definition with state (1, 2, 3, 4): 11520, 0, 1509978240, …
        var g = RandomStream(state: (1, 2, 3, 4))
        #expect(g.next() == 11520)
        #expect(g.next() == 0)
        #expect(g.next() == 1_509_978_240)
        #expect(g.next() == 1_215_971_899_390_074_240)
    }

    @Test func splitMixReferenceVector() {
        var s = SplitMix64(state: 0)
        #expect(s.next() == 0xE220_A839_7B1D_CDAF)
    }

    @Test func sameSeedSameNumbersBitForBit() {
        var a = RandomStream(seed: 42, stream: 3), b = RandomStream(seed: 42, stream: 3)
        let ta: Tensor<Double> = a.normal([1000]), tb: Tensor<Double> = b.normal([1000])
        #expect(ta == tb)
        #expect(a.permutation(50) == b.permutation(50))
        var c = RandomStream(seed: 42, stream: 4)
        let tc: Tensor<Double> = c.normal([1000])
        #expect(tc != ta)
        var s1 = RandomStream(seed: 42, stream: 3).substream(.trainSplit), s2 = RandomStream(seed: 42, stream: 3).substream(.validationSplit)
        #expect(s1.next() != s2.next())
    }

    @Test func portableLogAgreesWithLibm() {
        var rng = RandomStream(seed: 5)
        for _ in 0..<20_000 {
            let x = Double.exp(rng.uniform(-700, 700))
            let ref = Glibc.log(x)
            #expect(Swift.abs(portableLog(x) - ref) <= 2 * ref.ulp, "x = \(x)")
        }
        #expect(portableLog(1) == 0)
        #expect(portableLog(0) == -.infinity)
        #expect(portableLog(-1).isNaN)
    }

    @Test func distributionsHaveTheirMoments() {
        var rng = RandomStream(seed: 6)
        let n = 200_000
        let z: Tensor<Double> = rng.normal([n])
        let mean = z.mean().scalar
        let variance = (z * z).mean().scalar - mean * mean
        let se = 1 / Double(n).squareRoot()
        #expect(Swift.abs(mean) < 5 * se)
        #expect(Swift.abs(variance - 1) < 5 * se * 2.0.squareRoot())
        let u: Tensor<Double> = rng.uniform([n])
        #expect(Swift.abs(u.mean().scalar - 0.5) < 5 * se * 0.29)
        #expect(u.scalars.allSatisfy { $0 >= 0 && $0 < 1 })
        let r: Tensor<Double> = rng.rademacher([n])
        #expect(r.scalars.allSatisfy { $0 == 1 || $0 == -1 } && Swift.abs(r.mean().scalar) < 5 * se)
        let b: Tensor<Double> = rng.bernoulli([n], p: 0.3)
        #expect(Swift.abs(b.mean().scalar - 0.3) < 5 * se * 0.46)
        // Unbiased bounded integers: each of 0..<7 about n/7 times.
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[rng.int(below: 7)] += 1 }
        #expect(counts.allSatisfy { Swift.abs($0 - 10_000) < 500 })
    }

    @Test func permutationsArePermutations() {
        var rng = RandomStream(seed: 7)
        for n in [0, 1, 2, 10, 100] { #expect(rng.permutation(n).sorted() == Array(0..<n)) }
    }

    /// The ids are part of every result (a run's data, initialisation and batch order): pinned
    /// here so that renumbering a purpose cannot pass unnoticed.
    @Test func substreamIdsNeverChange() {
        let ids: [(RandomStream.Substream, UInt64)] = [
            (.target, 0), (.trainSplit, 1), (.validationSplit, 2), (.testSplit, 3), (.freshSamples(0), 16), (.freshSamples(1000), 1016),
            (.initialisation, 1), (.batchOrder, 2), (.learningRateFactor, 3), (.scheme, 5), (.headFeatures, 2), (.queryNoise, 6),
            (.monteCarloSamples, 1), (.graphSize(24), 24),
            (.boundsSize(24), 24), (.familySelection, 1), (.familyMeasurement, 2), (.familyPlanes, 3), (.familyMember(5), 21),
        ]
        for (purpose, id) in ids {
            #expect(purpose.id == id, "\(purpose)")
            var a = RandomStream(seed: 9, stream: 4).substream(purpose)
            var b = RandomStream(seed: 9 &+ 0x9E37_79B9_7F4A_7C15 &* 5, stream: id)
            #expect(a.next() == b.next(), "\(purpose)")
        }
    }
}
