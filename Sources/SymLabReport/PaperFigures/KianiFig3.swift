import Foundation
import SymLabExperiments

extension PaperFigure {
    /// Kiani et al. Figure 3: the same with the minimal architectures.
    static let kianiFig3 = PaperFigure(
        name: "kiani-fig3",
        title: "Kiani et al. Fig. 3: minimal architectures (one convolution + one-hidden-layer MLP)",
        about: "as kiani-fig1 with gnn-minimal and cnn-minimal, which can express the hard targets exactly (see the models' hand-set networks)",
        build: { store in try hardnessCurves(store, figure: "kiani-fig3", prefix: "fig3", title: "Minimal networks: hard class vs easy control") })
}
