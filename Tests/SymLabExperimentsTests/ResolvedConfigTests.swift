import Foundation
import SymLabExperiments
import SymLabFeatureLearning
import SymLabModels
import Testing

/// The resolved config (issue 28, item 3) is a runnable spec: read back, it is the same run, and
/// resolving it again changes nothing — for every model and every scheme, so that no registered
/// member states a default its own reader refuses.
@Suite struct ResolvedConfigTests {
    static func point(_ yaml: String) throws -> RunConfig {
        try #require(try ExperimentSpec.parse(yaml: yaml, file: "t.yaml").points.first)
    }

    static func roundTrip(_ yaml: String) throws {
        let config = try point(yaml)
        let resolved = try config.resolvedTree()
        let again = try RunConfig(tree: resolved, file: "resolved.yaml")
        #expect(try again.resolvedTree() == resolved, "\(yaml)")
        #expect(again.kind.training?.optimizer == config.kind.training?.optimizer && again.kind.training?.training == config.kind.training?.training)
        #expect(again.nTrain == config.nTrain && again.precision == config.precision && again.threads == config.threads)
    }

    @Test func everyModelsResolvedConfigReadsBackAsTheSameRun() throws {
        for type in ModelRegistry.types {
            let name = type.modelName
            let cls = ModelRegistry.defaultDataClass(for: name)
            try Self.roundTrip("""
                name: m
                data: {class: \(cls), n_train: 4, n_test: 4}
                model: {name: \(name)}
                training: {steps: 1}
                """)
        }
        // The written tree keeps what was written; defaults are added beside it.
        let c = try Self.point("""
            name: m
            data: {class: sparse-parity, options: {n: 8, k: 2}, n_train: 4, n_test: 4}
            model: {name: group-averaged, options: {backbone.width: 4}}
            optimizer: {lr: 0.5}
            training: {steps: 1}
            """)
        let r = try c.resolvedTree()
        #expect(r[path: "optimizer"]?.leaves()["lr"] == .double(0.5) && r[path: "optimizer"]?.leaves()["weight_decay"] == .double(0))
        #expect(r[path: "model"]?.leaves()["options.backbone.width"] == .int(4) && r[path: "model"]?.leaves()["options.backbone.init_scale"] == .int(1))
        #expect(r[path: "training.batch_size"] == .int(0) && r[path: "data.options.noise"] == .int(0) && r[path: "threads"] == .int(1))
    }

    @Test func everySchemesDocumentedDefaultsAreOptionsItAccepts() throws {
        for type in SchemeRegistry.types {
            // RunConfig builds the scheme from the resolved options: a default it refuses throws.
            try Self.roundTrip("""
                name: s
                data: {class: single-index, options: {d: 8}, n_train: 4, n_test: 4}
                scheme: {name: \(type.schemeName)}
                """)
        }
    }
}
