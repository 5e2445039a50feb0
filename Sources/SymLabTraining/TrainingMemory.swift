import SymLabModels
import SymLabNumerics

/// What training a network through the ``Trainer`` keeps in memory, in numbers, known before the
/// network is built: the one estimate behind the memory preflight of a model run and of a scheme
/// that trains a registered model (joint training), so both are refused alike when they cannot fit.
public struct TrainingMemory: Sendable, Equatable {
    /// Parameter-sized buffers: values, gradients, up to two optimizer moments, the
    /// early-stopping snapshot, and one gradient buffer per extra data-parallel shard (one per
    /// thread beyond the first).
    public var parameterNumbers: Int
    /// Training keeps values and gradients of every layer output for a batch; evaluation
    /// predicts whole splits without gradients.
    public var activationNumbers: Int

    /// Training a network of `size` with `config` (its batch, early stopping and threads) on
    /// splits of these sizes.
    public init(_ size: ModelSize, config: TrainingConfig, nTrain: Int, nValidation: Int, nTest: Int) {
        let copies = (config.earlyStoppingPatience == nil ? 4 : 5) + Swift.max(config.threads - 1, 0)
        parameterNumbers = saturatingProduct([size.parameters, copies])
        let batch = Swift.min(config.batchSize ?? nTrain, nTrain)
        let rows = Swift.max(saturatingProduct([batch, 3]), saturatingProduct([Swift.max(nTrain, nValidation, nTest), 2]))
        activationNumbers = saturatingProduct([rows, size.activationsPerSample])
    }
}
