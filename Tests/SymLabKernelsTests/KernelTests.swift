import SymLabCore
import SymLabFunctionClasses
import SymLabKernels
import SymLabNumerics
import Testing

/// Largest |a − b| over the entries.
func maxAbsDifference(_ a: Tensor<Double>, _ b: Tensor<Double>) -> Double {
    precondition(a.shape == b.shape, "shapes \(a.shape) and \(b.shape) differ")
    return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
}

func gaussianInputs(_ n: Int, _ d: Int, seed: UInt64) -> Inputs<Double> {
    var rng = RandomStream(seed: seed, stream: 1)
    return .dense(rng.normal([n, d]))
}

/// Random graphs of G(n, 1/2) with Gaussian node features.
func randomGraphs(_ count: Int, nodes: Int, features f: Int, seed: UInt64) -> Inputs<Double> {
    var rng = RandomStream(seed: seed, stream: 2)
    let a = ErdosRenyi.sample(count: count, nodes: nodes, p: 0.5, rng: &rng)
    return .graphs(GraphBatch(adjacency: a, features: rng.normal([count, nodes, f])))
}

/// A big enough scratch allowance to stack all Jacobians of a small gram at once.
let wideTiling = Tiling(tileSize: 64, scratchLimit: 4 << 30)

@Suite struct ClosedFormVersusWideNetworks {
    /// The closed-form ReLU NNGP and NTK against the empirical ones of one random network of width
    /// 4096. The Monte Carlo error of an entry is ≈ c/√m with c the per-unit standard deviation
    /// (≈ √6 ≈ 2.4 for one hidden layer, larger for two): we allow 5c/√m with c = 2.5·(L − 1),
    /// relative to √(K(x,x)K(x′,x′)).
    @Test(arguments: [(2, 0.0), (2, 0.5), (3, 0.3)])
    func reluKernelsMatchWideNetwork(depth: Int, biasVariance: Double) throws {
        let width = 4096, d = 5
        let x = gaussianInputs(6, d, seed: 11)
        let net = try WideNetwork(depth: depth, width: width, inputDimension: d, biasVariance: biasVariance, seed: UInt64(depth * 100))
        let ntk = try ReLUNetworkKernel(.ntk, depth: depth, biasVariance: biasVariance).gram(x)
        let nngp = try ReLUNetworkKernel(.nngp, depth: depth, biasVariance: biasVariance).gram(x)
        let empiricalNTK = try EmpiricalNTK(net).gram(x, tiling: wideTiling)
        let empiricalNNGP = try FeatureMapKernel(name: "last hidden", featureCount: width) { net.lastHiddenFeatures($0) }
            .gram(x) + biasVariance
        let tolerance = 5 * 2.5 * Double(depth - 1) / Double(width).squareRoot()
        for (name, exact, empirical) in [("NTK", ntk, empiricalNTK), ("NNGP", nngp, empiricalNNGP)] {
            let dev = relativeDeviation(exact, empirical)
            print("depth \(depth) σb² \(biasVariance) \(name): max relative deviation \(dev) (tolerance \(tolerance))")
            #expect(dev < tolerance, "\(name) depth \(depth)")
        }
        // NTK − NNGP = Σ_l (products of PSD kernels) is PSD.
        let gap = try Linalg.eigh(ntk - nngp).values.scalars
        #expect(gap.min()! >= -1e-10 * gap.max()!)
        if depth == 2 {
            // One hidden layer: the units are iid, so the NNGP's own standard error is known from
            // the per-unit terms t_j = m·F_ij·F_kj (F the scaled features): check within 5 SEs.
            let f = net.lastHiddenFeatures(x)
            var worst = 0.0
            for i in 0..<6 { for k in 0..<6 {
                let t = (0..<width).map { Double(width) * f[i, $0] * f[k, $0] }
                let mean = t.reduce(0, +) / Double(width)
                let se = ((t.map { $0 * $0 }.reduce(0, +) / Double(width) - mean * mean) / Double(width)).squareRoot()
                worst = max(worst, abs(empiricalNNGP[i, k] - nngp[i, k]) / se)
            } }
            print("depth 2 σb² \(biasVariance) NNGP: max deviation \(worst) standard errors")
            #expect(worst < 5)
        }
    }

    /// max |K̂ − K| / √(K(x,x)K(x′,x′)).
    func relativeDeviation(_ exact: Tensor<Double>, _ empirical: Tensor<Double>) -> Double {
        let n = exact.shape[0]
        var worst = 0.0
        for i in 0..<n { for j in 0..<n {
            let s = (exact[i, i] * exact[j, j]).squareRoot()
            worst = max(worst, abs(exact[i, j] - empirical[i, j]) / s)
        } }
        return worst
    }

