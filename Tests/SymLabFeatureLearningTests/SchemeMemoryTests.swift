import SymLabFeatureLearning
import SymLabFunctionClasses
import SymLabModels
import Testing

/// Every registered scheme states what its runs keep in memory (the preflight refuses what
/// cannot fit): at least its network widths × the samples it sees.
@Suite struct SchemeMemoryTests {
    static func size(n: Int, input: InputDescription = .dense(shape: [16])) -> SchemeRunSize {
        SchemeRunSize(nTrain: n, nValidation: n / 4, nTest: n / 2, input: input, threads: 1)
    }

    @Test("a scheme's estimate covers its widths × samples and grows with the samples", arguments: SchemeRegistry.names)
    func statesItsMemory(name: String) throws {
        let scheme = try SchemeRegistry.make(name)
        let small = scheme.memory(Self.size(n: 1000)), large = scheme.memory(Self.size(n: 10_000))
        #expect(small.workingNumbers > 0, "\(name)")
        #expect(large.networkNumbers >= small.networkNumbers && large.workingNumbers >= small.workingNumbers, "\(name)")
        let type = try SchemeRegistry.type(named: name)
        if let width = type.optionDocs.first(where: { $0.key == "width" }).flatMap({ Int($0.defaultValue) }) {
            // A hidden layer of `width` units: a weight each at least, and its features of the test split.
            #expect(small.networkNumbers >= width, "\(name)")
            #expect(small.workingNumbers >= width * 500, "\(name)")
        }
        // Online SGD, the online autoencoder and the continual teacher–student draw fresh samples
        // only (the autoencoder reads its test split in place, a row at a time), streaming SGD
        // reads its split in place, one row a step, and gated-linear builds its own matrix task
        // and reads no split; every other scheme's working set grows with the splits.
        if ![OnlineSGDScheme.schemeName, StreamingLinearSGDScheme.schemeName, OnlineAutoencoderScheme.schemeName,
             ContinualTeacherStudentScheme.schemeName, GatedLinearScheme.schemeName].contains(name) { #expect(large.workingNumbers > small.workingNumbers, "\(name)") }
    }

    @Test func jointTrainingIsSizedAsAModelRunOfItsNetwork() throws {
        let scheme = try SchemeRegistry.make(JointTrainingScheme.schemeName, options: ["widths": "32,32", "batch_size": "64"])
        let run = Self.size(n: 1000)
        let mlp = try ModelRegistry.architecture("mlp", options: ["widths": "32,32", "activation": "relu", "parameterization": "mean-field"],
                                                 input: run.input).size
        let memory = scheme.memory(run)
        #expect(memory.networkNumbers == 4 * mlp.parameters)
        #expect(memory.workingNumbers == 2 * 1000 * mlp.activationsPerSample)
    }

    @Test func aSchemeThatNeedsVectorsStatesNothingForGraphsItRefusesAtItsStart() throws {
        let graphs = Self.size(n: 100, input: .graphs(nodes: 6, features: 1))
        #expect(try SchemeRegistry.make(DamianScheme.schemeName).memory(graphs) == .failsAtStart)
        // The kernel baselines take graphs: their kernel matrices count.
        #expect(try SchemeRegistry.make(KernelBaselineScheme.schemeName, options: ["kernel": "relu-ntk"]).memory(graphs).workingNumbers >= 3 * 100 * 100)
    }
}
