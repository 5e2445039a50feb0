import SymLabFeatureLearning
import SymLabNumerics
import SymLabTestSupport
import Testing

@Suite struct FeatureLearningNumericsTests {
    /// The closed-form first-layer gradient against central differences of the loss.
    @Test(arguments: [(1.0, 1.0), (0.5, 1 / 3.0.squareRoot())])
    func firstLayerGradientMatchesFiniteDifferences(kappa: Double, outputScale: Double) {
        var rng = RandomStream(seed: 3)
        let n = 7, d = 4, m = 3
        let x: Tensor<Double> = rng.normal([n, d]), y: Tensor<Double> = rng.normal([n])
        let net = TwoLayerNetwork(weights: rng.normal([m, d]), biases: rng.normal([m]), readout: rng.normal([m]), outputScale: outputScale)
        func loss(_ w: Tensor<Double>) -> Double {
            var nn = net; nn.weights = w
            let r = nn.predict(x) - y
            return kappa * Tensor.dot(r, r) / Double(n)
        }
        let g = net.firstLayerGradient(x, labels: y, lossFactor: kappa)
        let h = 1e-6
        var worst = 0.0
        for i in 0..<(m * d) {
            var plus = net.weights.copy(), minus = net.weights.copy()
            plus.withUnsafeMutablePointer { $0[i] += h }
            minus.withUnsafeMutablePointer { $0[i] -= h }
            let fd = (loss(plus) - loss(minus)) / (2 * h)
            let an = g.scalars[i]
            worst = max(worst, abs(fd - an) / max(1, abs(an)))
        }
        #expect(worst < 1e-6)
    }

    @Test func symmetricInitialisationIsZero() {
        var rng = RandomStream(seed: 1)
        let net = TwoLayerNetwork.symmetric(width: 10, inputDimension: 5, rng: &rng)
        let x: Tensor<Double> = rng.normal([20, 5])
        // Zero up to the rounding of the paired sum (BLAS need not add a_j·r and −a_j·r next to each other).
        #expect(net.predict(x).scalars.allSatisfy { abs($0) < 1e-12 })
        #expect(net.features(x).scalars.contains { $0 > 0.1 })
    }

    @Test func alignmentCorrelationAndSingularValues() throws {
        let u = Tensor<Double>(shape: [2, 4], scalars: [1, 0, 0, 0, 0, 1, 0, 0])
        let inside = Tensor<Double>(shape: [2, 4], scalars: [3, 4, 0, 0, 0, 2, 0, 0])
        let outside = Tensor<Double>(shape: [2, 4], scalars: [0, 0, 1, 0, 0, 0, 5, 5])
        #expect(abs(Diagnostics.alignment(weights: inside, subspace: u) - 1) < 1e-15)
        #expect(Diagnostics.alignment(weights: outside, subspace: u) == 0)
        let dead = Tensor<Double>(shape: [2, 4], scalars: [0, 0, 0, 0, 1, 1, 0, 0])   // a zero row is skipped
        #expect(abs(Diagnostics.alignment(weights: dead, subspace: u) - 1) < 1e-15)
        let a = Tensor<Double>([1, 2, 3, 4]), b = Tensor<Double>([2, 4, 6, 8])
        #expect(abs(Diagnostics.correlation(a, b) - 1) < 1e-15)
        #expect(abs(Diagnostics.correlation(a, b.scaled(by: -1)) + 1) < 1e-15)
        // diag(3, 1) padded: singular values 3, 1; top right-singular vector e₁.
        let m = Tensor<Double>(shape: [3, 3], scalars: [3, 0, 0, 0, 1, 0, 0, 0, 0])
        let (s, v) = try Diagnostics.singularValues(m)
        #expect(abs(s[0] - 3) < 1e-12 && abs(s[1] - 1) < 1e-12 && abs(s[2]) < 1e-7)
        #expect(abs(abs(v![0, 0]) - 1) < 1e-12)
        #expect(Diagnostics.normalizedLoss(predictions: Tensor([0, 0]), labels: Tensor([1, -1])) == 1)
    }
}
