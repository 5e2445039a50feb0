import SymLabNumerics

/// `symlab bench core`: GEMM through the tensor API against direct OpenBLAS, then one MLP
/// training step with the share of it spent outside BLAS (framework overhead).
public struct CoreBenchmark {
    /// BLAS threads, set for the whole process.
    public var threads: Int
    /// n of the n×n×n products, and the seconds each GEMM sample lasts; nil skips the GEMM part.
    public var gemm: (sizes: [Int], sampleSeconds: Double)?
    public var inputDim: Int, width: Int, batch: Int, steps: Int
    /// "f64" and/or "f32", in order.
    public var precisions: [String]

    public init(threads: Int, gemm: (sizes: [Int], sampleSeconds: Double)?, inputDim: Int, width: Int, batch: Int, steps: Int,
                precisions: [String]) {
        self.threads = threads; self.gemm = gemm
        self.inputDim = inputDim; self.width = width; self.batch = batch; self.steps = steps; self.precisions = precisions
    }

    /// Measures and hands each line of the tables to `output` as soon as it is measured.
    public func run(output: (String) -> Void) {
        BLAS.setThreads(threads)
        output("symlab bench core — BLAS threads: \(BLAS.threads); \(BLAS.info)")
        if let gemm {
            output("")
            GemmBenchmark.run(sizes: gemm.sizes, sampleSeconds: gemm.sampleSeconds, output: output)
        }
        output("")
        TrainingStepBenchmark(inputDim: inputDim, width: width, batch: batch, steps: steps, precisions: precisions).run(output: output)
    }
}
