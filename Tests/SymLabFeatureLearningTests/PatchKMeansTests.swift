import SymLabFeatureLearning
import SymLabFunctionClasses
import SymLabNumerics
import Testing

/// The patch learner of Brutzkus et al. (2022): what it must recover on exact dictionary patches,
/// its failure on uniform ones, k-means by hand, and the logistic readout.
@Suite struct PatchKMeansTests {
    func context(_ options: [String: String], n: Int, seed: UInt64 = 0) throws -> SchemeContext {
        SchemeContext.make(try FunctionClassRegistry.make("patch-dictionary-cnn", options: options), nTrain: n, nValidation: 50, nTest: 1000,
                           seed: seed, rng: RandomStream(seed: seed, stream: 99))
    }

    /// Noiseless dictionary: k-means finds the k dictionary patches exactly, and the teacher is
    /// linear in the pooled counts, so a small n reaches near-zero test error.
    @Test func findsTheDictionaryAndLearnsTheTeacherAtSmallN() throws {
        let c = try context(["width": "8", "length": "64", "flip": "0"], n: 150)
        let r = try PatchKMeansScheme(options: ["clusters": "8", "unlabelled": "200"]).run(c)
        #expect(r.metrics["dictionary_recovered"] == 8)
        #expect(try #require(r.metrics[SchemeMetric.testError]) <= 0.03)
        #expect(r.metrics["kmeans_inertia"] == 0)
        // The same seed, the same run, bit for bit.
        let again = try PatchKMeansScheme(options: ["clusters": "8", "unlabelled": "200"]).run(c)
        #expect(again.metrics == r.metrics)
    }

    /// Uniform patches: 8 centroids cannot represent the teacher; the error stays far from zero
    /// with the same n (the paper's condition fails).
    @Test func failsOnUniformPatches() throws {
        let c = try context(["width": "8", "length": "64", "patches": "uniform"], n: 150)
        let r = try PatchKMeansScheme(options: ["clusters": "8", "unlabelled": "200"]).run(c)
        #expect(try #require(r.metrics[SchemeMetric.testError]) >= 0.15)
    }

    /// The ridge readout runs and learns too; [N, d] inputs are cut by patch_width.
    @Test func ridgeReadoutAndFlatInputs() throws {
        let c = try context(["width": "8", "length": "64", "flip": "0"], n: 150)
        let r = try PatchKMeansScheme(options: ["readout": "ridge", "unlabelled": "0"]).run(c)
        #expect(try #require(r.metrics[SchemeMetric.testError]) <= 0.1 && r.metrics[SchemeMetric.ridge] != nil)
        let flat = SchemeContext.make(try FunctionClassRegistry.make("cyclic-pattern-parity", options: ["n": "16"]), nTrain: 40, nValidation: 0,
                                      nTest: 40, seed: 1, rng: RandomStream(seed: 1))
        let f = try PatchKMeansScheme(options: ["patch_width": "4", "clusters": "4", "unlabelled": "0"]).run(flat)
        #expect(f.metrics["clustered_patches"] == 160)
        #expect(throws: SchemeError.self) { try PatchKMeansScheme(options: ["patch_width": "5"]).run(flat) }
    }

    /// Two obvious clusters in one dimension: centroids are their means, found in one Lloyd step.
    @Test func kMeansByHand() {
        var rng = RandomStream(seed: 7)
        let km = KMeans(points: [0, 1, 2, 10, 11, 12], width: 1, clusters: 2, maxIterations: 20, rng: &rng)
        #expect(Set(km.centroids) == [1, 11] && km.sizes == [3, 3])
        #expect(abs(km.inertia - 4.0 / 6) < 1e-15)
        let phi = km.pooledIndicators([0, 12, 11, 1, 2, 0], patchesPerInput: 3)
        let low = km.centroids[0] == 1 ? 0 : 1
        #expect(phi.scalars[low] == 1 && phi.scalars[1 - low] == 2 && phi.scalars[2 + low] == 3)
        // More clusters than distinct points: duplicates, one of them left empty, no crash.
        var r2 = RandomStream(seed: 1)
        let dup = KMeans(points: [1, 1, 1], width: 1, clusters: 2, maxIterations: 5, rng: &r2)
        #expect(dup.sizes.reduce(0, +) == 3 && dup.inertia == 0)
    }

    /// Separable one-dimensional data: the readout's scores have the labels' signs; the penalty
    /// keeps the coefficients finite.
    @Test func logisticReadoutSeparates() throws {
        let phi = Tensor<Double>(shape: [4, 1], scalars: [-2, -1, 1, 2])
        let fit = try LogisticReadout(features: phi, labels: [-1, -1, 1, 1], l2: 0.01)
        #expect(zip(fit.scores(phi), [-1.0, -1, 1, 1]).allSatisfy { $0 * $1 > 0 })
        #expect(fit.coefficients.allSatisfy(\.isFinite) && abs(fit.coefficients[1]) < 1e-6)
    }
}
