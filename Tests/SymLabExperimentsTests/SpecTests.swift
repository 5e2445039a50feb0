import SymLabExperiments
import SymLabTraining
import Testing

@Suite struct SpecTests {
    static let base = """
        name: demo
        data:
          class: sparse-parity
          options: {n: 10, k: 2}
          n_train: 100
          n_val: 20
          n_test: 50
        model:
          name: mlp
          options: {width: 32}
        optimizer: {name: adam, lr: 0.01}
        training: {steps: 10, eval_every: 5}
        seeds: [0, 1]
        """

    @Test func goodSpecParses() throws {
        let spec = try ExperimentSpec.parse(yaml: Self.base, file: "demo.yaml")
        #expect(spec.name == "demo")
        #expect(spec.seeds == [0, 1])
        #expect(spec.points.count == 1)
        let c = spec.points[0]
        #expect(c.dataClass == "sparse-parity" && c.dataOptions == ["n": "10", "k": "2"])
        #expect(c.nTrain == 100 && c.nValidation == 20 && c.nTest == 50)
        let t = try #require(c.kind.training)
        #expect(t.modelName == "mlp" && t.modelOptions == ["width": "32"])
        #expect(t.optimizer.name == .adam && t.optimizer.learningRate == 0.01)
        #expect(t.training.steps == 10 && t.training.evalEvery == 5 && t.training.batchSize == nil)
        #expect(c.precision == .f64 && c.threads == 1)
        #expect(spec.runs.map(\.seed) == [0, 1])
    }

    @Test func idsAreStableAndDistinct() throws {
        let a = try ExperimentSpec.parse(yaml: Self.base, file: "a.yaml").runs.map(\.id)
        let b = try ExperimentSpec.parse(yaml: Self.base, file: "b.yaml").runs.map(\.id)
        #expect(a == b)
        #expect(Set(a).count == 2)
        let c = try ExperimentSpec.parse(yaml: Self.base, file: "a.yaml", overrides: ["model.options.width=64"]).runs.map(\.id)
        #expect(Set(c).isDisjoint(with: a))
    }

    /// `training.stop_train_mse`: read and validated; a spec without it keeps the run ids it had
    /// before the key existed (pinned: the ids `symlab run` of main at 62fe374 gave this spec).
    @Test func stopTrainMSEIsOptionalValidatedAndLeavesOtherSpecsIDsAlone() throws {
        let plain = try ExperimentSpec.parse(yaml: Self.base, file: "a.yaml")
        #expect(plain.points[0].kind.training?.training.stopTrainMSE == nil)
        #expect(plain.runs.map(\.id) == ["79832a03d3e9d1fc-s0", "79832a03d3e9d1fc-s1"])
        let stopping = try ExperimentSpec.parse(yaml: Self.base, file: "a.yaml", overrides: ["training.stop_train_mse=1e-10"])
        #expect(stopping.points[0].kind.training?.training.stopTrainMSE == 1e-10)
        #expect(Set(stopping.runs.map(\.id)).isDisjoint(with: plain.runs.map(\.id)))
        expectSpecError(Self.base, overrides: ["training.stop_train_mse=-1"], keyPath: "training.stop_train_mse", containing: "expected a number")
        expectSpecError(Self.base, overrides: ["training.stop_train_mse=small"], keyPath: "training.stop_train_mse", containing: "expected a number")
    }

    /// `training.zero_one_error` and `training.stop_train_error`: read, validated, the stop implying
    /// the metric; a spec without them keeps its run ids (the pinned ids above).
    @Test func zeroOneErrorKeysAreOptionalAndValidated() throws {
        let plain = try ExperimentSpec.parse(yaml: Self.base, file: "a.yaml")
        #expect(plain.points[0].kind.training?.training.zeroOneError == false)
        #expect(plain.runs.map(\.id) == ["79832a03d3e9d1fc-s0", "79832a03d3e9d1fc-s1"])
        let recording = try ExperimentSpec.parse(yaml: Self.base, file: "a.yaml", overrides: ["training.zero_one_error=true"])
        #expect(recording.points[0].kind.training?.training.zeroOneError == true)
        let stopping = try ExperimentSpec.parse(yaml: Self.base, file: "a.yaml", overrides: ["training.stop_train_error=0"])
        #expect(stopping.points[0].kind.training?.training.stopTrainError == 0)
        #expect(stopping.points[0].kind.training?.training.zeroOneError == true)
        #expect(Set(stopping.runs.map(\.id)).isDisjoint(with: plain.runs.map(\.id)))
        expectSpecError(Self.base, overrides: ["training.stop_train_error=2"], keyPath: "training.stop_train_error", containing: "expected a number")
        expectSpecError(Self.base, overrides: ["training.zero_one_error=maybe"], keyPath: "training.zero_one_error", containing: "expected true or false")
    }

