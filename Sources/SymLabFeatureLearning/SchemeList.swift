extension SchemeRegistry {
    /// The schemes of the one-step, layer-wise and joint-training figures and the kernel baselines.
    static let builtInSchemes: [any TrainingScheme.Type] = [
        DamianScheme.self,
        OneStepScheme.self,
        LayerwiseScheme.self,
        JointTrainingScheme.self,
        KernelBaselineScheme.self,
    ]

    /// The schemes of the spiked-covariance, information-exponent and staircase figures: one line each.
    static let additionalSchemes: [any TrainingScheme.Type] = [
        SpikedOneStepScheme.self,
        OnlineSGDScheme.self,
        StaircaseSGDScheme.self,
        GF2EliminationScheme.self,
        OrbitLookupScheme.self,
    ]
}
