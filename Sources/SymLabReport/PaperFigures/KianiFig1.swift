import Foundation
import SymLabExperiments

extension PaperFigure {
    /// Kiani et al. Figure 1: the overparameterized GNN on H_ER,n and CNN on C^B_F, with controls.
    static let kianiFig1 = PaperFigure(
        name: "kiani-fig1",
        title: "Kiani et al. Fig. 1: overparameterized GNN and CNN on the hard classes vs an easy invariant control",
        about: "train/test MSE vs step, mean ± std over seeds; dotted: test label variance (the MSE of predicting the mean)",
        build: { store in try hardnessCurves(store, figure: "kiani-fig1", prefix: "fig1",
                                              title: "Overparameterized networks: hard class vs easy control") })
}
