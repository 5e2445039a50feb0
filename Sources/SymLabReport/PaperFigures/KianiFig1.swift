import Foundation
import SymLabExperiments

/// Kiani et al. Figure 1: the overparameterized GNN on H_ER,n and CNN on C^B_F, with controls.
func kianiFig1Figure(_ store: ResultsStore) throws -> (Figure, String) {
    try hardnessCurves(store, figure: "kiani-fig1", prefix: "fig1",
                       title: "Overparameterized networks: hard class vs easy control")
}
