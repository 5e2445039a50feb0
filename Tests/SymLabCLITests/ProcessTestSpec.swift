/// The spec the CLI's process tests run (sweeps killed, resumed, failed, sharded on Slurm): an MLP
/// trained by Adam on sparse parities of 8 bits, small enough that a run takes milliseconds — those
/// tests are about processes, signals and files, not learning, so only the sizes they depend on
/// vary. Tests derive variants by replacing text (`"width: 64"` → `"width: 0"`), so the layout is
/// fixed: one key per line as below.
func sparseParityMLPSpec(_ name: String, train: Int, val: Int, test: Int, width: Int, steps: Int, evalEvery: Int,
                         seeds: String, sweepWidths: [Int]? = nil) -> String {
    var lines = [
        "name: \(name)",
        "data: {class: sparse-parity, options: {n: 8, k: 2}, n_train: \(train), n_val: \(val), n_test: \(test)}",
        "model: {name: mlp, options: {width: \(width)}}",
        "optimizer: {name: adam, lr: 0.01}",
        "training: {steps: \(steps), eval_every: \(evalEvery)}",
        "seeds: \(seeds)",
    ]
    if let sweepWidths {
        lines += ["sweep:", "  product: {model.options.width: [\(sweepWidths.map(String.init).joined(separator: ", "))]}"]
    }
    return lines.joined(separator: "\n")
}
