import SymLabAutodiff
import SymLabCore
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics
import SymLabTestSupport

/// G(n, 1/2) graphs with Gaussian node features (so that relabelling moves distinct values).
func randomGraphs(count: Int, nodes: Int, features: Int, seed: UInt64) -> GraphBatch<Double> {
    var rng = RandomStream(seed: seed)
    let a = ErdosRenyi.sample(count: count, nodes: nodes, p: 0.5, rng: &rng)
    return GraphBatch(adjacency: a, features: rng.normal([count, nodes, features]))
}

/// Random node permutations, one per graph.
func randomPermutations(_ count: Int, degree: Int, seed: UInt64) -> [Permutation] {
    var rng = RandomStream(seed: seed, stream: 3)
    return (0..<count).map { _ in Permutation(rng.permutation(degree)) }
}

/// Node rows [B·n, F] relabelled as GraphBatch.relabelled moves nodes: row (b, i) → (b, π_b(i)).
func relabelRows(_ h: Tensor<Double>, _ perms: [Permutation]) -> Tensor<Double> {
    let f = h.shape[1], n = perms[0].degree
    let s = h.scalars
    var out = [Double](repeating: 0, count: s.count)
    for (b, p) in perms.enumerated() {
        for i in 0..<n {
            for c in 0..<f { out[((b * n + p.images[i]) * f) + c] = s[(b * n + i) * f + c] }
        }
    }
    return Tensor(shape: h.shape, scalars: out)
}

/// x shifted cyclically along `axis` by s: out[(t + s) mod n] = x[t].
func shifted(_ x: Tensor<Double>, axis: Int, by s: Int) -> Tensor<Double> {
    permuteAxis(x, axis: axis, images: Permutation.shift(s, degree: x.shape[axis]).images)
}

/// Builds a registry model for `input`, or fails the test with the error.
func model(_ name: String, _ options: [String: String] = [:], input: InputDescription, seed: UInt64 = 1) throws -> any Model<Double> {
    try ModelRegistry.make(name, options: options, input: input, seed: seed, as: Double.self)
}

/// ±1 vectors [N, n].
func signVectors(_ count: Int, _ n: Int, seed: UInt64) -> Tensor<Double> {
    var rng = RandomStream(seed: seed)
    return rng.rademacher([count, n])
}

func maxAbs(_ t: Tensor<Double>) -> Double { t.scalars.map { Swift.abs($0) }.max() ?? 0 }
