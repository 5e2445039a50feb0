import Foundation
import SymLabCore
import SymLabFunctionClasses
import SymLabKernels
import SymLabNumerics

/// The semi-supervised patch learner of Brutzkus, Globerson, Malach, Netser, Shalev-Shwartz (ICML
/// 2022, "Efficient learning of CNNs using patch based features"): cluster the patches of an
/// unlabelled sample with k-means, embed each input as, for every cluster, the number of its patches
/// whose nearest centroid that is (one-hot nearest-centroid indicators, summed over positions), and
/// fit a linear classifier on the embedding with the labelled training set.
///
/// Why it can learn a CNN: a one-hidden-layer CNN with global pooling is f(x) = Σ_i g(x_i), g of one
/// patch; when every patch is (close to) one of K centres c, f(x) ≈ Σ_c count_c(x)·g(c), linear in
/// the counts — K numbers to fit instead of a non-convex network. With patches not clustered
/// (uniform), K < 2^w centroids quantise g coarsely and the linear model has an error floor.
///
/// Patches: non-overlapping, the inputs' last axis for [N, P, w] inputs (class
/// `patch-dictionary-cnn`), or `patch_width` consecutive coordinates of [N, d] inputs. The clustered
/// sample is the training inputs plus `unlabelled` fresh inputs of the run's distribution (fresh-sample
/// stream 0, labels discarded). Readout: L2-regularised logistic regression by Newton's method
/// (default), or ``FeatureRidge`` on the ±1 labels with the ridge tuned on validation.
/// Metrics: `test_error` and `train_error` (fraction of sign(f) ≠ label, as the Trainer's 0-1 error).
public struct PatchKMeansScheme: TrainingScheme {
    public static let schemeName = "patch-kmeans"
    public static let summary = "k-means on patches, pooled nearest-centroid indicators, linear readout (logistic or ridge); 0-1 test error (Brutzkus et al. 2022)"
    public static let optionDocs = [
        OptionDoc("clusters", "8", "K, k-means centroids (1...1024)"),
        OptionDoc("unlabelled", "1000", "fresh unlabelled inputs whose patches are clustered with the training inputs' (0...1000000)"),
        OptionDoc("patch_width", "4", "patch width for [N, d] inputs (must divide d); [N, P, w] inputs are cut along their last axis"),
        OptionDoc("iterations", "100", "at most this many Lloyd iterations (stops earlier when no assignment changes)"),
        OptionDoc("readout", "logistic", "logistic (L2-regularised, Newton) or ridge (FeatureRidge, ridge tuned on validation)"),
        OptionDoc("l2", "0.001", "the logistic readout's penalty λ‖β‖²/2 on the mean loss (β: weights and intercept)"),
    ]
    public let clusters: Int, unlabelled: Int, patchWidth: Int, iterations: Int, readout: String, l2: Double

    public init(options: [String: String]) throws {
        var o = OptionReader(className: "scheme \(Self.schemeName)", options: options)
        clusters = try o.int("clusters", default: 8, range: 1...1024)
        unlabelled = try o.int("unlabelled", default: 1000, range: 0...1_000_000)
        patchWidth = try o.int("patch_width", default: 4, range: 1...4096)
        iterations = try o.int("iterations", default: 100, range: 1...10_000)
        readout = try o.choice("readout", default: "logistic", among: ["logistic", "ridge"])
        l2 = try o.double("l2", default: 0.001, in: .positive)
        try o.finish()
    }

    /// Patch width and count of inputs of one sample's shape, or nil if they cannot be cut.
    func patchShape(_ sample: [Int]) -> (width: Int, count: Int)? {
        switch sample.count {
        case 2: (sample[1], sample[0])
        case 1 where sample[0] % patchWidth == 0: (patchWidth, sample[0] / patchWidth)
        default: nil
        }
    }

    /// The clustered patches (training + unlabelled inputs), their assignments, and the three
    /// splits' features; the centroids are tiny.
    public func memory(_ run: SchemeRunSize) -> SchemeMemory {
        guard case .dense(let shape) = run.input, let p = patchShape(shape) else { return .failsAtStart }
        let clustered = saturatingProduct([saturatingSum([run.nTrain, unlabelled]), p.count])
        return SchemeMemory(networkNumbers: saturatingProduct([clusters, p.width + 1]),
                            workingNumbers: saturatingSum([saturatingProduct([clustered, p.width + 1]), saturatingProduct([unlabelled, p.width * p.count + 2]),
                                                           SchemeMemory.ridgeHead(width: clusters + 1, rows: [run.nTrain, run.nValidation, run.nTest])]))
    }

