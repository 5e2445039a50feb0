import SymLabCore
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics

/// One benchmark network: how SymmetryLab builds it, its batch, and its FLOPs per step.
///
/// FLOPs count the matrix products only (elementwise work is free in this count, as in the
/// research note's floors): a product of an m×k by a k×n matrix is 2mkn forward, 2mkn for the
/// weight gradient and 2mkn for the input gradient, except that no input gradient is computed
/// for the data (the first layer). A graph aggregation A·H over B graphs of n nodes with F
/// features is 2Bn²F forward and the same backward unless H is the data. A circular convolution
/// is the im2col product [B·L, Cin·K]·[Cin·K, Cout].
public struct StepModel: Sendable {
    public enum Kind: Sendable { case mlp(inputs: Int, widths: [Int]), gnn(nodes: Int, widths: [Int], hidden: [Int]), cnn(length: Int, channels: [Int], kernel: Int, hidden: [Int]) }
    public let name: String
    public let about: String
    public let kind: Kind
    public let batch: Int
    /// The registry name and options, or nil when the registry cannot express the model (see ``make``).
    let registry: (name: String, options: [String: String])?

    /// Every benchmark network, in the order of the tables; bench/peers/models.py defines the same ones.
    public static let all: [StepModel] = [
        StepModel(name: "mlp2", about: "MLP 64→512→1, batch 256", kind: .mlp(inputs: 64, widths: [512]), batch: 256,
                  registry: ("mlp", ["depth": "2", "width": "512"])),
        StepModel(name: "mlp3", about: "MLP 32→256→256→1, batch 512", kind: .mlp(inputs: 32, widths: [256, 256]), batch: 512,
                  registry: ("mlp", ["depth": "3", "width": "256"])),
        // The registry's GNN always has a hidden layer in its head; the GNN reads out
        // linearly, which the GNN type itself supports (hidden: []).
        StepModel(name: "gnn", about: "GNN 256 graphs n=10, 2 layers width 64, sum pool, linear readout", kind: .gnn(nodes: 10, widths: [64, 64], hidden: []),
                  batch: 256, registry: nil),
        StepModel(name: "cnn", about: "cyclic CNN 256 × length 16, 32 channels kernel 16, mean pool, head 64",
                  kind: .cnn(length: 16, channels: [32], kernel: 16, hidden: [64]), batch: 256,
                  registry: ("cnn", ["depth": "1", "channels": "32", "kernel": "16", "hidden": "64", "pooling": "mean"])),
        StepModel(name: "gnn-hard", about: "hardness figures' GNN on 500 graphs n=16 (depth 2, width 32, hidden 32, mean pool)",
                  kind: .gnn(nodes: 16, widths: [32, 32], hidden: [32]), batch: 500,
                  registry: ("gnn", ["depth": "2", "width": "32", "hidden": "32", "pooling": "mean"])),
        StepModel(name: "cnn-hard", about: "hardness figures' CNN on 500 × length 16 (3 convs of 16 channels, kernel 3, hidden 32)",
                  kind: .cnn(length: 16, channels: [16, 16, 16], kernel: 3, hidden: [32]), batch: 500,
                  registry: ("cnn", ["depth": "3", "channels": "16", "kernel": "3", "hidden": "32"])),
    ]

    /// Analytic FLOPs of one step (see the type's comment) and the formula that gives them.
    public var flops: (count: Double, formula: String) {
        let b = Double(batch)
        // m×k·k×n product: forward, weight gradient, and input gradient unless the input is data.
        func product(_ m: Double, _ k: Int, _ n: Int, data: Bool) -> Double { 2 * m * Double(k) * Double(n) * (data ? 2 : 3) }
        func head(_ d: Int, _ hidden: [Int]) -> Double {
            var total = 0.0, d = d
            for w in hidden + [1] { total += product(b, d, w, data: false); d = w }
            return total
        }
        switch kind {
        case let .mlp(inputs, widths):
            var total = 0.0, d = inputs
            for (i, w) in (widths + [1]).enumerated() { total += product(b, d, w, data: i == 0); d = w }
            return (total, "Σ_layers 2·B·in·out·3 (·2 for the first layer: no data gradient)")
        case let .gnn(n, widths, hidden):
            var total = 0.0, d = 1
            let nodes = b * Double(n)
            for (i, w) in widths.enumerated() {
                total += 2 * b * Double(n * n * d) * (i == 0 ? 1 : 2)        // A·H
                total += 2 * product(nodes, d, w, data: i == 0)              // H·W_root and (A·H)·W_nbr
                d = w
            }
            return (total + head(d, hidden), "Σ_layers [2·B·n²·F_in·(1|2) + 2·(2·B·n·F_in·F_out·(2|3))] + head")
        case let .cnn(length, channels, kernel, hidden):
            var total = 0.0, d = 1
            for (i, c) in channels.enumerated() { total += product(b * Double(length), d * kernel, c, data: i == 0); d = c }
            return (total + head(d, hidden), "Σ_convs 2·B·L·C_in·K·C_out·(2|3) + head")
        }
    }

    /// The model (initialised from seed 0), its fixed batch and targets.
    public func make<S: TensorScalar>(_: S.Type) throws -> (model: any Model<S>, inputs: Inputs<S>, labels: Tensor<S>) {
        var rng = RandomStream(seed: 0)
        let inputs: Inputs<Double>
        switch kind {
        case let .mlp(d, _): inputs = .dense(rng.normal([batch, d]))
        case let .gnn(n, _, _):
            inputs = try FunctionClassRegistry.make("er-parity", options: ["n": "\(n)"]).splits(nTrain: batch, nVal: 0, nTest: 0, seed: 0).train.inputs
        case let .cnn(length, _, _, _):
            inputs = try FunctionClassRegistry.make("cyclic-pattern-parity", options: ["n": "\(length)"]).splits(nTrain: batch, nVal: 0, nTest: 0, seed: 0).train.inputs
        }
        let labels: Tensor<Double> = rng.normal([batch])
        let x: Inputs<S> = inputs.cast()
        let model: any Model<S>
        if let registry {
            model = try ModelRegistry.make(registry.name, options: registry.options, input: InputDescription(x), seed: 0, as: S.self)
        } else if case let .gnn(_, widths, hidden) = kind {
            var r = RandomStream(seed: 0)
            model = GNN<S>(featureSize: 1, configuration: .init(widths: widths, hidden: hidden, pooling: .sum), rng: &r)
        } else {
            fatalError("StepModel \(name): no registry entry and no direct construction")
        }
        return (model, x, labels.cast())
    }
}
