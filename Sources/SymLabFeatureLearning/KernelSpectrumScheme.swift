import Foundation
import SymLabCore
import SymLabFunctionClasses
import SymLabKernels
import SymLabNumerics
import SymLabTraining

/// The kernel's spectrum under the data distribution and the target's coefficients in its
/// eigenbasis, estimated on the run's training split (M = n_train samples; Nyström: one
/// eigendecomposition of the M × M Gram matrix, ``SpectralBiasPredictor/init(gram:targets:)``).
/// This is what the spectral-bias (eigenlearning) prediction of kernel ridge regression's test
/// error needs at every P and ridge, so a figure computes its predicted learning curves from one
/// run instead of one eigendecomposition per (P, λ).
///
/// Recorded: curves `eigenvalue` (λ_ρ, operator units) and `coefficient_squared` (c_ρ² of the
/// noise-free target) at step ρ = 1…M, largest eigenvalue first; metrics `modes` (M),
/// `top_eigenvalue`, `target_power` (Σ c_ρ² = mean of y² on the sample).
public struct KernelSpectrumScheme: TrainingScheme {
    public static let schemeName = "kernel-spectrum"
    public static let summary = "the rbf or laplace kernel's eigenvalues and the target's squared coefficients on the training split (Nyström), for the spectral-bias prediction of KRR"
    public static let optionDocs = [
        OptionDoc("kernel", "laplace", "rbf or laplace"),
        OptionDoc("bandwidth", "", "σ of the kernel (absent: the median pairwise distance of the training inputs)"),
    ]
    public let kernel: String
    public let bandwidth: Double?

    public init(options: [String: String]) throws {
        var o = OptionReader(className: "scheme \(Self.schemeName)", options: options)
        kernel = try o.choice("kernel", default: "laplace", among: RadialKernel.Profile.allCases.map(\.rawValue))
        bandwidth = try o.doubles("bandwidth", in: .positive, count: 1...1)?.first
        try o.finish()
    }

    /// The Gram matrix, its eigenvectors and eigh's working copy.
    public func memory(_ run: SchemeRunSize) -> SchemeMemory {
        SchemeMemory(networkNumbers: 0, workingNumbers: saturatingProduct([run.nTrain, run.nTrain, 4]))
    }

    public func run(_ c: SchemeContext) throws -> SchemeResult {
        let name = Self.schemeName
        _ = try c.matrix(c.train, scheme: name)
        let profile = RadialKernel.Profile(rawValue: kernel)!
        let k = try bandwidth.map { try RadialKernel(profile, bandwidth: $0) } ?? RadialKernel(profile, medianHeuristicOn: c.train.inputs)
        let gram = try k.gram(c.train.inputs)
        let predictor: SpectralBiasPredictor
        do {
            predictor = try SpectralBiasPredictor(gram: gram, targets: c.train.cleanLabels)
        } catch {
            throw SchemeError.failed(scheme: name, reason: "eigendecomposition of the \(c.train.count) × \(c.train.count) Gram matrix: \(error)")
        }
        var curves: [CurvePoint] = []
        curves.reserveCapacity(2 * predictor.eigenvalues.count)
        for (i, (l, c2)) in zip(predictor.eigenvalues, predictor.coefficientsSquared).enumerated() {
            curves.append(CurvePoint(step: i + 1, split: "train", metric: "eigenvalue", value: l))
            curves.append(CurvePoint(step: i + 1, split: "train", metric: "coefficient_squared", value: c2))
        }
        return SchemeResult(metrics: [
            "modes": Double(predictor.eigenvalues.count),
            "top_eigenvalue": predictor.eigenvalues.first ?? .nan,
            "target_power": predictor.coefficientsSquared.reduce(0, +),
            "bandwidth": k.bandwidth,
        ], curves: curves)
    }
}
