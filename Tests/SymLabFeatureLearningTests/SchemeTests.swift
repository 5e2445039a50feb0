import SymLabCore
import SymLabFeatureLearning
import SymLabFunctionClasses
import SymLabKernels
import SymLabNumerics
import Testing

/// Each scheme on a tiny problem, checked against what its paper says it does.
@Suite struct SchemeTests {
    func context(_ cls: String, _ options: [String: String], n: Int, val: Int = 500, test: Int = 1000, seed: UInt64 = 0) throws -> SchemeContext {
        SchemeContext.make(try FunctionClassRegistry.make(cls, options: options), nTrain: n, nValidation: val, nTest: test, seed: seed,
                           rng: RandomStream(seed: seed, stream: 99))
    }

    @Test func damianStepAlignsNeuronsWithTheTargetDirectionAndBeatsRandomFeatures() throws {
        let c = try context("single-index", ["d": "16", "exponent": "2"], n: 3000)
        let step = try DamianScheme(options: ["width": "200"]).run(c).metrics
        let rf = try DamianScheme(options: ["width": "200", "step": "false"]).run(c).metrics
        let a0 = try #require(step[SchemeMetric.alignmentInit]), a1 = try #require(step[SchemeMetric.alignment])
        #expect(a0 < 0.4 && a1 > 2 * a0)
        #expect(rf[SchemeMetric.alignment] == a0)
        #expect(step[SchemeMetric.testLossNormalized]! < 0.5 * rf[SchemeMetric.testLossNormalized]!)
        #expect(step[SchemeMetric.spikeAlignment]! > 0.9)
    }

    @Test func damianTransferRefitsTheHeadOnANewLinkWithTheSameSubspace() throws {
        let c = try context("single-index", ["d": "16", "exponent": "2"], n: 3000)
        let m = try DamianScheme(options: ["width": "200", "transfer_n": "300"]).run(c).metrics
        let learned = try #require(m["transfer_test_loss_normalized"]), random = try #require(m["transfer_rf_test_loss_normalized"])
        #expect(learned < 0.5 && learned < random)
    }

    @Test func damianResampleBiasKeepsTheStepAndRedrawsTheHeadsBiases() throws {
        let c = try context("single-index", ["d": "16", "exponent": "2"], n: 3000)
        let base = try DamianScheme(options: ["width": "200"]).run(c).metrics
        // Off by default: writing the default gives the same run bit for bit.
        #expect(try DamianScheme(options: ["width": "200"]).resampleBias == false)
        #expect(base == (try DamianScheme(options: ["width": "200", "resample_bias": "false"]).run(c).metrics))
        let fresh = try DamianScheme(options: ["width": "200", "resample_bias": "true"]).run(c).metrics
        #expect(fresh == (try DamianScheme(options: ["width": "200", "resample_bias": "true"]).run(c).metrics))
        // The step (W) and the initial network are unchanged: the same alignment and spectrum.
        for k in [SchemeMetric.alignmentInit, SchemeMetric.alignment, SchemeMetric.spikeAlignment, SchemeMetric.singularRatio] {
            #expect(fresh[k] != nil && fresh[k] == base[k], "\(k)")
        }
        // The head sees other biases: another fit, and still far better than random features.
        let a = try #require(fresh[SchemeMetric.testLossNormalized]), b = try #require(base[SchemeMetric.testLossNormalized])
        #expect(a != b)
        let rf = try DamianScheme(options: ["width": "200", "step": "false"]).run(c).metrics
        #expect(a < 0.5 * rf[SchemeMetric.testLossNormalized]!)
        #expect(throws: FunctionClassError.self) { try DamianScheme(options: ["resample_bias": "maybe"]) }
    }

    @Test func damianRejectsAnOddWidthAndAGraphClass() throws {
        #expect(throws: FunctionClassError.self) { try DamianScheme(options: ["width": "7"]) }
        let c = try context("er-parity", ["n": "6"], n: 20, val: 5, test: 5)
        #expect(throws: SchemeError.self) { try DamianScheme(options: ["width": "10"]).run(c) }
    }

