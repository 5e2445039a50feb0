import SymLabAutodiff
import SymLabCore
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics
import SymLabOptim
import SymLabTestSupport
import Testing

// MARK: - Invariance of every equivariant model (Double, random group elements, < 1e-10)

let graphModelCases: [(String, [String: String])] = [
    ("gnn", ["width": "16", "hidden": "16"]),
    ("gnn", ["width": "16", "hidden": "16", "aggregation": "mean", "pooling": "mean"]),
    ("gnn", ["width": "16", "hidden": "16", "aggregation": "max", "parameterization": "ntk"]),
    ("gnn", ["width": "16", "hidden": "16", "propagation": "edges", "root_weight": "false"]),
    ("gnn-minimal", [:]),
    ("gaussian-gnn", ["width": "8"]),
]

@Test("GNN models are invariant to random node relabellings", arguments: 0..<graphModelCases.count)
func graphModelInvariance(k: Int) throws {
    let (name, options) = graphModelCases[k]
    let inputs = Inputs.graphs(randomGraphs(count: 20, nodes: 8, features: 3, seed: 30))
    let m = try model(name, options, input: InputDescription(inputs))
    var rng = RandomStream(seed: 31)
    let errors = invarianceErrors(of: m, under: .nodeRelabelling, inputs: inputs, samples: 5, rng: &rng)
    #expect(errors.max()! < 1e-10, "\(name) \(options): \(errors)")
    #expect(maxAbs(m.predict(inputs)) > 1e-3)   // not trivially invariant
}

let denseModelCases: [(String, [String: String], [Int])] = [
    ("cnn", ["channels": "8", "hidden": "8"], [10]),
    ("cnn", ["channels": "8", "hidden": "8", "kernel": "10", "parameterization": "mean-field"], [10]),
    ("cnn", ["channels": "8", "hidden": "8", "depth": "2"], [3, 10]),
    ("cnn", ["channels": "8", "hidden": "8", "layout": "channels-last", "pooling": "mean"], [10, 3]),
    ("cnn-minimal", [:], [10]),
    ("frame-averaged", ["backbone.width": "32"], [10]),
    ("frame-averaged", ["backbone.width": "32"], [10, 3]),
    ("frame-averaged", ["axis": "2", "backbone": "mlp"], [3, 10]),
    ("frame-averaged", ["backbone": "cnn-minimal", "symmetric": "true"], [10]),
    ("group-averaged", ["group": "dihedral", "backbone.width": "32"], [10]),
    ("group-averaged", ["group": "symmetric", "backbone.width": "16"], [5]),
    ("group-averaged", ["axis": "1", "backbone.depth": "3", "backbone.width": "16"], [6, 2]),
]