    @Test func overridesApply() throws {
        let spec = try ExperimentSpec.parse(yaml: Self.base, file: "demo.yaml",
                                            overrides: ["model.options.width=512", "seeds=0..4", "training.batch_size=16", "precision=f32"])
        #expect(spec.points[0].kind.training?.modelOptions["width"] == "512")
        #expect(spec.seeds == [0, 1, 2, 3, 4])
        #expect(spec.points[0].kind.training?.training.batchSize == 16)
        #expect(spec.points[0].precision == .f32)
    }

    @Test func sweepProductAndZipAndLists() throws {
        let yaml = Self.base + """

            sweep:
              - product:
                  model.options.width: [8, 16, 32]
                  optimizer.name: [sgd, adam]
              - zip:
                  data.options.n: [12, 14]
                  data.n_train: [200, 300]
            """
        let spec = try ExperimentSpec.parse(yaml: yaml, file: "s.yaml")
        #expect(spec.points.count == 3 * 2 + 2)
        #expect(Set(spec.points.prefix(6).map { "\($0.kind.training!.modelOptions["width"]!)-\($0.kind.training!.optimizer.name.rawValue)" }).count == 6)
        #expect(spec.points[6].dataOptions["n"] == "12" && spec.points[6].nTrain == 200)
        #expect(spec.points[7].dataOptions["n"] == "14" && spec.points[7].nTrain == 300)
        #expect(spec.runs.count == 16)
    }

    func expectSpecError(_ yaml: String, overrides: [String] = [], keyPath: String, containing text: String,
                         sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try ExperimentSpec.parse(yaml: yaml, file: "bad.yaml", overrides: overrides)
            Issue.record("expected an error at \(keyPath)", sourceLocation: sourceLocation)
        } catch let e as SpecError {
            #expect(e.file == "bad.yaml" || e.file.hasPrefix("override"), sourceLocation: sourceLocation)
            #expect(e.keyPath == keyPath, "\(e)", sourceLocation: sourceLocation)
            #expect(e.description.contains(text), "\(e)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func malformedSpecsNameFileKeyAndExpectation() {
        expectSpecError(Self.base + "\nbogus: 1", keyPath: "bogus", containing: "unknown key")
        expectSpecError(Self.base.replacingOccurrences(of: "steps: 10", with: "steps: ten"), keyPath: "training.steps", containing: "expected an integer")
        expectSpecError(Self.base.replacingOccurrences(of: "steps: 10", with: "steps: -3"), keyPath: "training.steps", containing: "1…")
        expectSpecError(Self.base.replacingOccurrences(of: "name: adam", with: "name: adamax"), keyPath: "optimizer.name", containing: "expected one of")
        expectSpecError(Self.base.replacingOccurrences(of: "n_test: 50", with: "n_tset: 50"), keyPath: "data.n_tset", containing: "unknown key")
        expectSpecError(Self.base.replacingOccurrences(of: "seeds: [0, 1]", with: "seeds: [0, -1]"), keyPath: "seeds", containing: "non-negative")
        expectSpecError("name: [unclosed", keyPath: "", containing: "YAML")
        expectSpecError(Self.base, overrides: ["training.stepz=3"], keyPath: "training.stepz", containing: "unknown key")
        expectSpecError(Self.base + "\nsweep:\n  zip: {model.options.width: [1, 2], data.n_train: [1]}", keyPath: "sweep.zip.model.options.width",
                        containing: "equal lengths")
        expectSpecError(Self.base, overrides: ["noequals"], keyPath: "", containing: "key.path=value")
        // Ranges wider than a spec can use are refused before they are expanded.
        expectSpecError(Self.base, overrides: ["model.options.width=14..936583"], keyPath: "model.options.width", containing: "936570 values; at most 10000")
    }