    /// The Monte Carlo kernel with relu and σ_w² = 2 estimates the closed form.
    @Test(arguments: [NetworkKernelKind.nngp, .ntk])
    func monteCarloReLUMatchesClosedForm(kind: NetworkKernelKind) throws {
        let x = gaussianInputs(8, 4, seed: 3)
        for depth in [2, 3] {
            let exact = try ReLUNetworkKernel(kind, depth: depth, biasVariance: 0.2).gram(x)
            let mc = try MonteCarloNetworkKernel(kind, activation: .relu, depth: depth, inputDimension: 4, width: 4096,
                                                 networks: 2, biasVariance: 0.2, seed: 5).gram(x)
            let dev = relativeDeviation(exact, mc)
            let tolerance = 5 * 2.5 * Double(depth - 1) / Double(4096 * 2).squareRoot()
            print("Monte Carlo relu \(kind) depth \(depth): max relative deviation \(dev) (tolerance \(tolerance))")
            #expect(dev < tolerance)
        }
    }

    /// For tanh (no closed form) the Monte Carlo NTK agrees with the empirical NTK of an
    /// independent wide tanh network: both are estimates of the same infinite-width kernel.
    @Test func monteCarloTanhMatchesWideTanhNetwork() throws {
        let d = 4, width = 4096
        let x = gaussianInputs(6, d, seed: 21)
        let mc = try MonteCarloNetworkKernel(.ntk, activation: .tanh, depth: 2, inputDimension: d, width: width,
                                             networks: 4, weightVariance: 1, biasVariance: 0.1, seed: 9).gram(x)
        let net = try WideNetwork(depth: 2, width: width, inputDimension: d, activation: .tanh, weightVariance: 1,
                                  biasVariance: 0.1, seed: 77)
        let emp = try EmpiricalNTK(net).gram(x, tiling: wideTiling)
        let dev = relativeDeviation(mc, emp)
        print("tanh NTK, Monte Carlo vs wide network: max relative deviation \(dev)")
        #expect(dev < 5 * 2.5 / Double(width).squareRoot())
    }

    /// The graph NTK/NNGP of the one-layer sum GNN against a wide random GNN (width 4096).
    @Test(arguments: [NetworkKernelKind.nngp, .ntk])
    func graphKernelMatchesWideGNN(kind: NetworkKernelKind) throws {
        let g = randomGraphs(5, nodes: 6, features: 3, seed: 4)
        let net = try WideNetwork(depth: 2, width: 4096, inputDimension: 3, biasVariance: 1, seed: 12, graphs: true)
        let exact = try GraphNetworkKernel(kind, depth: 2, biasVariance: 1).gram(g)
        let empirical: Tensor<Double>
        if kind == .ntk {
            empirical = try EmpiricalNTK(net).gram(g, tiling: wideTiling)
        } else {
            // NNGP: Σ_{i,j} (⟨feature(z_i), feature(z′_j)⟩ + σ_b²) = ⟨Σ_i feature(z_i), Σ_j feature(z′_j)⟩ + n²σ_b².
            let pooled = FeatureMapKernel(name: "pooled last hidden", featureCount: 4096) { inputs in
                let f = net.lastHiddenFeatures(inputs)
                return f.reshaped([inputs.count, 6, 4096]).sum(axes: [1])
            }
            empirical = try pooled.gram(g) + 36
        }
        let dev = relativeDeviation(exact, empirical)
        print("graph \(kind): max relative deviation from a wide sum GNN \(dev)")
        #expect(dev < 5 * 2.5 / Double(4096).squareRoot())
    }
}

@Suite struct GraphKernelTests {
    /// The graph kernel is the node-pair sum of the ReLU kernel on Z = (A + I)X, and is invariant
    /// under relabelling the nodes of each graph.
    @Test func nodePairSumAndInvariance() throws {
        let g = randomGraphs(4, nodes: 5, features: 2, seed: 8)
        let kernel = try GraphNetworkKernel(.ntk, depth: 3, biasVariance: 0.7)
        let k = try kernel.gram(g)
        let z = kernel.aggregatedFeatures(g.graphs)
        let nodeK = try ReLUNetworkKernel(.ntk, depth: 3, biasVariance: 0.7).gram(.dense(z))
        for a in 0..<4 { for b in 0..<4 {
            var s = 0.0
            for i in 0..<5 { for j in 0..<5 { s += nodeK[a * 5 + i, b * 5 + j] } }
            #expect(abs(s - k[a, b]) <= 1e-10 * abs(s))
        } }
        var rng = RandomStream(seed: 3)
        let moved = Inputs<Double>.graphs(g.graphs.relabelled(by: (0..<4).map { _ in Permutation(rng.permutation(5)) }))
        #expect(maxAbsDifference(try kernel.matrix(moved, g), k) <= 1e-10 * (k.scalars.map(abs).max() ?? 1))
    }

