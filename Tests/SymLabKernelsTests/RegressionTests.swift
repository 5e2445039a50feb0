import Foundation
import SymLabCore
import SymLabFunctionClasses
import SymLabKernels
import SymLabNumerics
import Testing

/// Solves A·x = b by Gaussian elimination with partial pivoting: an independent reference.
func directSolve(_ a: [[Double]], _ b: [Double]) -> [Double] {
    var m = a, y = b
    let n = b.count
    for c in 0..<n {
        let p = (c..<n).max { abs(m[$0][c]) < abs(m[$1][c]) }!
        m.swapAt(c, p); y.swapAt(c, p)
        for r in (c + 1)..<n {
            let f = m[r][c] / m[c][c]
            for k in c..<n { m[r][k] -= f * m[c][k] }
            y[r] -= f * y[c]
        }
    }
    var x = [Double](repeating: 0, count: n)
    for r in stride(from: n - 1, through: 0, by: -1) {
        var s = y[r]
        for k in (r + 1)..<n { s -= m[r][k] * x[k] }
        x[r] = s / m[r][r]
    }
    return x
}

func dataset(_ x: Inputs<Double>, _ y: Tensor<Double>) -> Dataset<Double> {
    Dataset(className: "test", parameters: [:], inputs: x, labels: y, cleanLabels: y, documentedMoments: nil)
}

@Suite struct KernelRidgeTests {
    let x = gaussianInputs(40, 3, seed: 1)
    var y: Tensor<Double> { var rng = RandomStream(seed: 2); return rng.normal([40]) + 0.7 }

    @Test func tinyRidgeInterpolates() throws {
        let k = try RadialKernel(.rbf, bandwidth: 1).gram(x)
        let alpha = try KernelRidge.choleskyCoefficients(gram: k, labels: y, ridge: 1e-10)
        let fit = KernelRidge.Fit(ridge: 1e-10, coefficients: alpha, labelMean: y.mean().scalar)
        let err = maxAbsDifference(fit.predict(cross: k), y)
        print("RBF KRR with relative ridge 1e-10: max training residual \(err)")
        #expect(err < 1e-5)
        let spectral = try KernelRidge.Spectrum(gram: k, labels: y).trainPredictions(ridge: 1e-10)
        #expect(maxAbsDifference(spectral, y) < 1e-5)
    }

    @Test func agreesWithDirectSolve() throws {
        let small = gaussianInputs(8, 2, seed: 5)
        let yy = Tensor<Double>([0.3, -1, 2, 0.5, 0.1, -0.4, 1.2, 0.9])
        let k = try ReLUNetworkKernel(.ntk, depth: 2).gram(small)
        let ridge = 1e-2, lambda = ridge * KernelRidge.scale(of: k), mean = yy.mean().scalar
        let a = (0..<8).map { i in (0..<8).map { j in k[i, j] + (i == j ? lambda : 0) } }
        let reference = directSolve(a, yy.scalars.map { $0 - mean })
        let chol = try KernelRidge.choleskyCoefficients(gram: k, labels: yy, ridge: ridge)
        let dev = maxAbsDifference(chol, Tensor(reference))
        print("KRR vs Gaussian elimination: max coefficient difference \(dev)")
        #expect(dev < 1e-10 * max(1, reference.map(abs).max()!))
    }

    @Test func eigenRouteEqualsCholesky() throws {
        let k = try ReLUNetworkKernel(.nngp, depth: 3, biasVariance: 0.1).gram(x)
        let test = gaussianInputs(15, 3, seed: 9)
        let cross = try ReLUNetworkKernel(.nngp, depth: 3, biasVariance: 0.1).matrix(test, x)
        let spectrum = try KernelRidge.Spectrum(gram: k, labels: y)
        let ridges = [1e-6, 1e-4, 1e-2, 1, 100]
        let preds = spectrum.predictions(cross: cross, ridges: ridges)
        for (r, p) in zip(ridges, preds) {
            let alpha = try KernelRidge.choleskyCoefficients(gram: k, labels: y, ridge: r)
            let viaCholesky = KernelRidge.Fit(ridge: r, coefficients: alpha, labelMean: spectrum.labelMean).predict(cross: cross)
            let scale = alpha.scalars.map(abs).max()!
            let dc = maxAbsDifference(spectrum.coefficients(ridge: r), alpha) / scale
            let dp = maxAbsDifference(p, viaCholesky)
            print("ridge \(r): eigen vs Cholesky relative coefficient difference \(dc), prediction difference \(dp)")
            #expect(dc < 1e-7)
            #expect(dp < 1e-7)
        }
    }

