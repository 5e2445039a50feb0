import Foundation
import SymLabExperiments
import SymLabFeatureLearning
import SymLabReport
import Testing

/// The tomasini-laplace figure: its closed-form exponents have the paper's qualitative shape, and
/// its summary, built from a tiny real sweep, prints what the runs measured.
@Suite struct TomasiniFigureTests {
    static let figure = PaperFigure.named("tomasini-laplace")!

    /// Our scaling derivation must agree with the paper's claims: equal at χ = 0, a gap at χ > 0
    /// that shrinks as d grows; d = 1, χ = 1: β_true = 1, β_SB = 4/3.
    @Test func closedFormExponentsHaveThePapersShape() {
        for d in 1...6 {
            let e = PaperFigure.tomasiniExponents(d: d, chi: 0)
            #expect(abs(e.ridgeless - e.spectralBias) < 1e-12 && abs(e.ridgeless - 1 / Double(d)) < 1e-12)
        }
        let one = PaperFigure.tomasiniExponents(d: 1, chi: 1)
        #expect(abs(one.ridgeless - 1) < 1e-12 && abs(one.spectralBias - 4.0 / 3) < 1e-12)
        let gaps = (1...6).map { d in let e = PaperFigure.tomasiniExponents(d: d, chi: 1); return e.spectralBias - e.ridgeless }
        #expect(gaps.allSatisfy { $0 > 0 } && zip(gaps, gaps.dropFirst()).allSatisfy { $1 < $0 })
    }

    @Test func summaryOfATinySweepReportsWhatWasMeasured() throws {
        let specs = [
            """
            name: tomasini-krr
            data: {class: depleted-stripe, options: {d: 1, chi: 1}, n_train: 16, n_val: 0, n_test: 300}
            scheme: {name: kernel, options: {kernel: laplace, bandwidth: 1, ridge: 1e-10}}
            precision: f64
            threads: 1
            seeds: [0, 1]
            sweep:
              - product: {data.n_train: [16, 32, 64], data.options.chi: [0, 1]}
              - product: {data.n_train: [16, 32, 64]}
                zip: {data.options.chi: [0, 1], scheme.options.ridge: [10, 10], scheme.options.ridge_exponent: [1, 0.5]}
            """,
            """
            name: tomasini-spectrum
            data: {class: depleted-stripe, options: {d: 1, chi: 1}, n_train: 600, n_val: 0, n_test: 1}
            scheme: {name: kernel-spectrum, options: {kernel: laplace, bandwidth: 1}}
            precision: f64
            threads: 1
            seeds: 0
            sweep: {product: {data.options.chi: [0, 1]}}
            """,
        ]
        let (figure, lines) = try Self.figure.buildFromTinySpecs(specs)
        #expect(figure.panels.map(\.title) == ["d = 1, χ = 0", "d = 1, χ = 1"])
        // Measured and predicted curves for both settings in each panel.
        for panel in figure.panels {
            #expect(panel.series.filter { !$0.dashed }.map(\.title) == ["ridgeless", "λ = 10·λ*"])
            #expect(panel.series.filter(\.dashed).count == 2, "\(panel.title): \(panel.series.map(\.title))")
        }
        #expect(lines[0].hasPrefix("Default sizes:"))
        #expect(lines.contains { $0.hasPrefix("d = 1, χ = 1, ridgeless: measured β = ") && $0.contains("β_true = 1, β_SB = 1.33") })
        #expect(lines.contains { $0.hasPrefix("d = 1, χ = 0, λ = 10·λ*: measured/predicted − 1 at P = 16: ") })
        #expect(lines.contains { $0.hasPrefix("χ = 1: β_SB(closed form) − β_measured at d = 1: ") })
        #expect(lines.contains { $0.hasPrefix("choice: σ = 1") })
        // The measured exponent printed is the fit of the medians (a real number, not a placeholder).
        let beta = try #require(lines.first { $0.hasPrefix("d = 1, χ = 0, ridgeless: measured β = ") })
        let value = Double(beta.dropFirst("d = 1, χ = 0, ridgeless: measured β = ".count).prefix { $0 != " " })
        #expect(value != nil && value!.isFinite && value! > 0, "\(beta)")
    }
}
