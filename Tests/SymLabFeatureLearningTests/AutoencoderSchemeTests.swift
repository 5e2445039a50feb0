import Foundation
import SymLabFeatureLearning
import SymLabFunctionClasses
import SymLabNumerics
import SymLabTraining
import Testing

/// `online-autoencoder` at toy sizes: what it records, the ODE beside untied networks without
/// bias, the test split for biased ones, and bit-identical reruns.
@Suite struct AutoencoderSchemeTests {
    func context(d: Int = 80, nTest: Int = 0, seed: UInt64 = 0) throws -> SchemeContext {
        SchemeContext.make(try FunctionClassRegistry.make("spiked-wishart", options: ["d": "\(d)", "thetas": "6,2"]), nTrain: 0, nValidation: 0, nTest: nTest,
                           seed: seed, rng: RandomStream(seed: seed, stream: 99))
    }

    @Test func untiedErfRecordsTheSimulationAndTheODE() throws {
        let scheme = try OnlineAutoencoderScheme(options: ["t_max": "10", "per_decade": "6"])
        let r = try scheme.run(try context())
        #expect(r.status == .done)
        let sim = r.curves.filter { $0.metric == "test_error" }, ode = r.curves.filter { $0.metric == "ode_test_error" }
        #expect(sim.first?.step == 0 && sim.last?.step == 800 && ode.map(\.step) == sim.map(\.step))
        // Starts at the PCA₀ level (small weights reconstruct almost nothing) and learns.
        let pca0 = try #require(r.metrics["pca_error_0"])
        #expect(abs(sim[0].value - pca0) < 0.05 * pca0 && sim.last!.value < 0.8 * pca0)
        #expect(r.metrics["exact_test_error"] == 1 && r.metrics["ode_max_gap"]! < 0.1)
        // Same seed, same numbers, bit for bit.
        let again = try scheme.run(try context())
        #expect(again.curves.map(\.value) == r.curves.map(\.value))
    }

    /// A bias has no closed-form error: the scheme reads the test split, refuses to run without
    /// one, and draws no ODE.
    @Test func biasedNetworksUseTheTestSplit() throws {
        let scheme = try OnlineAutoencoderScheme(options: ["activation": "relu", "hidden_bias": "true", "output_bias": "true", "t_max": "5", "per_decade": "3"])
        #expect(throws: SchemeError.self) { try scheme.run(try context()) }
        let r = try scheme.run(try context(nTest: 300))
        #expect(r.metrics["exact_test_error"] == 0 && r.metrics["hidden_bias_mean"] != nil && r.metrics["ode_max_gap"] == nil)
        #expect(r.curves.allSatisfy { $0.metric == "test_error" } && r.curves.last!.value < r.curves[0].value)
        let tied = try OnlineAutoencoderScheme(options: ["tied": "true", "t_max": "2", "per_decade": "3"]).run(try context())
        #expect(tied.metrics["exact_test_error"] == 1 && !tied.curves.contains { $0.metric == "ode_test_error" })
    }

    @Test func refusesOtherData() throws {
        let c = SchemeContext.make(try FunctionClassRegistry.make("single-index", options: ["d": "8"]), nTrain: 1, nValidation: 0, nTest: 1, seed: 0,
                                   rng: RandomStream(seed: 0))
        #expect(throws: SchemeError.self) { try OnlineAutoencoderScheme(options: ["t_max": "1"]).run(c) }
        #expect(throws: (any Error).self) { try OnlineAutoencoderScheme(options: ["activation": "tanh"]) }
    }
}