    @Test func baLargeStepFindsTheSpikeAndBeatsTheSmallStep() throws {
        // σ* = h1 + h2: the spike of the gradient aligns with the linear part's direction.
        let c = try context("single-index", ["d": "64", "coefficients": "0,1,1", "noise": "0.1"], n: 512)
        let large = try OneStepScheme(options: ["width": "128", "eta": "1", "scaling": "sqrt-width"]).run(c).metrics
        let small = try OneStepScheme(options: ["width": "128", "eta": "1"]).run(c).metrics
        #expect(large["step_size"]! == 128.0.squareRoot())
        #expect(large[SchemeMetric.spikeAlignment]! > 0.6 && large[SchemeMetric.singularRatio]! > 2)
        #expect(large[SchemeMetric.testLossNormalized]! < small[SchemeMetric.testLossNormalized]!)
        #expect(large["linear_test_loss_normalized"]! > 0.4 && large["linear_test_loss_normalized"]! < 0.6)
    }

    @Test func layerwiseLearnsTheQuadraticFeature() throws {
        let c = try context("hierarchical", ["d": "8"], n: 4000)
        let m = try LayerwiseScheme(options: [:]).run(c).metrics
        #expect(m[SchemeMetric.featureCorrelation]! > 0.85)
        #expect(m[SchemeMetric.testLossNormalized]! < m["stage1_test_loss_normalized"]!)
        #expect(m["stage1_features"] == 72)
    }

    @Test func layerwiseStage2KinksFollowTheFeatureOrAreUniform() throws {
        // A skewed, heavy-tailed standardised feature (like p at small d).
        var g = RandomStream(seed: 3)
        let z = Tensor((0..<2000).map { _ -> Double in let u = g.normal(); return u * u * u })
        let zs = z.scalars, lo = zs.min()!, hi = zs.max()!
        var rng = RandomStream(seed: 4)
        let data = try LayerwiseScheme(options: ["width": "400"])
        #expect(data.dataBiases)
        let (a, b) = data.stage2Weights(standardisedFeature: z, rng: &rng)
        #expect(a.shape == [1, 400] && b.shape == [400])
        let kinks = zip(a.scalars, b.scalars).map { -$1 / $0 }
        #expect(a.scalars.allSatisfy { abs($0) == 1 })
        #expect(kinks.allSatisfy { k in zs.contains(k) } && kinks.min()! >= lo && kinks.max()! <= hi)
        // Kinks spread over the feature's range, tails included (a cube of a normal reaches far beyond ±3).
        #expect(kinks.filter { abs($0) > 3 }.count > 20)
        let uniform = try LayerwiseScheme(options: ["width": "400", "biases": "uniform"])
        let (_, bu) = uniform.stage2Weights(standardisedFeature: z, rng: &rng)
        #expect(!uniform.dataBiases && bu.scalars.allSatisfy { $0 >= -3 && $0 <= 3 })
        #expect(throws: FunctionClassError.self) { try LayerwiseScheme(options: ["biases": "quantile"]) }
    }

    @Test func layerwiseClipBoundsStageOneLabelsAndLearnsTheFeatureFromFewerSamples() throws {
        let clipping = try LayerwiseScheme(options: ["clip": "2"])
        #expect(try LayerwiseScheme(options: [:]).clipBounds(Tensor([1.0, 2, 3])) == nil)
        #expect(throws: FunctionClassError.self) { try LayerwiseScheme(options: ["clip": "-1"]) }
        var g = RandomStream(seed: 5)
        let y = Tensor((0..<4000).map { _ -> Double in let u = g.normal(); return u * u * u })
        let r = try #require(clipping.clipBounds(y))
        let m = y.mean().scalar, sd = populationVariance(y).squareRoot()
        #expect(abs(r.lowerBound - (m - 2 * sd)) < 1e-12 && abs(r.upperBound - (m + 2 * sd)) < 1e-12)
        let c = clipping.clipped(y, r)
        #expect(c.scalars.allSatisfy { r.contains($0) })
        #expect(zip(y.scalars, c.scalars).allSatisfy { r.contains($0) ? $0 == $1 : $1 == (($0 < r.lowerBound) ? r.lowerBound : r.upperBound) })
        #expect(c.scalars.filter { $0 == r.upperBound }.count > 10)
        // g = z³ makes y heavy-tailed label noise for the stage-1 ridge: clipped labels learn p
        // better from the same samples (the figure's grid: corr 0.9 at n/d² ≈ 4 instead of ≈ 9–15).
        let ctx = try context("hierarchical", ["d": "12"], n: 1200, val: 1000, test: 2000)
        let plain = try LayerwiseScheme(options: [:]).run(ctx).metrics[SchemeMetric.featureCorrelation]!
        let robust = try LayerwiseScheme(options: ["clip": "3"]).run(ctx).metrics[SchemeMetric.featureCorrelation]!
        #expect(robust > plain + 0.02, "corr clipped \(robust) vs plain \(plain)")
    }

