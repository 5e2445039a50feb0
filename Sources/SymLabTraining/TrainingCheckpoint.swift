import Foundation
import SymLabNumerics
import SymLabOptim

/// Everything a training run needs to continue from an evaluation step exactly as if it had never
/// stopped: the parameters, the optimizer's state buffers and step counts, the minibatch order
/// (the generator's state, the current permutation and the position in it), and the
/// early-stopping and divergence bookkeeping. The curves up to `step` are in the results database
/// already (a checkpoint is taken right after an evaluation was recorded).
///
/// Tensors are kept as their raw scalars (`Data`, the scalars' bytes in order): exact for f64 and
/// f32 alike, and compact. Encoded as a binary property list (Foundation's encoder: a format
/// with a maintained reader and writer, no hand-written parser).
public struct TrainingCheckpoint: Codable, Sendable, Equatable {
    /// The evaluation step it was taken at (steps 1…step are done).
    public var step: Int
    /// "f64" or "f32": a checkpoint resumes only a run of the same precision.
    public var precision: String
    public var parameters: Data
    public var optimizerBuffers: [Data]
    public var optimizerGroupSteps: [String: Int]
    public var batchRNG: RandomStream
    public var batchOrder: [Int]
    public var batchCursor: Int
    public var lastFiniteLoss: Double?
    public var bestValidation: Double
    public var sinceBest: Int
    public var bestParameters: Data?

    public func encoded() throws -> Data {
        let encoder = PropertyListEncoder()
        encoder.outputFormat = .binary
        return try encoder.encode(self)
    }

    public static func decoded(_ data: Data) throws -> TrainingCheckpoint {
        try PropertyListDecoder().decode(TrainingCheckpoint.self, from: data)
    }

    /// The scalars of `t` as bytes.
    static func bytes<S: TensorScalar>(_ t: Tensor<S>) -> Data { t.scalars.withUnsafeBytes { Data($0) } }

    /// A flat tensor of `S` from ``bytes(_:)``; nil when the byte count does not fit `count` scalars.
    static func tensor<S: TensorScalar>(_ data: Data, count: Int, as: S.Type = S.self) -> Tensor<S>? {
        guard data.count == count * MemoryLayout<S>.stride else { return nil }
        let scalars = data.withUnsafeBytes { Array($0.bindMemory(to: S.self)) }
        return Tensor(scalars)
    }
}

/// A checkpoint that does not fit the run it was offered to (another precision or parameter count):
/// the run starts from step 0 instead, and says why.
public struct CheckpointMismatch: Error, CustomStringConvertible {
    public let reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { "checkpoint not used: \(reason)" }
}