    /// Tuning picks a moderate ridge for noisy labels of a smooth function, and beats the mean.
    @Test func tunedRidgeLearnsSmoothTarget() throws {
        func target(_ x: Inputs<Double>, noise: Double, seed: UInt64) -> Tensor<Double> {
            var rng = RandomStream(seed: seed)
            let m = x.dense
            return Tensor((0..<m.shape[0]).map { i in sin(2 * m[i, 0]) + m[i, 1] * m[i, 2] + noise * rng.normal() })
        }
        let xt = gaussianInputs(300, 3, seed: 30), xv = gaussianInputs(100, 3, seed: 31), xs = gaussianInputs(200, 3, seed: 32)
        let r = try KernelRegression.fit(try RadialKernel(.rbf, medianHeuristicOn: xt),
                                         train: dataset(xt, target(xt, noise: 0.3, seed: 1)),
                                         validation: dataset(xv, target(xv, noise: 0.3, seed: 2)),
                                         test: dataset(xs, target(xs, noise: 0, seed: 3)))
        print("RBF KRR on a smooth target: ridge \(r.ridge), train MSE \(r.trainMSE), normalised test MSE \(r.normalizedTestMSE)")
        #expect(r.normalizedTestMSE < 0.3)
        #expect(r.ridge > 1e-8)
    }

    /// A fixed ridge is the tuned fit with a one-ridge grid (same Cholesky), needs no validation
    /// set, and a larger fixed ridge fits the training set less closely.
    @Test func fixedRidgeEqualsTheOneRidgeGridAndNeedsNoValidation() throws {
        let xt = gaussianInputs(60, 2, seed: 40), xv = gaussianInputs(10, 2, seed: 41), xs = gaussianInputs(30, 2, seed: 42)
        func labels(_ x: Inputs<Double>) -> Tensor<Double> { let m = x.dense; return Tensor((0..<m.shape[0]).map { m[$0, 0] > 0 ? 1.0 : -1.0 }) }
        let k = try RadialKernel(.laplace, bandwidth: 1)
        let train = dataset(xt, labels(xt)), val = dataset(xv, labels(xv)), test = dataset(xs, labels(xs))
        let fixed = try KernelRegression.fit(k, train: train, validation: val, test: test, fixedRidge: 0.3)
        let grid = try KernelRegression.fit(k, train: train, validation: val, test: test, ridges: [0.3])
        #expect(fixed.testPredictions == grid.testPredictions && fixed.ridge == 0.3 && fixed.validationMSE == grid.validationMSE)
        let noValidation = try KernelRegression.fit(k, train: train, validation: dataset(gaussianInputs(0, 2, seed: 0), Tensor(shape: [0], scalars: [])),
                                                    test: test, fixedRidge: 0.3)
        #expect(noValidation.testPredictions == fixed.testPredictions && noValidation.validationMSE.isNaN)
        let tiny = try KernelRegression.fit(k, train: train, validation: val, test: test, fixedRidge: 1e-10)
        #expect(tiny.trainMSE < 1e-12 && fixed.trainMSE > 1e-3)
        #expect(throws: KernelError.self) { try KernelRegression.fit(k, train: train, validation: val, test: test, fixedRidge: 0) }
    }
}