    @Test func canonicalJSONRoundTrips() throws {
        let spec = try ExperimentSpec.parse(yaml: Self.base, file: "demo.yaml")
        let json = spec.points[0].tree.canonicalJSON
        let back = try SpecValue.fromJSON(json)
        #expect(back == spec.points[0].tree)
        #expect(try RunConfig(tree: back, file: "db") == spec.points[0])
    }

    /// Hostile shapes are refused before Yams builds a tree: anchors and aliases, nesting past
    /// the cap, over-long strings and files (issue 24, rows 2, 3 and 15).
    @Test func hostileShapesAreRefusedWithTheLimit() {
        expectSpecError(Self.base + "\ndescription: &d text", keyPath: "", containing: "anchors (&name) are not allowed")
        expectSpecError("x: &x 1\n" + Self.base + "\ndescription: *x", keyPath: "", containing: "line 1")
        expectSpecError(Self.base + "\ndescription: " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100),
                        keyPath: "", containing: "nested 65 deep; at most 64")
        expectSpecError(Self.base + "\ndescription: " + String(repeating: "é", count: SpecLimits.maxStringLength + 1),
                        keyPath: "", containing: "a string of 8193 characters; at most 8192")
        expectSpecError(Self.base + "\ndescription: " + String(repeating: "x", count: SpecLimits.maxFileBytes), keyPath: "", containing: "1 MiB")
        expectSpecError(Self.base, overrides: [Array(repeating: "a", count: 65).joined(separator: ".") + "=1"], keyPath: "", containing: "65 components")
        // Text that merely contains & or * is fine (quoted or inside a plain scalar).
        #expect(throws: Never.self) { try ExperimentSpec.parse(yaml: Self.base + "\ndescription: a & b *c", file: "spec.yaml") }
        #expect(throws: Never.self) { try ExperimentSpec.parse(yaml: Self.base + "\ndescription: '*emphasis* & more'", file: "spec.yaml") }
        // At the cap exactly is allowed.
        #expect(throws: Never.self) { try ExperimentSpec.parse(yaml: Self.base + "\ndescription: " + String(repeating: "é", count: SpecLimits.maxStringLength), file: "spec.yaml") }
    }

    /// The experiment name becomes a directory: dot-only, dot-first and over-long names are refused (row 10).
    @Test func experimentNamesAreSafeDirectoryNames() {
        for bad in ["..", ".", ".x", "'" + String(repeating: "a", count: 101) + "'", "a/b", "\"a\\u0007\""] {
            expectSpecError(Self.base.replacingOccurrences(of: "name: demo", with: "name: \(bad)"), keyPath: "name", containing: "does not start with '.'")
        }
        #expect(throws: Never.self) { try ExperimentSpec.parse(yaml: Self.base.replacingOccurrences(of: "name: demo", with: "name: a.b-c_d"), file: "spec.yaml") }
    }

    /// An override of a key a sweep axis sets (or of a map holding it) would be overwritten at
    /// every point: an error naming both (row 12).
    @Test func overridesThatASweepAxisWouldOverwriteAreErrors() {
        let swept = Self.base + "\nsweep: {product: {model.options.width: [1, 2]}}"
        // A mapping merges (it sets only its leaves); `:=` replaces the node, swept key included.
        for o in ["model.options.width=4", "model.options={width: 4}", "model:={name: mlp}", "model={options: {width: 2}}"] {
            expectSpecError(swept, overrides: [o], keyPath: "sweep.product.model.options.width", containing: "the override '\(o)'")
        }
        #expect(throws: Never.self) { try ExperimentSpec.parse(yaml: swept, file: "spec.yaml", overrides: ["model.options.depth=2", "model.options.widths=4"]) }
        #expect(throws: Never.self) { try ExperimentSpec.parse(yaml: swept, file: "spec.yaml", overrides: ["model.options={depth: 3}", "model={name: mlp}"]) }
    }

    /// A mapping override merges into the node (hydra's rule): `model.options={depth: 1}` keeps the
    /// spec's width; `:=` replaces the node whole (issue 28, item 2).
    @Test func aMappingOverrideMergesAndColonEqualsReplaces() throws {
        let spec = Self.base.replacingOccurrences(of: "options: {width: 32}", with: "options: {width: 32, depth: 3}")
        let merged = try ExperimentSpec.parse(yaml: spec, file: "s.yaml", overrides: ["model.options={depth: 1}"])
        #expect(merged.points[0].kind.training?.modelOptions == ["width": "32", "depth": "1"])
        let deep = try ExperimentSpec.parse(yaml: spec, file: "s.yaml", overrides: ["model={options: {depth: 2}}"])
        #expect(deep.points[0].kind.training?.modelName == "mlp" && deep.points[0].kind.training?.modelOptions == ["width": "32", "depth": "2"])
        let replaced = try ExperimentSpec.parse(yaml: spec, file: "s.yaml", overrides: ["model.options:={depth: 1}"])
        #expect(replaced.points[0].kind.training?.modelOptions == ["depth": "1"])
        // A scalar, and a key the spec lacks, are set as before.
        let scalar = try ExperimentSpec.parse(yaml: spec, file: "s.yaml", overrides: ["model.options.width=8", "data.options={noise: 0.5}"])
        #expect(scalar.points[0].kind.training?.modelOptions == ["width": "8", "depth": "3"])
        #expect(scalar.points[0].dataOptions == ["n": "10", "k": "2", "noise": "0.5"])
    }

    /// A typo in an override is blamed on the override, with the closest key (issue 28, item 8).
    @Test func anOverrideTypoNamesTheOverrideAndTheClosestKey() throws {
        do {
            _ = try ExperimentSpec.parse(yaml: Self.base, file: "spec.yaml", overrides: ["trainig.steps=5"])
            Issue.record("expected an error")
        } catch let e as SpecError {
            #expect(e.file == "override 'trainig.steps=5' (on spec.yaml)" && e.keyPath == "trainig", "\(e)")
            #expect(e.message.hasPrefix("unknown key (did you mean 'training'?)"), "\(e)")
        }
        expectSpecError(Self.base, overrides: ["optimizer.name=adamm"], keyPath: "optimizer.name", containing: "got 'adamm' (did you mean 'adam'?)")
        // A typo in the file itself is still the file's.
        expectSpecError(Self.base.replacingOccurrences(of: "training:", with: "trainig:"), keyPath: "trainig", containing: "did you mean 'training'")
    }

    /// Registry names and options suggest the closest one too (issue 28, item 8).
    @Test func unknownClassModelAndOptionNamesSuggestTheClosest() throws {
        func message(_ yaml: String) -> String {
            do { try Preflight.check(try ExperimentSpec.parse(yaml: yaml, file: "s.yaml")); return "no error" } catch { return "\(error)" }
        }
        #expect(message(Self.base.replacingOccurrences(of: "class: sparse-parity", with: "class: sparseparity")).contains("(did you mean 'sparse-parity'?)"))
        #expect(message(Self.base.replacingOccurrences(of: "name: mlp", with: "name: MLP")).contains("(did you mean 'mlp'?)"))
        #expect(message(Self.base.replacingOccurrences(of: "options: {width: 32}", with: "options: {widht: 32}")).contains("(did you mean 'width'?)"))
    }

    /// `patience` with no validation split would stop every run after `patience` evaluations and
    /// record it done (issue 28, item 1): the spec is refused, naming the key.
    @Test func patienceWithoutAValidationSplitIsRefused() throws {
        let early = Self.base.replacingOccurrences(of: "eval_every: 5}", with: "eval_every: 5, patience: 2}")
        #expect(throws: Never.self) { try ExperimentSpec.parse(yaml: early, file: "s.yaml") }
        expectSpecError(early.replacingOccurrences(of: "  n_val: 20\n", with: ""), keyPath: "training.patience", containing: "data.n_val is 0")
        expectSpecError(early, overrides: ["data.n_val=0"], keyPath: "training.patience", containing: "set data.n_val > 0, or drop patience")
    }

    /// `seeds=0,1,2` on the command line is a list, like `seeds=[0, 1, 2]` (issue 28, item 11).
    @Test func commaSeparatedSeedsAreAList() throws {
        #expect(try ExperimentSpec.parse(yaml: Self.base, file: "s.yaml", overrides: ["seeds=0,1,2"]).seeds == [0, 1, 2])
        #expect(try ExperimentSpec.parse(yaml: Self.base, file: "s.yaml", overrides: ["seeds=4, 7"]).seeds == [4, 7])
        expectSpecError(Self.base, overrides: ["seeds=0,x"], keyPath: "seeds", containing: "or 0,1,2")
        expectSpecError(Self.base, overrides: ["seeds=1,1"], keyPath: "seeds", containing: "seeds repeat")
    }
}
