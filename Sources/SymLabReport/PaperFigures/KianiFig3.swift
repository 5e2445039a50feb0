import Foundation
import SymLabExperiments

/// Kiani et al. Figure 3: the same with the minimal architectures.
func kianiFig3Figure(_ store: ResultsStore) throws -> (Figure, String) {
    try hardnessCurves(store, figure: "kiani-fig3", prefix: "fig3", title: "Minimal networks: hard class vs easy control")
}