    public func run(_ c: SchemeContext) throws -> SchemeResult {
        let name = Self.schemeName
        guard case .dense(let x) = c.train.inputs, let shape = patchShape(Array(x.shape.dropFirst())) else {
            throw SchemeError.unsupportedData(scheme: name, reason: "needs inputs [N, P, w] (patches on the last axis) or [N, d] with patch_width dividing d; class \(c.functionClass.name) gives other inputs")
        }
        let w = shape.width
        var points = x.scalars
        if unlabelled > 0 { points += c.freshSamples(unlabelled, stream: 0).inputs.dense.scalars }
        var rng = c.rng.substream(.initialisation)
        let km = KMeans(points: points, width: w, clusters: clusters, maxIterations: iterations, rng: &rng)
        func features(_ d: Dataset<Double>) -> Tensor<Double> { km.pooledIndicators(d.inputs.dense.scalars, patchesPerInput: shape.count) }
        let phiTrain = features(c.train), phiTest = features(c.test)
        var metrics: [String: Double] = [
            "kmeans_iterations": Double(km.iterations), "kmeans_inertia": km.inertia,
            "clusters_used": Double(km.sizes.filter { $0 > 0 }.count), "clustered_patches": Double(points.count / w),
        ]
        let predict: (Tensor<Double>) -> [Double]
        switch readout {
        case "ridge":
            guard c.validation.count > 0 else {
                throw SchemeError.unsupportedData(scheme: name, reason: "readout ridge tunes its ridge on validation: set data.n_val > 0")
            }
            let fit = try FeatureRidge(features: phiTrain, labels: c.train.labels, validationFeatures: features(c.validation), validationLabels: c.validation.labels)
            metrics[SchemeMetric.ridge] = fit.ridge
            predict = { fit.predict($0).scalars }
        default:
            let fit = try LogisticReadout(features: phiTrain, labels: c.train.labels.scalars, l2: l2)
            metrics["logistic_iterations"] = Double(fit.iterations)
            predict = fit.scores
        }
        metrics[SchemeMetric.trainError] = zeroOneError(predict(phiTrain), c.train.labels.scalars)
        metrics[SchemeMetric.testError] = zeroOneError(predict(phiTest), c.test.labels.scalars)
        if c.validation.count > 0 { metrics["validation_error"] = zeroOneError(predict(features(c.validation)), c.validation.labels.scalars) }
        if let t = c.target as? PatchDictionaryTarget, t.width == w {
            metrics["dictionary_recovered"] = Double(km.recovered(t.dictionary, within: 0.5))
        }
        return SchemeResult(metrics: metrics)
    }
}

/// Fraction of samples with score·label ≤ 0 (a zero score is an error), the Trainer's 0-1 error.
func zeroOneError(_ scores: [Double], _ labels: [Double]) -> Double {
    guard !labels.isEmpty else { return .nan }
    return Double(zip(scores, labels).filter { $0 * $1 <= 0 }.count) / Double(labels.count)
}

/// k-means by Lloyd's algorithm with k-means++ seeding (Arthur & Vassilvitskii 2007), on points of
/// `width` coordinates stored row after row.
///
/// Hand-written: there is no well-kept Swift k-means library (the few packages are unmaintained
/// and Darwin-only or pull in a framework), and the algorithm is sixty lines. Deterministic for a
/// given `rng`: seeding draws from it in a fixed order, assignments break ties to the lowest
/// centroid index, and an empty cluster keeps its previous centroid.
public struct KMeans: Sendable {
    public let width: Int
    /// K × width, row after row.
    public let centroids: [Double]
    /// Points per cluster at the end.
    public let sizes: [Int]
    public let iterations: Int
    /// Mean squared distance of a point to its centroid.
    public let inertia: Double
    public var count: Int { sizes.count }

    public init(points: [Double], width: Int, clusters k: Int, maxIterations: Int, rng: inout RandomStream) {
        precondition(width > 0 && points.count % width == 0 && !points.isEmpty, "KMeans: \(points.count) numbers are not points of width \(width)")
        let n = points.count / width
        func distance(_ i: Int, _ c: [Double], _ j: Int) -> Double {
            var s = 0.0
            for t in 0..<width { let d = points[i * width + t] - c[j * width + t]; s += d * d }
            return s
        }
        // k-means++: the first centre uniform, each next one with probability ∝ D(x)².
        var centres: [Double] = []
        let first = rng.int(below: n)
        centres += points[(first * width)..<((first + 1) * width)]
        var nearest = (0..<n).map { distance($0, centres, 0) }
        for j in 1..<k {
            let total = nearest.reduce(0, +)
            var pick = n - 1
            if total > 0 {
                var u = rng.uniform() * total
                for i in 0..<n { u -= nearest[i]; if u < 0 { pick = i; break } }
            } else {
                pick = rng.int(below: n)   // fewer distinct points than clusters: a duplicate centre
            }
            centres += points[(pick * width)..<((pick + 1) * width)]
            for i in 0..<n { nearest[i] = Swift.min(nearest[i], distance(i, centres, j)) }
        }
        // Lloyd.
        var assignment = [Int](repeating: -1, count: n)
        var done = 0, inertia = 0.0
        for _ in 0..<maxIterations {
            var changed = false
            inertia = 0
            for i in 0..<n {
                var best = 0, bestD = distance(i, centres, 0)
                for j in 1..<k { let d = distance(i, centres, j); if d < bestD { best = j; bestD = d } }
                if assignment[i] != best { assignment[i] = best; changed = true }
                inertia += bestD
            }
            done += 1
            if !changed { break }
            var sums = [Double](repeating: 0, count: k * width), counts = [Int](repeating: 0, count: k)
            for i in 0..<n {
                counts[assignment[i]] += 1
                for t in 0..<width { sums[assignment[i] * width + t] += points[i * width + t] }
            }
            for j in 0..<k where counts[j] > 0 {
                for t in 0..<width { centres[j * width + t] = sums[j * width + t] / Double(counts[j]) }
            }
        }
        var sizes = [Int](repeating: 0, count: k)
        for a in assignment { sizes[a] += 1 }
        self.width = width; centroids = centres; self.sizes = sizes; iterations = done; self.inertia = inertia / Double(n)
    }

