import SymLabCore
import SymLabNumerics

/// One seed's data of a function class: the drawn target and any of its splits, each from its own
/// sub-stream of `RandomStream(seed:)` (``RandomStream/Substream``).
///
/// The one place that turns a seed into data: a model run, a scheme run, `symlab data`, `symlab
/// kernel` and `symlab model` all draw here, so the same seed gives the same target and the same
/// sets bit for bit wherever they are drawn (comparisons between models, schemes and kernel
/// baselines are paired), and changing one split's size leaves the target and the other splits
/// unchanged. A split is drawn only when asked for: a caller that needs the training inputs alone
/// does not draw empty validation and test sets.
public struct SeededData: Sendable {
    /// A split of the data, each from its own sub-stream.
    public enum Split: Sendable, CaseIterable {
        case train, validation, test

        var substream: RandomStream.Substream {
            switch self {
            case .train: .trainSplit
            case .validation: .validationSplit
            case .test: .testSplit
            }
        }
    }

    public let functionClass: any FunctionClass
    public let seed: UInt64
    /// The target of `seed` (sub-stream ``RandomStream/Substream/target``).
    public let target: any Target
    let root: RandomStream

    /// Draws the target of `seed`; the splits are drawn on demand.
    public init(_ functionClass: any FunctionClass, seed: UInt64) {
        self.functionClass = functionClass
        self.seed = seed
        root = RandomStream(seed: seed)
        var targetRNG = root.substream(.target)
        target = functionClass.drawTarget(rng: &targetRNG)
    }

    /// `count` labelled samples of `split`.
    public func sample<S: TensorScalar>(_ split: Split, count: Int, as: S.Type = S.self) -> Dataset<S> {
        var rng = root.substream(split.substream)
        return functionClass.sample(count: count, target: target, rng: &rng)
    }

    /// The three splits, of `nTrain`, `nValidation` and `nTest` samples.
    public func splits<S: TensorScalar>(nTrain: Int, nValidation: Int, nTest: Int, as: S.Type = S.self) -> DatasetSplits<S> {
        DatasetSplits(train: sample(.train, count: nTrain), validation: sample(.validation, count: nValidation),
                      test: sample(.test, count: nTest))
    }

    /// `count` samples beyond the splits, of the seed's target or of `other` (a target of the same
    /// inputs), from fresh-sample stream `k` (``RandomStream/Substream/freshSamples(_:)``):
    /// stages that need fresh samples ask for distinct streams.
    public func freshSamples<S: TensorScalar>(_ count: Int, of other: (any Target)? = nil, stream k: UInt64,
                                              as: S.Type = S.self) -> Dataset<S> {
        var rng = root.substream(.freshSamples(k))
        return functionClass.sample(count: count, target: other ?? target, rng: &rng)
    }
}
