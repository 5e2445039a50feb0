import SymLabAutodiff
import SymLabCore
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics
import Testing

/// Every registered model, on every kind of input it takes, with several option sets: what the
/// memory preflight is told (``RegisteredModel/size``) against the network the registry builds,
/// and the documented defaults against the ones applied. A new model is picked up from
/// ``ModelRegistry/registry``; one whose inputs none of ``inputs`` is fails here until an input
/// of its kind is added.
@Suite struct ModelSizeTests {
    /// One sample's shape per kind of input, each with a batch of 4 samples to run.
    static let inputs: [Inputs<Double>] = {
        var rng = RandomStream(seed: 5)
        return [
            .dense(rng.rademacher([4, 10])), .dense(rng.rademacher([4, 8])),
            .dense(rng.normal([4, 2, 8])), .dense(rng.normal([4, 8, 3])), .dense(rng.normal([4, 3, 4])),
            .graphs(GraphBatch(adjacency: randomGraphs(count: 4, nodes: 6, features: 1, seed: 6).adjacency)),
            .graphs(randomGraphs(count: 4, nodes: 5, features: 3, seed: 7)),
        ]
    }()

    /// Option sets, each cut down to the options a model documents (and its `backbone.KEY`
    /// options if it has a backbone); sets with nothing left are skipped.
    static let variants: [[String: String]] = [
        ["symmetric": "true"],
        ["bias": "false", "activation": "tanh", "parameterization": "ntk"],
        ["depth": "4", "width": "12", "hidden": "6", "channels": "5", "kernel": "2"],
        ["depth": "1", "width": "4", "hidden": "6", "root_weight": "false", "aggregation": "mean", "pooling": "mean"],
        ["widths": "5,7,9"],
        ["symmetric": "true", "width": "10", "hidden": "6", "channels": "3", "propagation": "edges", "aggregation": "max"],
        ["depth": "2", "channels": "5", "kernel": "5", "hidden": "7", "parameterization": "mean-field"],
        ["layout": "channels-last"],
        ["backbone.width": "9", "axis": "1"],
        ["backbone": "cnn", "group": "dihedral", "backbone.channels": "4"],
        ["backbone": "cnn-minimal", "symmetric": "true"],
        // The cases ValidationTests listed by hand before the sizes came from the models.
        ["bias": "false", "width": "10"], ["symmetric": "true", "width": "10"],
        ["depth": "1", "width": "4", "hidden": "6", "root_weight": "false"], ["symmetric": "true", "hidden": "6", "width": "3"],
        ["width": "6", "symmetric": "true"], ["backbone": "cnn", "group": "dihedral"],
        // No bias anywhere (the NTK width analyses' network), independent and coupled.
        ["bias": "false", "readout_bias": "false", "parameterization": "ntk"], ["bias": "false", "readout_bias": "false", "symmetric": "true", "width": "8"],
    ]

    /// The compatible (input, option set) pairs of `type`, defaults first.
    static func cases(_ type: any RegisteredModel.Type) -> [(Inputs<Double>, [String: String])] {
        let keys = Set(type.optionDocs.map(\.key))
        var sets: [[String: String]] = [[:]]
        for v in variants {
            let kept = v.filter { keys.contains($0.key) || (type.takesBackboneOptions && $0.key.hasPrefix("backbone.")) }
            if !kept.isEmpty && !sets.contains(kept) { sets.append(kept) }
        }
        return inputs.flatMap { x in
            sets.compactMap { o -> (Inputs<Double>, [String: String])? in
                do { _ = try ModelRegistry.architecture(type.modelName, options: o, input: InputDescription(x)) } catch { return nil }
                return (x, o)
            }
        }
    }

    /// How far what a forward pass records per sample (`Tape.recordedElements`) may exceed the
    /// activation estimate: the tape also holds fused pre-activations, reshapes (views, counted
    /// again) and the aggregated node features of graph convolutions. Measured: 1.0–2.4×
    /// (graph models highest). The preflight counts 3 rows per training sample.
    static let activationFactor = 2.5


    /// What a forward pass records per sample: the growth of `Tape.recordedElements` from a
    /// batch of 2 to the whole batch of 4, so that nodes of the size of the parameters (a
    /// kernel permuted once per pass) are not spread over the samples.
    static func recordedPerSample(_ model: any Model<Double>, _ x: Inputs<Double>) -> Double {
        func recorded(_ batch: Inputs<Double>) -> Int {
            let tape = Tape<Double>()
            _ = model.forward(batch, on: tape)
            defer { tape.reset() }
            return tape.recordedElements
        }
        return Double(recorded(x) - recorded(x.samples(0..<2))) / Double(x.count - 2)
    }

    @Test func sizesMatchTheBuiltNetworks() throws {
        for type in ModelRegistry.types {
            let cases = Self.cases(type)
            #expect(cases.count >= 3, "\(type.modelName): only \(cases.count) input/option combinations build; add an input of its kind")
            for (x, options) in cases {
                let architecture = try ModelRegistry.architecture(type.modelName, options: options, input: InputDescription(x))
                var rng = RandomStream(seed: 0)
                let model = architecture.build(rng: &rng, as: Double.self)
                let size = architecture.size
                let what = "\(type.modelName) \(options) on \(InputDescription(x))"
                #expect(size.parameters == model.parameters.count, "\(what): \(model.parameters.count) parameters, \(size.parameters) declared")
                #expect(model.summary.name == architecture.label, "\(what)")

                let recorded = Self.recordedPerSample(model, x)
                let estimate = Double(size.activationsPerSample)
                #expect(estimate <= recorded && recorded <= Self.activationFactor * estimate,
                        "\(what): \(recorded) numbers recorded per sample, \(estimate) estimated")
            }
        }
    }

    /// Passing a documented default explicitly builds the model that passing nothing builds; a
    /// default computed from the inputs is documented in terms of n or the kernel width.
    @Test func documentedDefaultsAreTheAppliedOnes() throws {
        for type in ModelRegistry.types {
            for x in Self.inputs {
                let input = InputDescription(x)
                guard let plain = try? ModelRegistry.architecture(type.modelName, input: input) else { continue }
                let reference = Self.fingerprint(plain)
                for doc in type.optionDocs where !doc.defaultValue.isEmpty {
                    do {
                        let explicit = try ModelRegistry.architecture(type.modelName, options: [doc.key: doc.defaultValue], input: input)
                        #expect(Self.fingerprint(explicit) == reference, "\(type.modelName) on \(input): \(doc.key)=\(doc.defaultValue) is not the default")
                    } catch {
                        #expect(doc.defaultValue.contains("n"), "\(type.modelName) on \(input): documented default \(doc.key)=\(doc.defaultValue) is refused: \(error)")
                    }
                }
            }
        }
    }

    /// The built network's layers and initial weights (seed 0), and its size.
    static func fingerprint(_ a: any RegisteredModel) -> String {
        var rng = RandomStream(seed: 0)
        let m = a.build(rng: &rng, as: Double.self)
        return "\(m.summary.layers) \(m.parameters.flatValues.scalars) \(a.size)"
    }

    @Test func helpShowsEveryOptionWithItsDefault() {
        let help = ModelRegistry.helpText
        for type in ModelRegistry.types {
            #expect(help.contains("  \(type.modelName) (\(type.inputKind)): \(type.summary)"))
            for doc in type.optionDocs { #expect(help.contains("      \(doc.key)=\(doc.defaultValue)  \(doc.help)")) }
        }
    }
}