    @Test func layerwiseReportsTheExactDegreeTwoPlateauOfTheTarget() throws {
        let c = try context("hierarchical", ["d": "8"], n: 2000)
        let m = try LayerwiseScheme(options: ["biases": "uniform"]).run(c).metrics
        let t = try #require(c.target as? HierarchicalTarget)
        #expect(m["degree2_plateau"] == t.degreeTwoLoss && m["feature_excess_kurtosis"] == t.featureExcessKurtosis)
        // The learned feature alone is a degree-2 predictor: it cannot beat the exact plateau
        // (up to the noise of 1000 test points).
        #expect(m["stage1_test_loss_normalized"]! > m["degree2_plateau"]! - 0.1)
        #expect(m[SchemeMetric.featureCorrelation]! > 0.8)
    }

    @Test func jointAdamTrainsThroughTheTrainer() throws {
        let c = try context("single-index", ["d": "8", "exponent": "1", "degree": "1"], n: 256, val: 64, test: 256)
        let r = try JointTrainingScheme(options: ["widths": "32,32", "steps": "200", "lr": "0.01", "eval_every": "50"]).run(c)
        #expect(r.status == .done)
        #expect(r.metrics[SchemeMetric.testLossNormalized]! < 0.2)
        #expect(throws: FunctionClassError.self) { try JointTrainingScheme(options: ["widths": "32,x"]) }
    }

    /// `model=bottleneck`: Wang–Nichani–Lee's network trained jointly; the learned bottleneck g
    /// is recorded as its correlation with p. On p = Σλᵢh₃(xᵢ)/√d with a linear link (q = 1,
    /// so h = p) the trained g must track p; the untrained network's g does not.
    @Test func jointAdamOnTheBottleneckNetworkRecordsTheFeatureCorrelation() throws {
        let c = try context("hierarchical", ["d": "4", "feature": "hermite", "k": "3", "q": "1"], n: 512, val: 64, test: 512)
        let options = ["model": "bottleneck", "widths": "16,16", "activation": "cube", "lr": "0.01", "eval_every": "100"]
        let untrained = try JointTrainingScheme(options: options.merging(["steps": "1", "lr": "1e-9"]) { $1 }).run(c)
        let r = try JointTrainingScheme(options: options.merging(["steps": "400"]) { $1 }).run(c)
        #expect(r.status == .done)
        let corr = try #require(r.metrics[SchemeMetric.featureCorrelation])
        #expect(corr > 0.9, "corr(g, p) = \(corr)")
        #expect(try #require(untrained.metrics[SchemeMetric.featureCorrelation]) < corr - 0.2)
        #expect(r.metrics[SchemeMetric.testLossNormalized]! < 0.2)
        // The same seed gives the same run, bit for bit.
        #expect(r.metrics == (try JointTrainingScheme(options: options.merging(["steps": "400"]) { $1 }).run(c).metrics))
        // An MLP records no bottleneck; the bottleneck needs exactly two widths.
        let mlp = try JointTrainingScheme(options: ["widths": "8", "steps": "1"]).run(c)
        #expect(mlp.metrics[SchemeMetric.featureCorrelation] == nil)
        #expect(throws: FunctionClassError.self) { try JointTrainingScheme(options: ["model": "bottleneck", "widths": "8"]) }
    }

    @Test func kernelBaselineFitsAndSameSeedIsBitIdentical() throws {
        let c1 = try context("single-index", ["d": "8", "exponent": "1", "degree": "1"], n: 300)
        let c2 = try context("single-index", ["d": "8", "exponent": "1", "degree": "1"], n: 300)
        let a = try KernelBaselineScheme(options: ["kernel": "relu-ntk"]).run(c1).metrics
        #expect(a == (try KernelBaselineScheme(options: ["kernel": "relu-ntk"]).run(c2).metrics))
        #expect(a[SchemeMetric.testLossNormalized]! < 0.1)
        let d1 = try DamianScheme(options: ["width": "20"]).run(c1).metrics
        #expect(d1 == (try DamianScheme(options: ["width": "20"]).run(c2).metrics))
    }

    @Test func registryNamesEveryScheme() throws {
        for name in ["damian-onestep", "ba-onestep", "layerwise", "joint-adam", "kernel"] {
            #expect(type(of: try SchemeRegistry.make(name)).schemeName == name)
        }
        #expect(throws: SchemeError.self) { try SchemeRegistry.make("nope") }
        #expect(SchemeRegistry.helpText.contains("damian-onestep"))
    }
}
