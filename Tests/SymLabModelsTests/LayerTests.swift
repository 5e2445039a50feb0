import SymLabAutodiff
import SymLabCore
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics
import SymLabTestSupport
import Testing

// Every layer: finite-difference gradients of its input and parameters (Double, relative error
// < 1e-6), and equivariance under random group elements (< 1e-10).

// MARK: - Activations

/// g(x) = erf(x/√2) = 2Φ(x) − 1: g(1) = P(|Z| ≤ 1) = 0.682689492137086, g odd, g(∞) = 1.
@Test("erf activation: g(x) = erf(x/√2) = 2Φ(x) − 1")
func erfActivationIsTwiceTheGaussianCDFMinusOne() {
    let tape = Tape<Double>()
    let y = Activation.erf.apply(tape.constant(Tensor(shape: [4], scalars: [1, -1, 0, 40]))).value.scalars
    #expect(Swift.abs(y[0] - 0.682689492137086) < 1e-14 && y[1] == -y[0] && y[2] == 0 && y[3] == 1)
    tape.reset()
}

// MARK: - Segment max

@Test("segment max: forward against a direct loop, 0 for empty segments")
func segmentMaxForward() {
    let x = gaussian([7, 3], seed: 1)
    let seg = [2, 0, 2, 3, 0, 2, 3]           // segment 1 is empty
    let tape = Tape<Double>()
    let y = tape.constant(x).segmentMax(seg, count: 4).value
    #expect(y.shape == [4, 3])
    for s in 0..<4 {
        for c in 0..<3 {
            let members = seg.indices.filter { seg[$0] == s }.map { x[$0, c] }
            #expect(y[s, c] == (members.max() ?? 0))
        }
    }
}

@Test("segment max: gradient matches central differences")
func segmentMaxGradient() {
    let x = awayFromZero([9, 4], seed: 2)
    let seg = [0, 1, 1, 2, 0, 2, 2, 1, 3]
    let err = gradientRelativeErrors([x]) { v in v[0].segmentMax(seg, count: 5) }
    #expect(err[0] < 1e-6)
}

// MARK: - Dense

@Test("dense layer gradients (input, weight, bias) in each parameterization",
      arguments: [Parameterization.standard, .ntk, .meanField])
func denseGradients(p: Parameterization) {
    var rng = RandomStream(seed: 3)
    let store = ParameterStore<Double>()
    for isOutput in [false, true] {
        let layer = Dense<Double>("d", group: "d", inputSize: 5, outputSize: 3, bias: true, scheme: InitScheme(p),
                                  isOutput: isOutput, store: store, rng: &rng)
        store.setValue(layer.bias!, gaussian([3], seed: 4))
        let inputs = [gaussian([6, 5], seed: 5)] + layer.parameterIDs.map { store.value($0).copy() }
        let err = gradientRelativeErrors(inputs) { v in layer.apply(v[0], parameters: Array(v[1...])) }
        #expect(err.allSatisfy { $0 < 1e-6 }, "\(p), output layer: \(isOutput): \(err)")
    }
}

@Test("NTK and standard parameterizations compute the same function at init; mean-field divides the readout by the width")
func parameterizationsAtInit() throws {
    let x = gaussian([20, 6], seed: 6)
    var outs: [Parameterization: Tensor<Double>] = [:]
    for p in Parameterization.allCases {
        var rng = RandomStream(seed: 7)
        outs[p] = MLP<Double>(inputShape: [6], widths: [64], scheme: InitScheme(p, scale: 1.5), rng: &rng).predict(.dense(x))
    }
    #expect(maxAbsDifference(outs[.standard]!, outs[.ntk]!) < 1e-12)
    #expect(maxAbsDifference(outs[.meanField]!.scaled(by: 8), outs[.ntk]!) < 1e-12)   // √64
    #expect(maxAbs(outs[.ntk]!) > 0.1)
}

// MARK: - Message passing

let graphLayerCases: [(Aggregation, Propagation, Bool)] = [
    (.sum, .dense, true), (.sum, .edges, true), (.mean, .dense, false), (.mean, .edges, true), (.max, .edges, true), (.sum, .dense, false),
]

@Test("message-passing layer gradients", arguments: 0..<graphLayerCases.count)
func messagePassingGradients(k: Int) {
    let (agg, prop, root) = graphLayerCases[k]
    let batch = randomGraphs(count: 2, nodes: 5, features: 3, seed: 8)
    let g = GraphStructure(batch)
    var rng = RandomStream(seed: 9)
    let store = ParameterStore<Double>()
    // Both orders of the linear map and the aggregation: 3 → 4 aggregates first, 3 → 2 transforms first.
    for out in [4, 2] {
        let layer = MessagePassing<Double>("mp", group: "mp", inputSize: 3, outputSize: out, aggregation: agg, propagation: prop,
                                           rootWeight: root, bias: true, scheme: InitScheme(.ntk), store: store, rng: &rng)
        store.setValue(layer.bias!, gaussian([out], seed: 10))
        let inputs = [g.features] + layer.parameterIDs.map { store.value($0).copy() }
        let err = gradientRelativeErrors(inputs) { v in layer.apply(v[0], graph: g, parameters: Array(v[1...])) }
        #expect(err.allSatisfy { $0 < 1e-6 }, "\(agg) \(prop) root \(root) → \(out): \(err)")
    }
}

