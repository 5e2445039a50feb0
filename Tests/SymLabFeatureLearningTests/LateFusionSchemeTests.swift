import Foundation
import SymLabCore
import SymLabFeatureLearning
import SymLabFunctionClasses
import SymLabNumerics
import Testing

/// The late-fusion learner (Huang et al. 2022): its hand-written gradient against central
/// differences, its alignment measure, and small runs of joint and uni-modal training.
@Suite struct LateFusionSchemeTests {
    func context(_ options: [String: String], n: Int, seed: UInt64 = 0) throws -> SchemeContext {
        SchemeContext.make(try FunctionClassRegistry.make("two-modality", options: options), nTrain: n, nValidation: 0, nTest: 400, seed: seed,
                           rng: RandomStream(seed: seed, stream: 99))
    }

    /// ∇_{W_r} of the mean logistic loss against central differences, with weights large enough
    /// that pre-activations fall on all three pieces of σ̃ (below 0, the cubic part, the linear part).
    @Test(arguments: [[true, true], [false, true]]) func gradientMatchesCentralDifferences(_ trains: [Bool]) throws {
        let c = try context(["d": "5", "s_b": "0.7", "p_a": "0.7"], n: 9)
        var rng = RandomStream(seed: 11)
        let halves = LateFusionNetwork.split(try c.matrix(c.train, scheme: "test"))
        let net = LateFusionNetwork(d: 5, width: 3, activation: .smoothRelu(q: 3, rho: 0.3),
                                    encoders: trains.map { $0 ? rng.normal([3, 5], std: 0.4) : nil })
        let zs = net.encoders.enumerated().compactMap { r, w in w.map { Tensor.matmul(halves[r], $0, transposeB: true).scalars } }.flatMap { $0 }
        #expect(zs.contains { $0 < 0 } && zs.contains { $0 > 0 && $0 < 0.3 } && zs.contains { $0 > 0.3 })
        let y = c.train.labels.scalars
        let (_, grads) = net.lossAndGradient(halves, labels: y)
        let h = 1e-6
        for r in 0..<2 {
            guard let g = grads[r] else { #expect(!trains[r]); continue }
            var worst = 0.0
            for k in 0..<15 {
                var plus = net, minus = net
                plus.encoders[r]!.withUnsafeMutablePointer { $0[k] += h }
                minus.encoders[r]!.withUnsafeMutablePointer { $0[k] -= h }
                let numeric = (plus.lossAndGradient(halves, labels: y).loss - minus.lossAndGradient(halves, labels: y).loss) / (2 * h)
                worst = Swift.max(worst, abs(numeric - g.scalars[k]) / Swift.max(abs(numeric), 1e-3))
            }
            #expect(worst < 1e-6, "encoder \(r): worst relative error \(worst)")
        }
    }

    /// The alignment is the best row's |cos| with u (a row along −u counts), the strength its |⟨w, u⟩|.
    @Test func alignmentIsTheBestNeuronsCosine() {
        let u = [0.6, 0.8, 0]
        let w = Tensor(shape: [2, 3], scalars: [0, 0, 1, -1.2, -1.6, 0])
        let net = LateFusionNetwork(d: 3, width: 2, activation: .smoothRelu(q: 3, rho: 1), encoders: [w, nil])
        let (cosine, strength) = net.alignment(0, with: u)
        #expect(abs(cosine - 1) < 1e-15 && abs(strength - 2) < 1e-15)
        #expect(net.alignment(1, with: u).cosine.isNaN)
    }

    /// Small sizes where the competition shows: joint training learns A and leaves B near its
    /// initial alignment; uni-modal B learns B. Same seed, same result bit for bit.
    @Test func jointTrainingLeavesTheWeakModalityUnlearned() throws {
        let c = try context(["d": "120", "s_b": "0.4"], n: 300)
        func run(_ m: String) throws -> [String: Double] {
            try LateFusionScheme(options: ["modalities": m, "width": "4", "steps": "300", "lr": "0.1"]).run(c).metrics
        }
        let joint = try run("both"), uniB = try run("b")
        #expect(joint["best_alignment_a"]! > 0.9 && joint["best_alignment_b"]! < 0.5 && joint["test_error"]! < 0.01)
        #expect(uniB["alignment_b"]! > 0.9 && uniB["alignment_a"] == nil && uniB["test_error_b_only"]! < 0.05)
        #expect(joint["test_error_b_only"]! > 0.2)
        #expect(try run("both") == joint)
    }

    @Test func refusesOtherClassesAndBadOptions() throws {
        let other = SchemeContext.make(try FunctionClassRegistry.make("single-index", options: ["d": "4"]), nTrain: 10, nValidation: 0, nTest: 10, seed: 0,
                                       rng: RandomStream(seed: 0))
        #expect(throws: SchemeError.self) { try LateFusionScheme(options: [:]).run(other) }
        #expect(throws: (any Error).self) { try LateFusionScheme(options: ["modalities": "c"]) }
        #expect(throws: (any Error).self) { try LateFusionScheme(options: ["q": "1"]) }
    }
}
