#if canImport(Accelerate)
import Accelerate
#else
import COpenBLAS
#endif
import SymLabNumerics

/// GEMM GFLOP/s through `Tensor.matmul` against `cblas_?gemm` called directly.
///
/// The two are measured in pairs of adjacent samples, in alternating order (API first, then
/// BLAS first), and the ratio reported is the median of the per-pair ratios: a pair sees the
/// same machine state, so load from other processes, frequency changes and drift cancel in
/// the ratio even when they move both rates.
enum GemmBenchmark {
    static let pairs = 15

    static func run(sizes: [Int], sampleSeconds: Double, output: (String) -> Void) {
        output("GEMM n×n·n×n, GFLOP/s (medians over \(pairs) adjacent pairs of samples; ratio = median of per-pair tensor API / direct OpenBLAS; target ≥ 0.95 for n ≥ 256)")
        output("    n | f64 API  f64 BLAS  ratio | f32 API  f32 BLAS  ratio")
        for n in sizes {
            let (a64, b64, r64) = measure(Double.self, n: n, sampleSeconds: sampleSeconds) { n, a, b, c in
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, a, Int32(n), b, Int32(n), 0, c, Int32(n))
            }
            let (a32, b32, r32) = measure(Float.self, n: n, sampleSeconds: sampleSeconds) { n, a, b, c in
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, a, Int32(n), b, Int32(n), 0, c, Int32(n))
            }
            output("\(NumberFormat.rightAligned("\(n)", 5)) | \(NumberFormat.rounded(a64, 1, width: 7)) \(NumberFormat.rounded(b64, 1, width: 9)) \(NumberFormat.rounded(r64, 3, width: 6)) | \(NumberFormat.rounded(a32, 1, width: 7)) \(NumberFormat.rounded(b32, 1, width: 9)) \(NumberFormat.rounded(r32, 3, width: 6))")
        }
    }

    /// Returns (API GFLOP/s, direct GFLOP/s, ratio).
    static func measure<S: TensorScalar>(
        _: S.Type, n: Int, sampleSeconds: Double,
        direct: @escaping (Int, UnsafePointer<S>, UnsafePointer<S>, UnsafeMutablePointer<S>) -> Void
    ) -> (Double, Double, Double) {
        var rng = RandomStream(seed: 1)
        let a: Tensor<S> = rng.normal([n, n]), b: Tensor<S> = rng.normal([n, n])
        var c = Tensor<S>(shape: [n, n])
        let flops = 2 * Double(n) * Double(n) * Double(n)
        let api = { _ = Tensor.matmul(a, b) }
        let raw = {
            a.withUnsafePointer { pa in b.withUnsafePointer { pb in c.withUnsafeMutablePointer { pc in direct(n, pa, pb, pc) } } }
        }
        // Calibrate repetitions so that one sample lasts about `sampleSeconds`.
        raw(); api()
        let t0 = Clock.seconds(); raw(); let once = Swift.max(Clock.seconds() - t0, 1e-7)
        let reps = Swift.max(1, Int(sampleSeconds / once))
        func sample(_ body: () -> Void) -> Double {
            let t = Clock.seconds()
            for _ in 0..<reps { body() }
            return (Clock.seconds() - t) / Double(reps)
        }
        var apiSamples: [Double] = [], rawSamples: [Double] = [], ratios: [Double] = []
        for i in 0..<pairs {
            let (ta, tr): (Double, Double)
            if i % 2 == 0 { ta = sample(api); tr = sample(raw) } else { tr = sample(raw); ta = sample(api) }
            apiSamples.append(ta); rawSamples.append(tr); ratios.append(tr / ta)
        }
        let apiRate = flops / TimingSummary(apiSamples).median * 1e-9
        let rawRate = flops / TimingSummary(rawSamples).median * 1e-9
        return (apiRate, rawRate, TimingSummary(ratios).median)
    }
}