@Test("message-passing layers are equivariant to node relabelling", arguments: 0..<graphLayerCases.count)
func messagePassingEquivariance(k: Int) {
    let (agg, prop, root) = graphLayerCases[k]
    let batch = randomGraphs(count: 6, nodes: 7, features: 3, seed: 11)
    var rng = RandomStream(seed: 12)
    let store = ParameterStore<Double>()
    let layer = MessagePassing<Double>("mp", group: "mp", inputSize: 3, outputSize: 5, aggregation: agg, propagation: prop,
                                       rootWeight: root, bias: true, scheme: .standard, store: store, rng: &rng)
    func run(_ b: GraphBatch<Double>) -> Tensor<Double> {
        let tape = Tape<Double>()
        let g = GraphStructure(b)
        return layer(tape.constant(g.features), graph: g, Binding(store, tape)).value
    }
    for round in 0..<3 {
        let perms = randomPermutations(6, degree: 7, seed: UInt64(13 + round))
        let moved = run(batch.relabelled(by: perms))
        #expect(maxAbsDifference(moved, relabelRows(run(batch), perms)) < 1e-10)
    }
}

@Test("dense and edge-list aggregation agree", arguments: [Aggregation.sum, .mean])
func denseMatchesEdges(agg: Aggregation) {
    let g = GraphStructure(randomGraphs(count: 4, nodes: 9, features: 3, seed: 14))
    let tape = Tape<Double>()
    let h = tape.constant(g.features)
    let dense = aggregate(h, over: g, agg, propagation: .dense).value
    let edges = aggregate(h, over: g, agg, propagation: .edges).value
    #expect(maxAbsDifference(dense, edges) < 1e-12)
}

@Test("graphs of different sizes in one batch give the same outputs as one at a time", arguments: [Aggregation.sum, .mean, .max])
func mixedGraphSizes(agg: Aggregation) {
    var rng = RandomStream(seed: 15)
    let sizes = [3, 6, 1, 5]
    var edges: [[(source: Int, target: Int)]] = []
    for n in sizes {
        var e: [(source: Int, target: Int)] = []
        for i in 0..<n { for j in (i + 1)..<Swift.max(n, i + 1) where rng.bernoulli(0.5) { e.append((i, j)); e.append((j, i)) } }
        edges.append(e)
    }
    let features: Tensor<Double> = rng.normal([sizes.reduce(0, +), 2])
    var mrng = RandomStream(seed: 16)
    let gnn = GNN<Double>(featureSize: 2, configuration: .init(widths: [6, 6], hidden: [8], aggregation: agg, pooling: agg == .mean ? .mean : .sum),
                          rng: &mrng)
    let all = gnn.forward(graphs: GraphStructure(nodeCounts: sizes, edges: edges, features: features), on: Tape()).value
    var start = 0
    for (b, n) in sizes.enumerated() {
        let one = GraphStructure(nodeCounts: [n], edges: [edges[b]], features: features.rows(start..<(start + n)).copy())
        let y = gnn.forward(graphs: one, on: Tape()).value
        #expect(Swift.abs(y[0] - all[b]) < 1e-12, "graph \(b) with \(n) nodes")
        start += n
    }
}

// MARK: - Cyclic convolution and pooling

@Test("circular convolution layer gradients, kernel widths 1…n", arguments: [1, 3, 6])
func circularConvGradients(kernel: Int) {
    var rng = RandomStream(seed: 17)
    let store = ParameterStore<Double>()
    let layer = CircularConv<Double>("conv", group: "conv", inputChannels: 2, outputChannels: 3, kernelWidth: kernel, bias: true,
                                     scheme: InitScheme(.ntk), store: store, rng: &rng)
    store.setValue(layer.bias!, gaussian([3], seed: 18))
    let inputs = [gaussian([2, 2, 6], seed: 19)] + layer.parameterIDs.map { store.value($0).copy() }
    let err = gradientRelativeErrors(inputs) { v in layer.apply(v[0], parameters: Array(v[1...])) }
    #expect(err.allSatisfy { $0 < 1e-6 }, "\(err)")
}

@Test("channels-last circular convolution (the models' path): gradients, and the same function as channels-first",
      arguments: [1, 3, 6])