@Suite struct FeatureRidgeTests {
    /// max |(ΦᵀΦ + λsI)w − Φᵀ(y − ȳ)| for the fit's weights and ridge (s = tr(ΦᵀΦ)/n), and the
    /// scale it is measured against, max(1, max |Φᵀ(y − ȳ)|).
    static func normalEquations(_ phi: Tensor<Double>, _ y: Tensor<Double>, _ fit: FeatureRidge) -> (residual: Double, scale: Double) {
        let n = phi.shape[0], m = phi.shape[1]
        let a = Tensor.matmul(phi, phi, transposeA: true)
        var trace = 0.0
        for i in 0..<m { trace += a[i, i] }
        let lhs = Tensor.matvec(a, fit.weights) + fit.weights.scaled(by: fit.ridge * trace / Double(n))
        let rhs = Tensor.matvec(phi, y - y.mean().scalar, transpose: true)
        return ((lhs - rhs).scalars.map(abs).max()!, max(1, rhs.scalars.map(abs).max()!))
    }

    @Test func featureRidgeTunesAFiniteRidgeAndSolvesTheNormalEquations() throws {
        // Noisy labels, as many features as half the samples: least squares overfits, so the
        // validation optimum is an interior ridge.
        var rng = RandomStream(seed: 5)
        let n = 80, m = 40
        let beta: Tensor<Double> = rng.normal([m], std: 0.2)
        let x: Tensor<Double> = rng.normal([n, m]), xv: Tensor<Double> = rng.normal([400, m])
        let y = Tensor.matvec(x, beta) + rng.normal([n], std: 1.0), yv = Tensor.matvec(xv, beta) + rng.normal([400], std: 1.0)
        let fit = try FeatureRidge(features: x, labels: y, validationFeatures: xv, validationLabels: yv)
        #expect(!fit.ridgeAtGridEdge && fit.ridge > 1e-4 && fit.ridge < 1e3)
        // The solution satisfies (ΦcᵀΦc + λ s I) w = Φcᵀ(y − ȳ).
        let (residual, scale) = Self.normalEquations(x - x.mean(axes: [0]), y, fit)
        #expect(residual < 1e-8 * scale)
        // Validation MSE at the chosen ridge beats both grid ends.
        let chosen = fit.validationMSEs[fit.ridges.firstIndex(of: fit.ridge)!]
        #expect(chosen < fit.validationMSEs.first! && chosen < fit.validationMSEs.last!)
    }

    /// The kernel-matched mode (random-features regression) fits the features as given: its
    /// weights solve (ΦᵀΦ + λsI)w = Φᵀ(y − ȳ) without centring Φ. An empty split is refused with
    /// the text the schemes' runs record.
    @Test func kernelMatchedModeSolvesTheUncentredNormalEquations() throws {
        var rng = RandomStream(seed: 6)
        let n = 60, m = 20
        let x: Tensor<Double> = rng.normal([n, m]) + 1, xv: Tensor<Double> = rng.normal([50, m]) + 1
        let y: Tensor<Double> = rng.normal([n]), yv: Tensor<Double> = rng.normal([50])
        let fit = try FeatureRidge(features: x, labels: y, validationFeatures: xv, validationLabels: yv, ridges: [1e-2, 1, 100], mode: .kernelMatched)
        #expect(fit.featureMean == nil)
        let (residual, scale) = Self.normalEquations(x, y, fit)
        #expect(residual < 1e-8 * scale)
        #expect(fit.validationMSE == fit.validationMSEs[fit.ridges.firstIndex(of: fit.ridge)!])
        #expect(throws: FeatureRidge.EmptySplit(trainCount: n, validationCount: 0)) {
            try FeatureRidge(features: x, labels: y, validationFeatures: Tensor(shape: [0, m]), validationLabels: Tensor(shape: [0]))
        }
        #expect("\(FeatureRidge.EmptySplit(trainCount: 5, validationCount: 0))" == "scheme ridge: needs ≥ 1 training and ≥ 1 validation sample, got 5 and 0")
    }
}

