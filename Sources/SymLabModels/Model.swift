import SymLabAutodiff
import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// A trainable network: its parameters live in one flat ``ParameterStore`` and its forward pass
/// records on a ``Tape``. The trainer, the experiment runner and the benchmarks only see this.
public protocol Model<Scalar>: AnyObject {
    associatedtype Scalar: TensorScalar

    /// Every trainable parameter, grouped by layer (group names are what layer-wise schemes freeze).
    var parameters: ParameterStore<Scalar> { get }

    /// One prediction per sample: a value of shape [N] for N inputs, or [N, ``outputsPerSample``]
    /// for a network with a vector output (an autoencoder's reconstruction).
    func forward(_ inputs: Inputs<Scalar>, on tape: Tape<Scalar>) -> Variable<Scalar>

    /// Outputs per sample: 1 (a scalar prediction, shape [N]) unless the network says otherwise.
    var outputsPerSample: Int { get }

    /// Layers, shapes and parameter counts, for `symlab model describe` and the results store.
    var summary: ModelSummary { get }
}

extension Model {
    public var outputsPerSample: Int { 1 }

    /// Predictions without recording gradients (evaluation).
    public func predict(_ inputs: Inputs<Scalar>) -> Tensor<Scalar> {
        let tape = Tape<Scalar>()
        let out = forward(inputs, on: tape).value
        tape.reset()   // pullbacks may hold Variables, which hold the tape: break the cycle
        return out
    }
}

/// A printable description of a model.
public struct ModelSummary: Sendable, Equatable, CustomStringConvertible {
    public struct Layer: Sendable, Equatable {
        public let name: String
        public let kind: String
        public let outputShape: String
        public let parameterCount: Int
        public init(name: String, kind: String, outputShape: String, parameterCount: Int) {
            self.name = name; self.kind = kind; self.outputShape = outputShape; self.parameterCount = parameterCount
        }
    }

    public let name: String
    public let layers: [Layer]
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    public init(name: String, layers: [Layer]) { self.name = name; self.layers = layers }

    public var description: String {
        var lines = ["\(name): \(parameterCount) parameters"]
        for l in layers {
            lines.append("  \(l.name.padding(18)) \(l.kind.padding(34)) \(l.outputShape.padding(16)) \(l.parameterCount)")
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
