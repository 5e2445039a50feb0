import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// The `samples` option of the sample-based learners (`gf2-elimination`, `orbit-lookup`): use only
/// the first N samples of the training split. A figure sweeps N on one spec's data, and the sets
/// are nested (the first N samples are the same at every N), so a curve against N shows the
/// learner seeing more of the same data rather than a new draw at each point.
struct SampleLimit: Sendable {
    static let doc = OptionDoc("samples", "all", "use only the first N training samples (an integer ≥ 1, or all)")

    /// nil: the whole training split.
    let limit: Int?

    /// Reads the options of a scheme whose only option is `samples` (any other key is an error).
    init(options: [String: String], scheme: String) throws {
        var o = OptionReader(className: "scheme \(scheme)", options: options)
        if let s = o.string("samples"), s != "all" {
            guard let v = Int(s), v >= 1 else { throw o.fail("samples", allowed: "an integer ≥ 1, or all", got: s) }
            limit = v
        } else {
            limit = nil
        }
        try o.finish()
    }

    /// The samples a run on a training split of `nTrain` uses (the preflight's estimate; a limit
    /// above `nTrain` fails at the run's start).
    func count(nTrain: Int) -> Int { Swift.min(limit ?? nTrain, nTrain) }

    /// The first N samples of the context's training split; an error when the split is shorter or empty.
    func training(_ c: SchemeContext, scheme: String) throws -> Dataset<Double> {
        let all = c.train
        if let n = limit, n > all.count {
            throw SchemeError.failed(scheme: scheme, reason: "samples = \(n) exceeds the training split (n_train = \(all.count))")
        }
        guard all.count > 0 else { throw SchemeError.failed(scheme: scheme, reason: "needs at least one training sample") }
        guard let n = limit, n < all.count else { return all }
        return Dataset(className: all.className, parameters: all.parameters, inputs: all.inputs.samples(0..<n),
                       labels: Tensor(Array(all.labels.scalars.prefix(n))), cleanLabels: Tensor(Array(all.cleanLabels.scalars.prefix(n))),
                       documentedMoments: all.documentedMoments)
    }
}