@Suite struct RandomFeaturesTests {
    /// ⟨φ(x), φ(x′)⟩ of M relu features → the depth-2 ReLU NNGP.
    @Test func reluFeaturesApproximateNNGP() throws {
        let x = gaussianInputs(10, 4, seed: 4)
        let rf = try RandomFeatures(activation: .relu, count: 8192, inputDimension: 4, biasVariance: 0.3, seed: 1)
        let exact = try ReLUNetworkKernel(.nngp, depth: 2, biasVariance: 0.3).gram(x)
        let approx = try rf.gram(x) + 0.3    // the readout bias of the NNGP
        let dev = maxAbsDifference(exact, approx) / (exact.scalars.max() ?? 1)
        print("relu random features (M = 8192) vs NNGP: max deviation \(dev)")
        #expect(dev < 5 * 2.5 / Double(8192).squareRoot())
    }

    /// The primal route (M ≤ n) gives the same predictor as KRR with the feature kernel.
    @Test func primalEqualsDual() throws {
        let xt = gaussianInputs(120, 3, seed: 40), xv = gaussianInputs(30, 3, seed: 41), xs = gaussianInputs(50, 3, seed: 42)
        var rng = RandomStream(seed: 5)
        let yt = rng.normal([120]) + 1, yv = rng.normal([30]) + 1, ys = rng.normal([50]) + 1
        let rf = try RandomFeatures(activation: .gelu, count: 60, inputDimension: 3, biasVariance: 0.5, seed: 3)
        let ridges = [1e-3, 1e-1, 10]
        let primal = try RandomFeaturesRegression.fit(rf, train: dataset(xt, yt), validation: dataset(xv, yv), test: dataset(xs, ys), ridges: ridges)
        let dual = try KernelRegression.fit(rf, train: dataset(xt, yt), validation: dataset(xv, yv), test: dataset(xs, ys), ridges: ridges)
        #expect(primal.ridge == dual.ridge)
        let dev = maxAbsDifference(primal.testPredictions, dual.testPredictions)
        print("random features primal vs dual: max prediction difference \(dev)")
        #expect(dev < 1e-6)
        for (a, b) in zip(primal.validationMSEs, dual.validationMSEs) { #expect(abs(a - b) < 1e-6 * max(1, a)) }
    }

    /// Same seed, same features; another seed, other features.
    @Test func seeded() throws {
        let x = gaussianInputs(5, 3, seed: 1)
        let a = try RandomFeatures(count: 16, inputDimension: 3, seed: 7).features(x)
        #expect(a == (try RandomFeatures(count: 16, inputDimension: 3, seed: 7).features(x)))
        #expect(a != (try RandomFeatures(count: 16, inputDimension: 3, seed: 8).features(x)))
    }
}

@Suite struct RegistryEndToEnd {
    /// Baselines run on registry classes: the graph NTK on er-parity, the ReLU NTK on a single-index class.
    @Test func kernelsOnFunctionClasses() throws {
        let single = try FunctionClassRegistry.make("single-index", options: ["d": "8", "exponent": "1"])
        let s: DatasetSplits<Double> = single.splits(nTrain: 400, nVal: 100, nTest: 200, seed: 1)
        let r = try KernelRegression.fit(try ReLUNetworkKernel(.ntk, depth: 2), train: s.train, validation: s.validation, test: s.test)
        print("relu-ntk on single-index d=8 k=1 (n=400): normalised test MSE \(r.normalizedTestMSE), ridge \(r.ridge)")
        #expect(r.normalizedTestMSE < 0.9)

        let er = try FunctionClassRegistry.make("er-parity", options: ["n": "8"])
        let g: DatasetSplits<Double> = er.splits(nTrain: 200, nVal: 50, nTest: 100, seed: 2)
        let rg = try KernelRegression.fit(try GraphNetworkKernel(.ntk), train: g.train, validation: g.validation, test: g.test)
        print("graph NTK on er-parity n=8 (n=200): train MSE \(rg.trainMSE), normalised test MSE \(rg.normalizedTestMSE)")
        #expect(rg.normalizedTestMSE.isFinite)
    }
}
