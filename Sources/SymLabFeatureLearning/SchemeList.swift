extension SchemeRegistry {
    /// The schemes of the one-step, layer-wise and joint-training figures and the kernel baselines.
    static let builtInSchemes: [any TrainingScheme.Type] = [
        DamianScheme.self,
        OneStepScheme.self,
        LayerwiseScheme.self,
        JointTrainingScheme.self,
        KernelBaselineScheme.self,
    ]

    /// The schemes of the spiked-covariance, information-exponent and staircase figures and the
    /// statistical-query learners (docs/statistical-queries.md §3): one line each.
    static let additionalSchemes: [any TrainingScheme.Type] = [
        SpikedOneStepScheme.self,
        OnlineSGDScheme.self,
        StaircaseSGDScheme.self,
        GF2EliminationScheme.self,
        OrbitLookupScheme.self,
        CSQGradientDescentScheme.self,
        SQLabelTransformScheme.self,
        StreamingLinearSGDScheme.self,
        KernelSpectrumScheme.self,
        PatchKMeansScheme.self,
        LateFusionScheme.self,
        GatedLinearScheme.self,
        OnlineAutoencoderScheme.self,
        ContinualTeacherStudentScheme.self,
    ]
}