func circularConvChannelsLast(kernel: Int) {
    var rng = RandomStream(seed: 22)
    let store = ParameterStore<Double>()
    let layer = CircularConv<Double>("conv", group: "conv", inputChannels: 2, outputChannels: 3, kernelWidth: kernel, bias: true,
                                     scheme: InitScheme(.ntk), store: store, rng: &rng)
    store.setValue(layer.bias!, gaussian([3], seed: 23))
    let x = gaussian([2, 6, 2], seed: 24)                                            // [B, L, C]
    let inputs = [x] + layer.parameterIDs.map { store.value($0).copy() }
    let err = gradientRelativeErrors(inputs) { v in layer.applyChannelsLast(v[0], parameters: Array(v[1...]), activation: .tanh) }
    #expect(err.allSatisfy { $0 < 1e-6 }, "\(err)")
    let tape = Tape<Double>()
    let bind = Binding(store, tape)
    let last = layer(channelsLast: tape.constant(x), bind).value
    let first = layer(tape.constant(x.permuted([0, 2, 1])), bind).value.permuted([0, 2, 1])
    #expect(maxAbsDifference(last, first) < 1e-12)
    tape.reset()
}

@Test("circular convolution is equivariant and pooling invariant under cyclic shifts", arguments: [1, 4, 11])
func circularConvEquivariance(kernel: Int) {
    var rng = RandomStream(seed: 20)
    let store = ParameterStore<Double>()
    let layer = CircularConv<Double>("conv", group: "conv", inputChannels: 3, outputChannels: 4, kernelWidth: kernel, bias: true,
                                     scheme: .standard, store: store, rng: &rng)
    let x = gaussian([5, 3, 11], seed: 21)
    func run(_ x: Tensor<Double>) -> Variable<Double> {
        let tape = Tape<Double>()
        return layer(tape.constant(x), Binding(store, tape))
    }
    for _ in 0..<3 {
        let s = rng.int(below: 11)
        let y = run(x).value, ys = run(shifted(x, axis: 2, by: s)).value
        #expect(maxAbsDifference(ys, shifted(y, axis: 2, by: s)) < 1e-10)
        for pooling in Pooling.allCases {
            let tape = Tape<Double>()
            let p = pooling.pool(positions: tape.constant(y)).value, ps = pooling.pool(positions: tape.constant(ys)).value
            #expect(maxAbsDifference(p, ps) < 1e-10)
        }
    }
}

@Test("the direct-kernel convolution (ReLU, channels last) is equivariant, its pooled form invariant, under cyclic shifts",
      arguments: [1, 4, 11])
func directCircularConvEquivariance(kernel: Int) {
    var rng = RandomStream(seed: 25)
    let store = ParameterStore<Double>()
    let layer = CircularConv<Double>("conv", group: "conv", inputChannels: 3, outputChannels: 4, kernelWidth: kernel, bias: true,
                                     scheme: .standard, store: store, rng: &rng)
    let x = gaussian([5, 11, 3], seed: 26)                                           // [B, L, C]
    func run(_ x: Tensor<Double>) -> (maps: Tensor<Double>, pooled: Tensor<Double>) {
        let tape = Tape<Double>()
        let bind = Binding(store, tape)
        let maps = layer(channelsLast: tape.constant(x), bind, activation: .relu).value
        let pooled = layer.pooledChannelsLast(tape.constant(x), bind, activation: .relu, pooling: .mean)!.value
        tape.reset()
        return (maps, pooled)
    }
    let (y, p) = run(x)
    #expect(maxAbsDifference(p, y.mean(axes: [1])) < 1e-12)
    for _ in 0..<3 {
        let s = rng.int(below: 11)
        let (ys, ps) = run(shifted(x, axis: 1, by: s))
        #expect(maxAbsDifference(ys, shifted(y, axis: 1, by: s)) < 1e-10)
        #expect(maxAbsDifference(ps, p) < 1e-10)
    }
}

@Test("graph pooling is invariant under node relabelling, for uniform and mixed-size batches")
func graphPoolingInvariance() {
    let batch = randomGraphs(count: 5, nodes: 6, features: 4, seed: 22)
    let perms = randomPermutations(5, degree: 6, seed: 23)
    for pooling in Pooling.allCases {
        let tape = Tape<Double>()
        let g = GraphStructure(batch), gm = GraphStructure(batch.relabelled(by: perms))
        let a = pooling.pool(nodes: tape.constant(g.features), of: g).value
        let b = pooling.pool(nodes: tape.constant(gm.features), of: gm).value
        #expect(maxAbsDifference(a, b) < 1e-12)
        // The edge-list layout (no dense adjacency) pools by scatter-add: same result.
        let flat = GraphStructure(nodeCounts: [Int](repeating: 6, count: 5), edges: (0..<5).map { batch.edges(ofGraph: $0) }, features: g.features)
        #expect(maxAbsDifference(pooling.pool(nodes: tape.constant(flat.features), of: flat).value, a) < 1e-12)
    }
}
