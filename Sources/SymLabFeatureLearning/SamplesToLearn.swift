import SymLabFunctionClasses
import SymLabNumerics

/// Samples-to-learn of a scheme on a class: the smallest number of training samples at which the
/// median over seeds of a loss (by default `test_loss_normalized`) reaches ε.
///
/// The search doubles the training size from `start` until the median loss is ≤ ε (or `maxSamples`
/// is passed: not reached), then bisects between the last size that failed and the first that
/// reached ε, to one sample. Each size runs the scheme once per seed on ``SeededData``'s splits of
/// that seed — the target and the test set are the same at every size, so the curve in n is paired
/// — with the scheme stream of `RandomStream(seed:)`. Bisection assumes the median loss falls with n;
/// where it is not monotone the answer is one crossing of ε, not necessarily the first.
///
/// Any scheme can be measured (the figure that compares learners runs each through this); the
/// sizes tried and their losses are returned as ``SampleComplexity/Observation``s for plotting.
public enum SamplesToLearn {
    public struct Settings: Sendable {
        /// The loss threshold ε.
        public var epsilon: Double
        public var seeds: [UInt64]
        public var nTest: Int
        /// The first training size tried (≥ 1).
        public var start: Int
        /// Sizes beyond this are not tried: the answer is then nil.
        public var maxSamples: Int
        /// The scheme metric compared with ε.
        public var metric: String

        public init(epsilon: Double, seeds: [UInt64], nTest: Int, start: Int = 1, maxSamples: Int = 1 << 20,
                    metric: String = SchemeMetric.testLossNormalized) {
            precondition(epsilon.isFinite && !seeds.isEmpty && nTest >= 1 && start >= 1 && maxSamples >= start,
                         "SamplesToLearn.Settings: needs a finite ε, a seed, n_test ≥ 1 and 1 ≤ start ≤ maxSamples")
            self.epsilon = epsilon; self.seeds = seeds; self.nTest = nTest; self.start = start
            self.maxSamples = maxSamples; self.metric = metric
        }
    }

    public struct Measurement: Sendable {
        /// The smallest size found with median loss ≤ ε; nil when `maxSamples` did not reach it.
        public var samplesToLearn: Int?
        /// Every (size, seed, loss) evaluated, `d` = the `size` label passed to ``measure(_:on:size:settings:)``.
        public var observations: [SampleComplexity.Observation]
        /// The median loss at each size tried, ascending in size.
        public var medianLoss: [(n: Int, loss: Double)]
    }

    /// Measures `scheme` on `functionClass`; `size` labels the observations (the class's n or d).
    public static func measure(_ scheme: any TrainingScheme, on functionClass: any FunctionClass, size: Double = 0,
                               settings s: Settings) throws -> Measurement {
        let data = s.seeds.map { SeededData(functionClass, seed: $0) }
        var observations: [SampleComplexity.Observation] = [], medians: [Int: Double] = [:]
        func medianLoss(_ n: Int) throws -> Double {
            if let m = medians[n] { return m }
            var losses: [Double] = []
            for d in data {
                let context = SchemeContext(d, nTrain: n, nValidation: 0, nTest: s.nTest, rng: RandomStream(seed: d.seed).substream(.scheme))
                let loss = try scheme.run(context).metrics[s.metric] ?? .nan
                observations.append(.init(d: size, n: Double(n), seed: Int(truncatingIfNeeded: d.seed), loss: loss))
                losses.append(loss)
            }
            let m = SampleComplexity.median(losses)
            medians[n] = m
            return m
        }
        func reached(_ n: Int) throws -> Bool { try medianLoss(n) <= s.epsilon }

        var answer: Int?
        var failed = 0, n = s.start
        while n <= s.maxSamples {
            if try reached(n) { answer = n; break }
            failed = n
            guard n <= s.maxSamples / 2 else { break }
            n *= 2
        }
        if var hi = answer {
            var lo = failed
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2
                if try reached(mid) { hi = mid } else { lo = mid }
            }
            answer = hi
        }
        return Measurement(samplesToLearn: answer, observations: observations,
                           medianLoss: medians.keys.sorted().map { ($0, medians[$0]!) })
    }
}