    /// The index of the centroid nearest to the `width` numbers at `x` (ties to the lowest index).
    public func nearest(_ x: UnsafePointer<Double>) -> Int {
        var best = 0, bestD = Double.infinity
        for j in 0..<count {
            var s = 0.0
            for t in 0..<width { let d = x[t] - centroids[j * width + t]; s += d * d }
            if s < bestD { best = j; bestD = s }
        }
        return best
    }

    /// For inputs of `patchesPerInput` consecutive patches each (`x` row after row), the number
    /// of each input's patches nearest to each centroid: [N, K], the sum-pooled one-hot
    /// nearest-centroid indicators.
    public func pooledIndicators(_ x: [Double], patchesPerInput p: Int) -> Tensor<Double> {
        let n = x.count / (p * width)
        var phi = Tensor<Double>(shape: [n, count])
        x.withUnsafeBufferPointer { xb in phi.withUnsafeMutablePointer { out in
            for row in 0..<n {
                for i in 0..<p { out[row * count + nearest(xb.baseAddress! + (row * p + i) * width)] += 1 }
            }
        } }
        return phi
    }

    /// How many of `patches` have a centroid within Euclidean distance `radius`.
    public func recovered(_ patches: [[Double]], within radius: Double) -> Int {
        patches.filter { q in
            (0..<count).contains { j in (0..<width).reduce(0.0) { $0 + (q[$1] - centroids[j * width + $1]) * (q[$1] - centroids[j * width + $1]) } <= radius * radius }
        }.count
    }
}

/// L2-regularised logistic regression with an intercept, by Newton's method: minimises
/// (1/n) Σ log(1 + exp(−y_i(⟨v, φ_i⟩ + b))) + λ(‖v‖² + b²)/2 — the intercept penalised too, so
/// that a training set of one label or separable by the intercept alone has a finite optimum
/// (pooled counts sum to P, so the intercept lies in the features' span anyway). Hand-written because the features are few
/// (K + 1 unknowns: one Cholesky solve per step) and nothing in SymmetryLab fits a logistic model
/// outside the autodiff trainer.
public struct LogisticReadout: Sendable {
    /// v then b.
    public let coefficients: [Double]
    public let iterations: Int

    public init(features phi: Tensor<Double>, labels y: [Double], l2: Double, maxIterations: Int = 100) throws {
        let n = phi.shape[0], m = phi.shape[1], d = m + 1
        precondition(y.count == n && n > 0, "LogisticReadout: \(n) rows, \(y.count) labels")
        let rows = (0..<n).map { i in Array(phi.scalars[(i * m)..<((i + 1) * m)]) + [1.0] }
        var beta = [Double](repeating: 0, count: d)
        var done = 0
        for _ in 0..<maxIterations {
            var grad = [Double](repeating: 0, count: d), hess = [Double](repeating: 0, count: d * d)
            for i in 0..<n {
                let z = zip(rows[i], beta).reduce(0) { $0 + $1.0 * $1.1 }
                let s = 1 / (1 + Self.exp(y[i] * z))          // σ(−y z)
                let curvature = s * (1 - s)
                for a in 0..<d {
                    grad[a] -= y[i] * s * rows[i][a] / Double(n)
                    let ra = rows[i][a] * curvature / Double(n)
                    if ra != 0 { for b in 0..<d { hess[a * d + b] += ra * rows[i][b] } }
                }
            }
            for a in 0..<d { grad[a] += l2 * beta[a]; hess[a * d + a] += l2 }
            let step = try Linalg.choleskySolve(Tensor(shape: [d, d], scalars: hess), Tensor(grad)).scalars
            for a in 0..<d { beta[a] -= step[a] }
            done += 1
            if step.map(abs).max()! < 1e-10 { break }
        }
        coefficients = beta; iterations = done
    }

    /// ⟨v, φ⟩ + b for every row of φ [N, K].
    public func scores(_ phi: Tensor<Double>) -> [Double] {
        let m = phi.shape[1], s = phi.scalars
        return (0..<phi.shape[0]).map { i in (0..<m).reduce(coefficients[m]) { $0 + coefficients[$1] * s[i * m + $1] } }
    }

    private static func exp(_ x: Double) -> Double { x > 700 ? .infinity : Foundation.exp(x) }
}
