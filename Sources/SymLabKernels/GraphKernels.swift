import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// The closed-form NNGP / NTK of a one-aggregation sum GNN with sum readout, so that kernels are
/// baselines on the graph classes (H_ER,n, the Gaussian GNN class) too.
///
/// **Network.** For a graph with adjacency A (n×n) and node features X (n×f):
///
///     z_i  = x_i + Σ_{j ∈ N(i)} x_j                 (sum aggregation with a self-loop: Z = (A + I)X;
///                                                    without self-loops Z = AX)
///     f(G) = Σ_{i=1..n} g(z_i)                      (sum readout over nodes)
///
/// where g is the fully connected ReLU network of ``ReLUNetworkKernel`` (NTK parameterisation,
/// He scaling, `depth` weight layers, input dimension f), its weights shared by all nodes. With
/// depth 2, f(G) = √(2/m)·Σ_k v_k Σ_i relu(⟨w_k, z_i⟩/√f + σ_b·b_k) — the one-layer GNN.
///
/// **Kernel.** All weights are shared across nodes and the readout is linear, so both the output
/// covariance and the gradient inner products are sums over node pairs:
///
///     K(G, G′) = Σ_{i, j} k_g(z_i, z′_j),   k_g = Σ^L (NNGP) or Θ^L (NTK) of ``ReLUNetworkKernel``.
///
/// K is invariant under relabelling the nodes of either graph. The bias variance defaults to 1:
/// with the constant node features of H_ER,n, z_i = 1 + deg(i) is a scalar and a bias-free
/// ReLU kernel is then ∝ z·z′, making K rank one (it would see only the edge count).
public struct GraphNetworkKernel: Kernel, Sendable {
    public let node: ReLUNetworkKernel
    public let selfLoops: Bool

    public init(_ kind: NetworkKernelKind, depth: Int = 2, biasVariance: Double = 1, selfLoops: Bool = true) throws {
        node = try ReLUNetworkKernel(kind, depth: depth, biasVariance: biasVariance)
        self.selfLoops = selfLoops
    }

    public var name: String {
        "graph-\(node.kind.rawValue)(sum GNN, depth \(node.depth), σb² \(node.biasVariance)\(selfLoops ? ", self-loops" : ""))"
    }

    public func validate(_ inputs: Inputs<Double>) throws {
        guard case .graphs = inputs else {
            throw KernelError.unsupportedInputs(kernel: "graph-\(node.kind.rawValue)", reason: "takes graphs, got dense inputs; use relu-\(node.kind.rawValue) for vectors")
        }
    }

    /// Z = (A + I)X (or AX) for every graph, as [B·n, f].
    public func aggregatedFeatures(_ g: GraphBatch<Double>) -> Tensor<Double> {
        let f = g.features.shape[2]
        var z = Tensor.batchedMatmul(g.adjacency, g.features)
        if selfLoops { z.add(g.features) }
        return z.reshaped([g.count * g.nodesPerGraph, f])
    }

    public func block(_ a: Inputs<Double>, _ b: Inputs<Double>) -> Tensor<Double> {
        let ga = a.graphs, gb = b.graphs
        let na = ga.nodesPerGraph, nb = gb.nodesPerGraph
        let nodes = node.kernelOfRows(aggregatedFeatures(ga), aggregatedFeatures(gb))   // [Ba·na, Bb·nb]
        // Sum-pool each na×nb block of node pairs.
        let ba = ga.count, bb = gb.count, width = bb * nb
        var out = Tensor<Double>(shape: [ba, bb])
        nodes.withUnsafePointer { p in out.withUnsafeMutablePointer { q in
            for g in 0..<ba {
                for i in 0..<na {
                    let row = p + (g * na + i) * width
                    for h in 0..<bb {
                        var s = 0.0
                        for j in 0..<nb { s += row[h * nb + j] }
                        q[g * bb + h] += s
                    }
                }
            }
        } }
        return out
    }

    /// The node-level matrix of a tile, (rows·n) × (cols·n) Doubles, sized for n = 32 nodes per
    /// graph (the node count is not known before the inputs are seen; tiles are small either way).
    public func scratchBytes(rows: Int, cols: Int) -> Int {
        MemoryBudget.doubles(MemoryBudget.product(rows &* 32, cols &* 32))
    }
}
