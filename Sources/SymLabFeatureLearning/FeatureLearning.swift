/// The benign side of the mission: two- and three-layer networks trained by the papers' schemes
/// learn g(Ux) and g∘p from far fewer samples than any kernel. This module holds the schemes
/// (Damian–Lee–Soltanolkotabi, Ba et al. one-step, Nichani–Damian–Lee layer-wise), their
/// diagnostics and the sample-complexity fits; `SymLabExperiments` runs them as sweep points.
public enum FeatureLearning {}
