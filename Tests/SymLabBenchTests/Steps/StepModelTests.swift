import SymLabBench
import SymLabModels
import SymLabNumerics
import Testing

/// The networks of `symlab bench steps`: what they are is fixed (bench/peers/models.py defines
/// the same ones for PyTorch and JAX), so their sizes and FLOP counts are checked exactly.
@Suite struct StepModelTests {
    /// The parameter counts bench/peers/models.py documents for the peers' copies.
    static let documentedParameters = ["mlp2": 33_793, "mlp3": 74_497, "gnn": 8_513, "cnn": 2_721, "gnn-hard": 3_265, "cnn-hard": 2_209]

    @Test func everyNetworkBuildsWithTheDocumentedParameterCountInBothPrecisions() throws {
        #expect(StepModel.all.map(\.name) == ["mlp2", "mlp3", "gnn", "cnn", "gnn-hard", "cnn-hard"])
        for m in StepModel.all {
            let double = try m.make(Double.self), float = try m.make(Float.self)
            #expect(double.model.parameters.count == Self.documentedParameters[m.name], "\(m.name)")
            #expect(float.model.parameters.count == double.model.parameters.count, "\(m.name)")
            #expect(double.inputs.count == m.batch && double.labels.shape == [m.batch], "\(m.name)")
        }
    }

    /// mlp2, by hand: 64→512 on the data (forward and weight gradient, 2·2·B·64·512) and 512→1
    /// (forward and both gradients, 3·2·B·512), B = 256.
    @Test func flopsFollowTheStatedFormula() throws {
        let mlp2 = try #require(StepModel.all.first { $0.name == "mlp2" })
        let firstLayer: Double = 2 * 256 * 64 * 512 * 2, secondLayer: Double = 2 * 256 * 512 * 3
        #expect(mlp2.flops.count == firstLayer + secondLayer)
        for m in StepModel.all { #expect(m.flops.count > 0 && !m.flops.formula.isEmpty, "\(m.name)") }
    }
}
