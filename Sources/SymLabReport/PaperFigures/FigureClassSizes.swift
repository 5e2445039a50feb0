import SymLabExperiments

/// A function class a paper figure trains on, with the options of its first use.
public struct FigureClassUse: Sendable, Equatable {
    public let className: String
    public let options: [String: String]
    /// `figure/spec` of the first use.
    public let source: String
}

extension PaperFigure {
    /// Every function class the paper figures use, once, with the data options of its first use
    /// (figures in ``all`` order, specs in file order, a sweep's first point): the sizes at which
    /// `theory summary` states each class's query bound, so the bound is the one of the class the
    /// figures actually train on.
    public static func classUses() throws -> [FigureClassUse] {
        var seen = Set<String>(), uses: [FigureClassUse] = []
        for figure in all {
            for file in try figure.specs() {
                let spec = try ExperimentSpec.parse(yaml: file.yaml, file: "\(figure.name)/\(file.name).yaml")
                guard let point = spec.points.first, seen.insert(point.dataClass).inserted else { continue }
                uses.append(FigureClassUse(className: point.dataClass, options: point.dataOptions, source: "\(figure.name)/\(file.name)"))
            }
        }
        return uses
    }
}
