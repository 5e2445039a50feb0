import SymLabFeatureLearning
import SymLabFunctionClasses
import SymLabTheory

/// `orbit-lookup`'s samples-to-learn on `symmetric-boolean` against the orbit counts of its group,
/// over n: ``SamplesToLearn`` (the learner, SymLabFeatureLearning) joined to
/// ``OrbitSampleComplexityStudy`` (the orbit numbers, SymLabTheory). The one call a figure makes;
/// the measurements stay available for plotting the loss curves behind each n*.
public enum OrbitLookupScaling {
    public struct Result: Sendable {
        public let study: OrbitSampleComplexityStudy
        /// The search at each n, in the order of `sizes`.
        public let measurements: [SamplesToLearn.Measurement]
    }

    /// The `symlab data symmetric-boolean` group option of each family.
    static func groupOption(_ family: GroupAction.Family) throws -> String {
        switch family {
        case .cyclic: "cyclic"
        case .dihedral: "dihedral"
        case .symmetric: "symmetric"
        case .graphs: "graph-edges"
        case .custom: throw TheoryError.invalidArgument("symmetric-boolean has no custom group; use cyclic, dihedral, symmetric or graphs")
        }
    }

    /// Samples-to-learn of `orbit-lookup` on `symmetric-boolean` (group `family`, size n, noise-free)
    /// for every n in `sizes`, with the orbit count and 1/‖p_O‖² of each.
    public static func measure(family: GroupAction.Family = .cyclic, sizes: [Int], settings: SamplesToLearn.Settings) throws -> Result {
        let scheme = try OrbitLookupScheme(options: [:])
        let group = try groupOption(family)
        var measurements: [SamplesToLearn.Measurement] = []
        let study = try OrbitSampleComplexityStudy(family: family, sizes: sizes) { n in
            let functionClass = try SymmetricBooleanClass(options: ["group": group, "n": "\(n)"])
            let m = try SamplesToLearn.measure(scheme, on: functionClass, size: Double(n), settings: settings)
            measurements.append(m)
            return m.samplesToLearn
        }
        return Result(study: study, measurements: measurements)
    }
}