    @Test func rejectsWrongInputKind() throws {
        #expect(throws: KernelError.self) { try GraphNetworkKernel(.nngp).gram(gaussianInputs(3, 2, seed: 1)) }
        #expect(throws: KernelError.self) { try RadialKernel(.rbf, bandwidth: 1).gram(randomGraphs(2, nodes: 3, features: 1, seed: 1)) }
    }
}

@Suite struct TilingTests {
    /// Tiles of 3 samples (ragged edges included) give the same matrix as one big tile, and the
    /// gram path (mirrored tiles) equals the general one.
    @Test func tilesEqualUntiled() throws {
        let x = gaussianInputs(20, 4, seed: 2), y = gaussianInputs(11, 4, seed: 3)
        let g = randomGraphs(10, nodes: 4, features: 2, seed: 5)
        let small = Tiling(tileSize: 3), big = Tiling(tileSize: 1000)
        let kernels: [any Kernel] = [
            try RadialKernel(.rbf, bandwidth: 1.3), try RadialKernel(.laplace, bandwidth: 2),
            try ReLUNetworkKernel(.ntk, depth: 3, biasVariance: 0.1),
            try MonteCarloNetworkKernel(.ntk, activation: .gelu, inputDimension: 4, width: 64, seed: 1),
            try RandomFeatures(activation: .tanh, count: 50, inputDimension: 4, seed: 2),
        ]
        for k in kernels {
            let full = try k.matrix(x, y, tiling: big)
            #expect(maxAbsDifference(try k.matrix(x, y, tiling: small), full) <= 1e-12, "\(k.name)")
            let gram = try k.gram(x, tiling: small)
            #expect(maxAbsDifference(gram, try k.matrix(x, x, tiling: big)) <= 1e-12, "\(k.name)")
            #expect(gram == gram.transposed(), "\(k.name) gram is exactly symmetric")
        }
        let gk = try GraphNetworkKernel(.ntk)
        #expect(maxAbsDifference(try gk.gram(g, tiling: small), try gk.gram(g, tiling: big)) <= 1e-9)
    }
}

@Suite struct MemoryTests {
    /// A matrix larger than the budget is refused before any work, naming both sizes.
    @Test func refusalNamesSizes() throws {
        let x = gaussianInputs(20, 3, seed: 1)
        let tiny = Tiling(memory: MemoryBudget(availableBytes: 1000))
        do {
            _ = try RadialKernel(.rbf, bandwidth: 1).gram(x, tiling: tiny)
            Issue.record("a 20×20 matrix fit in 1000 bytes")
        } catch let e as MemoryError {
            let m = e.description
            print(m)
            #expect(m.contains("20×20"))
            #expect(m.contains("1000 bytes is available"))
            guard case .insufficientMemory(_, let needed, 1000, _) = e else { Issue.record("wrong error \(e)"); return }
            #expect(needed >= 20 * 20 * 8 && m.contains("(\(needed) bytes)"))
        }
    }

    /// With the real budget (MemAvailable), a million-sample kernel regression (8 TB of kernel
    /// matrix) is refused at once.
    @Test func millionSamplesRefusedUpFront() throws {
        let n = 1_000_000
        let data = Dataset<Double>(className: "test", parameters: [:], inputs: .dense(Tensor(shape: [n, 1])),
                                   labels: Tensor(shape: [n]), cleanLabels: Tensor(shape: [n]), documentedMoments: nil)
        let small = Dataset<Double>(className: "test", parameters: [:], inputs: .dense(Tensor(shape: [3, 1])),
                                    labels: Tensor(shape: [3]), cleanLabels: Tensor(shape: [3]), documentedMoments: nil)
        let t0 = Clock.seconds()
        #expect(MemoryBudget.system.availableBytes > 0)
        do {
            _ = try KernelRegression.fit(try RadialKernel(.rbf, bandwidth: 1), train: data, validation: small, test: small)
            Issue.record("an 8 TB kernel matrix was not refused")
        } catch let e as MemoryError {
            print(e)
            #expect(e.description.contains("MemAvailable") || e.description.contains("memory"))
            guard case .insufficientMemory(_, let needed, _, _) = e else { Issue.record("wrong error \(e)"); return }
            #expect(needed >= 4 * 8 * n * n)
        }
        #expect(Clock.seconds() - t0 < 1)
    }
}