@Test("CNNs, frame- and group-averaged networks are invariant under random group elements", arguments: 0..<denseModelCases.count)
func denseModelInvariance(k: Int) throws {
    let (name, options, shape) = denseModelCases[k]
    let x = gaussian([16] + shape, seed: 32)
    let m = try model(name, options, input: .dense(shape: shape))
    guard let symmetry = (m as? SymmetricModel)?.symmetry else { Issue.record("\(name) has no symmetry"); return }
    var rng = RandomStream(seed: 33)
    let errors = invarianceErrors(of: m, under: symmetry, inputs: .dense(x), samples: 6, rng: &rng)
    #expect(errors.max()! < 1e-10, "\(name) \(options) \(shape): \(errors)")
    if options["symmetric"] == nil { #expect(maxAbs(m.predict(.dense(x))) > 1e-3) }
}

@Test("frame averaging is invariant on ±1 inputs, where rotations tie (periodic strings)")
func frameAveragingOnSigns() throws {
    // Periodic strings have several canonical shifts; the frame average must not depend on which.
    var x = signVectors(64, 12, seed: 34)
    x.withUnsafeMutablePointer { p in for i in 0..<12 { p[i] = i % 3 == 0 ? 1 : -1; p[12 + i] = 1 } }
    let m = try model("frame-averaged", ["backbone.width": "32"], input: .dense(shape: [12]))
    for s in 0..<12 {
        #expect(maxAbsDifference(m.predict(.dense(shifted(x, axis: 1, by: s))), m.predict(.dense(x))) == 0)
    }
    // The canonical rotation is the lexicographically smallest one.
    let c = CanonicalShift.canonicalize(x, axis: 1)
    for i in 0..<64 {
        let row = (0..<12).map { c[i, $0] }
        let rotations = (0..<12).map { s in (0..<12).map { x[i, ($0 + s) % 12] } }
        #expect(row == rotations.min { $0.lexicographicallyPrecedes($1) })
    }
}

@Test("an MLP is not invariant: the check reports large errors")
func mlpIsNotInvariant() throws {
    let x = gaussian([16, 10], seed: 35)
    let m = try model("mlp", ["width": "32"], input: .dense(shape: [10]))
    var rng = RandomStream(seed: 36)
    let errors = invarianceErrors(of: m, under: .cyclicShifts(axis: 1), inputs: .dense(x), samples: 5, rng: &rng)
    #expect(errors.max()! > 1e-3)
}

// MARK: - Symmetric initialisation

let symmetricCases: [(String, [String: String], InputDescription)] = [
    ("mlp", ["width": "32"], .dense(shape: [10])),
    ("mlp", ["depth": "3", "width": "16", "parameterization": "ntk"], .dense(shape: [10])),
    ("mlp", ["widths": "12,6", "parameterization": "mean-field", "init_scale": "2"], .dense(shape: [10])),
    ("gnn", ["width": "16", "hidden": "16"], .graphs(nodes: 8, features: 3)),
    ("gnn-minimal", ["aggregation": "max"], .graphs(nodes: 8, features: 3)),
    ("cnn", ["channels": "8", "hidden": "8"], .dense(shape: [10])),
    ("cnn-minimal", ["activation": "tanh"], .dense(shape: [10])),
    ("gaussian-gnn", ["width": "8", "parameterization": "ntk"], .graphs(nodes: 8, features: 3)),
    ("frame-averaged", [:], .dense(shape: [10])),
    ("group-averaged", ["group": "dihedral"], .dense(shape: [10])),
]

@Test("symmetric initialisation gives exactly 0, and the halves then train apart", arguments: 0..<symmetricCases.count)
func symmetricInitIsZero(k: Int) throws {
    let (name, options, input) = symmetricCases[k]
    var o = options; o["symmetric"] = "true"
    let m = try model(name, o, input: input)
    let inputs: Inputs<Double>
    switch input {
    case .graphs(let n, let f): inputs = .graphs(randomGraphs(count: 16, nodes: n, features: f, seed: 37))
    case .dense(let s): inputs = .dense(gaussian([16] + s, seed: 38))
    }
    #expect(m.predict(inputs).scalars.allSatisfy { $0 == 0 }, "\(name) \(o)")
    // One Adam step on a nonzero target moves the paired halves apart.
    let opt = Optimizer<Double>(.adam, learningRate: 1e-2)
    let tape = Tape<Double>()
    tape.backward(Variable.mse(m.forward(inputs, on: tape), gaussian([16], seed: 39)))
    opt.step(m.parameters)
    #expect(maxAbs(m.predict(inputs)) > 0, "\(name) \(o)")
}

// MARK: - Parameter groups, summaries, gradients of whole models

@Test("parameter groups are named per layer")
func parameterGroups() throws {
    let gnn = try model("gnn", ["depth": "2", "width": "8", "hidden": "8"], input: .graphs(nodes: 6, features: 1))
    #expect(gnn.parameters.groups == ["layer1", "layer2", "layer3", "readout"])
    let mlp = try model("mlp", ["depth": "3", "width": "8", "symmetric": "true"], input: .dense(shape: [4]))
    #expect(mlp.parameters.groups == ["layer1", "layer2", "readout"])
    #expect(mlp.parameters.entries.map(\.name).contains("layer2.b.weight"))
    let s = mlp.summary
    #expect(s.parameterCount == mlp.parameters.count)
    #expect(gnn.summary.parameterCount == gnn.parameters.count)
    let cnn = try model("cnn", ["depth": "2", "channels": "4", "hidden": "6"], input: .dense(shape: [2, 7]))
    #expect(cnn.summary.parameterCount == cnn.parameters.count)
    #expect(cnn.summary.description.contains("circular conv 2→4"))
}

@Test("whole-model parameter gradients match central differences",
      arguments: ["gnn", "cnn", "gaussian-gnn", "group-averaged", "bottleneck", "autoencoder", "autoencoder-tied"])
func modelGradients(name: String) throws {
    let graph = name.contains("gnn")
    let inputs: Inputs<Double> = graph ? .graphs(randomGraphs(count: 3, nodes: 5, features: 2, seed: 40)) : .dense(gaussian([3, 6], seed: 41))
    let options: [String: String] = name == "gaussian-gnn" ? ["width": "4", "activation": "tanh"]
        : name == "group-averaged" ? ["backbone.width": "4", "activation": "softplus"]
        : name == "bottleneck" ? ["width1": "4", "width2": "3"]   // σ₁ = z³, σ₂ = ReLU, μP: the defaults
        : name.hasPrefix("autoencoder") ? ["k": "3", "hidden_bias": "true", "output_bias": "true", "tied": "\(name.hasSuffix("tied"))",
                                           "parameterization": "ntk", "activation": "erf"]   // vector output [N, D]: every output weighted
        : ["depth": "2", "width": "3", "hidden": "4", "channels": "3", "activation": "tanh"].filter { name == "gnn" ? $0.key != "channels" : $0.key != "width" }
    let m = try model(name.hasPrefix("autoencoder") ? "autoencoder" : name, options, input: InputDescription(inputs))
    let store = m.parameters
    let flat = store.snapshot()
    // f(θ) through the store: copy the perturbed vector in, then run forward on a fresh tape.
    let tape = Tape<Double>()
    let y = m.forward(inputs, on: tape)
    let w = gaussian(y.shape, seed: 42)
    store.zeroGradients()
    tape.backward((y * tape.constant(w)).sum())
    let analytic = store.flatGradients.copy().scalars
    func loss(_ theta: Tensor<Double>) -> Double {
        store.restore(theta)
        return Tensor.dot(m.predict(inputs), w)
    }
    var numeric = [Double](repeating: 0, count: flat.count)
    let h = 1e-6
    for i in 0..<flat.count {
        var p = flat, q = flat
        p.withUnsafeMutablePointer { $0[i] += h }
        q.withUnsafeMutablePointer { $0[i] -= h }
        numeric[i] = (loss(p) - loss(q)) / (2 * h)
    }
    store.restore(flat)
    let diff = zip(analytic, numeric).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
    let scale = Swift.max(numeric.map { $0 * $0 }.reduce(0, +).squareRoot(), 1e-12)
    #expect(diff / scale < 1e-6, "\(name): relative error \(diff / scale)")
}

/// The bottleneck network's skip connection: with c = 0 the output is exactly the bottleneck
/// g(x) = uᵀσ₁(Vx + s) (σ₁ = z³ computed by hand here), one value per sample.
@Test("bottleneck network: output shape, σ₁ = z³, and f = g when the outer readout c is 0")
func bottleneckSkip() throws {
    let x = gaussian([5, 3], seed: 43)
    let m = try #require(try model("bottleneck", ["width1": "4", "width2": "6"], input: .dense(shape: [3])) as? BottleneckNetwork<Double>)
    #expect(m.parameters.groups == ["layer1", "bottleneck", "layer2", "readout"])
    #expect(m.summary.parameterCount == m.parameters.count)
    let f = m.predict(.dense(x))
    #expect(f.shape == [5])
    // g by hand: (1/m₁)·Σⱼ uⱼ (vⱼ·x/√d + sⱼ)³ under μP.
    let v = m.parameters.value(m.first.weight), s = m.parameters.value(try #require(m.first.bias))
    let u = m.parameters.value(m.bottleneck.weight)
    let g = (0..<5).map { i in
        (0..<4).map { j in
            let z = (0..<3).map { k in x[i, k] * v[k, j] }.reduce(0, +) / 3.0.squareRoot() + s[j]
            return u[j, 0] * z * z * z
        }.reduce(0, +) / 4
    }
    let learned = m.learnedFeature(.dense(x))
    #expect(zip(learned.scalars, g).allSatisfy { Swift.abs($0 - $1) < 1e-12 })
    // The outer path contributes at init; setting c = 0 leaves exactly g.
    #expect(zip(f.scalars, g).map { Swift.abs($0 - $1) }.max()! > 1e-6)
    m.parameters.setValue(m.readout.weight, Tensor(shape: [6, 1]))
    #expect(m.predict(.dense(x)).scalars == learned.scalars)
}

// MARK: - Hand-set minimal networks

@Test("the hand-set minimal GNN computes H_ER,n exactly", arguments: [UInt64(1), 2, 3])
func handSetERParity(seed: UInt64) throws {
    for n in [9, 16] {
        let cls = try #require(try FunctionClassRegistry.make("er-parity", options: ["n": "\(n)", "k": "3"]) as? ERParityClass)
        var rng = RandomStream(seed: seed)
        let target = cls.drawParityTarget(rng: &rng)
        let x = target.sampleInputs(count: 400, rng: &rng)
        let y = target.evaluate(x)
        let gnn = MinimalNetworks.erParity(target: target)
        let pred = gnn.predict(x)
        let mse = Tensor.dot(pred - y, pred - y) / 400
        #expect(mse < 1e-12, "n \(n), S \(target.subset), b \(target.signBit): MSE \(mse)")
        // Float too: every intermediate value is a small integer.
        let f = MinimalNetworks.erParity(target: target, as: Float.self).predict(x.cast())
        #expect(zip(f.scalars, y.scalars).allSatisfy { Double($0) == $1 })
        // And it is a "gnn-minimal" shaped network: one graph convolution, one hidden layer.
        #expect(gnn.layers.count == 1 && gnn.head.hidden.count == 1)
    }
}

@Test("the hand-set minimal CNN computes C^B_F (cyclic pattern parity) exactly", arguments: [UInt64(1), 2, 3])
func handSetCyclicPatternParity(seed: UInt64) throws {
    for (n, width) in [(16, 3), (12, 4), (20, 2)] {
        let cls = try #require(try FunctionClassRegistry.make("cyclic-pattern-parity", options: ["n": "\(n)", "width": "\(width)"]) as? CyclicPatternParityClass)
        var rng = RandomStream(seed: seed)
        let target = cls.drawPatternTarget(rng: &rng)
        let x = target.sampleInputs(count: 400, rng: &rng)
        let y = target.evaluate(x)
        let pred = MinimalNetworks.cyclicPatternParity(target: target).predict(x)
        let mse = Tensor.dot(pred - y, pred - y) / 400
        #expect(mse < 1e-12, "n \(n), width \(width), patterns \(target.patterns): MSE \(mse)")
        let f = MinimalNetworks.cyclicPatternParity(target: target, as: Float.self).predict(x.cast())
        #expect(zip(f.scalars, y.scalars).allSatisfy { Double($0) == $1 })
    }
}

@Test("the hand-set frame-averaged MLP computes C^B_F (cyclic frame parity) exactly", arguments: [UInt64(1), 2, 3])
func handSetCyclicFrameParity(seed: UInt64) throws {
    for (n, k) in [(12, 3), (20, 5), (10, 4)] {
        let cls = try FunctionClassRegistry.make("cyclic-frame-parity", options: ["n": "\(n)", "k": "\(k)"])
        var rng = RandomStream(seed: seed)
        let target = try #require(cls.drawTarget(rng: &rng) as? CyclicFrameParityTarget)
        let x = target.sampleInputs(count: 400, rng: &rng)
        let y = target.evaluate(x)
        let net = MinimalNetworks.cyclicFrameParity(target: target)
        #expect(net.predict(x).scalars == y.scalars, "n \(n), S \(target.subset)")
        // Labels that are not constant on this sample: the check tells parities apart.
        #expect(Set(y.scalars).count == 2)
        let f = MinimalNetworks.cyclicFrameParity(target: target, as: Float.self).predict(x.cast())
        #expect(zip(f.scalars, y.scalars).allSatisfy { Double($0) == $1 })
        // The frame matters: the backbone alone computes χ_S of x, not of its canonical rotation.
        #expect(net.backbone.predict(x).scalars != y.scalars)
    }
}

/// Representability next to learnability: at the figures' sizes the hand-set networks fit the
/// splits a run of the same seed trains and tests on to machine precision (issue 27: ≤ 1e-20).
@Test("exactFit: the hand-set networks reach train and test MSE ≤ 1e-20 at the figures' sizes")
func handSetNetworksFitTheRunsSplits() throws {
    for (name, options) in [("er-parity", ["n": "16", "k": "3"]), ("cyclic-pattern-parity", ["n": "32", "width": "4", "k": "3"]),
                            ("cyclic-frame-parity", ["n": "32", "k": "3"])] {
        let cls = try FunctionClassRegistry.make(name, options: options)
        for seed: UInt64 in [0, 1, 2, 3, 4] {
            let fit = try MinimalNetworks.exactFit(cls, seed: seed, nTrain: 500, nTest: 1000)
            #expect(fit.trainMSE <= 1e-20 && fit.testMSE <= 1e-20 && fit.maxError == 0, "\(name) seed \(seed): \(fit)")
            #expect(fit.precision == "f64" && fit.nTrain == 500 && fit.nTest == 1000 && fit.className == name)
            // The target a run of this seed draws.
            let drawn = SeededData(cls, seed: seed).target.parameters
            #expect(drawn.allSatisfy { fit.parameters["target." + $0.key] == $0.value }, "\(name) seed \(seed)")
        }
        let f32 = try MinimalNetworks.exactFit(cls, seed: 7, nTrain: 100, nTest: 100, as: Float.self)
        #expect(f32.precision == "f32" && f32.trainMSE == 0 && f32.testMSE == 0)
    }
    // With label noise the MSE is the noise's, and the network still computes the clean target.
    let noisy = try MinimalNetworks.exactFit(try FunctionClassRegistry.make("er-parity", options: ["n": "12", "noise": "0.5"]), seed: 0,
                                             nTrain: 400, nTest: 400)
    #expect(noisy.maxError == 0 && noisy.trainMSE > 0.1 && noisy.testMSE > 0.1)
    // A class without a hand-set network is refused, naming the classes that have one.
    #expect(throws: MinimalNetworkError(className: "sparse-parity")) {
        try MinimalNetworks.exactFit(try FunctionClassRegistry.make("sparse-parity", options: [:]), seed: 0, nTrain: 10, nTest: 10)
    }
}

// MARK: - Registry

@Test("every registered model builds for its inputs and predicts one value (or one vector) per sample")
func registryBuildsEveryModel() throws {
    for name in ModelRegistry.names {
        let inputs: Inputs<Double>
        switch ModelRegistry.defaultDataClass(for: name) {
        case "er-parity": inputs = .graphs(GraphBatch(adjacency: randomGraphs(count: 5, nodes: 8, features: 1, seed: 43).adjacency))
        case "gaussian-gnn": inputs = .graphs(randomGraphs(count: 5, nodes: 8, features: 4, seed: 44))
        default: inputs = .dense(signVectors(5, 12, seed: 45))
        }
        let m = try model(name, input: InputDescription(inputs))
        let outputs = m.outputsPerSample == 1 ? [] : [m.outputsPerSample]
        #expect(m.predict(inputs).shape == [5] + outputs, "\(name)")
        #expect(m.predict(inputs.samples(0..<0)).shape == [0] + outputs, "\(name) on an empty batch")
        #expect(m.summary.name.hasPrefix(name), "\(m.summary.name)")
        let f = try ModelRegistry.make(name, input: InputDescription(inputs), seed: 1, as: Float.self)
        #expect(maxAbsDifference(f.predict(inputs.cast()).cast(to: Double.self), m.predict(inputs)) < 1e-3 * Swift.max(1, maxAbs(m.predict(inputs))), "\(name) Float vs Double")
    }
}

@Test("registry errors name the option and its allowed range")
func registryErrors() {
    let dense = InputDescription.dense(shape: [10]), graphs = InputDescription.graphs(nodes: 8, features: 1)
    func error(_ name: String, _ o: [String: String], _ input: InputDescription) -> ModelError? {
        do { _ = try model(name, o, input: input); return nil } catch let e as ModelError { return e } catch { return nil }
    }
    #expect(error("transformer", [:], dense) == .unknownModel(name: "transformer", known: ModelRegistry.names))
    let typo = error("mlp", ["widht": "3"], dense)
    #expect(typo?.option == "widht")
    #expect(typo?.description.contains("width") == true)
    let zero = error("mlp", ["width": "0"], dense)
    #expect(zero?.option == "width" && zero?.description.contains("1...65536") == true, "\(String(describing: zero))")
    #expect(error("gnn", ["aggregation": "median"], graphs)?.description.contains("sum, mean, max") == true)
    #expect(error("gnn", ["hidden": "7", "symmetric": "true"], graphs)?.option == "hidden")
    #expect(error("cnn", ["kernel": "11"], dense)?.description.contains("1...10") == true)
    #expect(error("mlp", ["init_scale": "-1"], dense)?.option == "init_scale")
    #expect(error("frame-averaged", ["backbone.width": "x"], dense)?.option == "backbone.width")
    #expect(error("group-averaged", ["group": "symmetric"], dense)?.option == "group")
    if case .incompatibleInput = error("cnn", [:], graphs) {} else { Issue.record("cnn accepted graphs") }
    if case .incompatibleInput = error("gnn", [:], dense) {} else { Issue.record("gnn accepted dense inputs") }
}

// MARK: - Training

@Test("a few Adam steps fit the hand-checkable target y = x₀·x₁ with an MLP (Float and Double)")
func trainingReducesLoss() throws {
    func fit<S: TensorScalar>(_: S.Type) throws -> (Double, Double) {
        var rng = RandomStream(seed: 46)
        let x: Tensor<S> = rng.normal([128, 4])
        let xs = x.scalars
        let y = Tensor<S>((0..<128).map { xs[4 * $0] * xs[4 * $0 + 1] })
        let m = try ModelRegistry.make("mlp", options: ["width": "64"], input: .dense(shape: [4]), seed: 2, as: S.self)
        let opt = Optimizer<S>(.adam, learningRate: 1e-2)
        let tape = Tape<S>()
        var first = 0.0, last = 0.0
        for step in 0..<200 {
            tape.reset()
            m.parameters.zeroGradients()
            let loss = Variable.mse(m.forward(.dense(x), on: tape), y)
            tape.backward(loss)
            opt.step(m.parameters)
            if step == 0 { first = Double(loss.value.scalar) }
            last = Double(loss.value.scalar)
        }
        return (first, last)
    }
    for (first, last) in [try fit(Double.self), try fit(Float.self)] {
        #expect(last < 0.1 * first, "loss \(first) → \(last)")
    }
}

@Test("the CNN's last convolution fused with the pooling computes the feature maps' pooling", arguments: ["sum", "mean"])
func cnnFusedPoolingMatchesFeatureMaps(pooling: String) throws {
    let m = try model("cnn", ["channels": "8", "hidden": "8", "depth": "2", "pooling": pooling], input: .dense(shape: [10]))
    let cnn = try #require(m as? CNN<Double>)
    let x = gaussian([12, 10], seed: 35)
    let tape = Tape<Double>()
    let bind = Binding(cnn.parameters, tape)
    let maps = cnn.featureMaps(x, bind)                                            // [N, C, n], unfused
    let unfused = cnn.head(pooling == "sum" ? maps.sum(axes: [2]) : maps.mean(axes: [2]), bind).value
    let fused = cnn.forward(.dense(x), on: tape).value
    #expect(maxAbsDifference(fused, unfused) < 1e-12)
    tape.reset()
}
