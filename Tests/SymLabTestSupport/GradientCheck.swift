import SymLabAutodiff
import SymLabNumerics

/// Central-difference gradient checking in Double.
///
/// The output of `f` is reduced to a scalar with fixed random weights, L = Σ wᵢ·f(x)ᵢ, so one
/// check exercises the whole Jacobian (a plain sum would hide sign and permutation errors).
/// Returns, per input, the relative error ‖g_autodiff − g_numeric‖ / max(‖g_autodiff‖, ‖g_numeric‖, 1e-12).
public func gradientRelativeErrors(
    _ inputs: [Tensor<Double>], step h: Double = 1e-5, seed: UInt64 = 99,
    _ f: ([Variable<Double>]) -> Variable<Double>
) -> [Double] {
    // Shape of the output, to draw the projection.
    let probe = Tape<Double>()
    let outShape = f(inputs.map { probe.constant($0) }).shape
    var rng = RandomStream(seed: seed, stream: 7)
    let weights: Tensor<Double> = rng.normal(outShape)
    func loss(_ xs: [Variable<Double>]) -> Variable<Double> {
        let y = f(xs)
        return (y * y.tape.constant(weights)).sum()
    }
    let (_, analytic) = valueWithGradient(at: inputs, of: loss)
    func value(_ xs: [Tensor<Double>]) -> Double {
        let tape = Tape<Double>()
        return loss(xs.map { tape.constant($0) }).value.scalar
    }
    var errors: [Double] = []
    for k in inputs.indices {
        var numeric = [Double](repeating: 0, count: inputs[k].count)
        for i in 0..<inputs[k].count {
            var plus = inputs, minus = inputs
            plus[k].withUnsafeMutablePointer { $0[i] += h }
            minus[k].withUnsafeMutablePointer { $0[i] -= h }
            numeric[i] = (value(plus) - value(minus)) / (2 * h)
        }
        let a = analytic[k].scalars
        var diff = 0.0, na = 0.0, nn = 0.0
        for i in a.indices {
            diff += (a[i] - numeric[i]) * (a[i] - numeric[i]); na += a[i] * a[i]; nn += numeric[i] * numeric[i]
        }
        errors.append(diff.squareRoot() / Swift.max(na.squareRoot(), nn.squareRoot(), 1e-12))
    }
    return errors
}

/// Random inputs bounded away from 0 (|x| ≥ margin), so that kinks (relu, abs) are not straddled
/// by the finite difference.
public func awayFromZero(_ shape: [Int], seed: UInt64, margin: Double = 0.1) -> Tensor<Double> {
    var rng = RandomStream(seed: seed)
    let t: Tensor<Double> = rng.normal(shape)
    return Tensor(shape: shape, scalars: t.scalars.map { $0 >= 0 ? $0 + margin : $0 - margin })
}

/// Positive random inputs in [lo, hi) (for log, sqrt, fractional powers).
public func positive(_ shape: [Int], seed: UInt64, lo: Double = 0.5, hi: Double = 2) -> Tensor<Double> {
    var rng = RandomStream(seed: seed)
    return rng.uniform(shape, lo, hi)
}

/// Standard normal inputs.
public func gaussian(_ shape: [Int], seed: UInt64) -> Tensor<Double> {
    var rng = RandomStream(seed: seed)
    return rng.normal(shape)
}

/// Largest elementwise |a − b|.
public func maxAbsDifference<S: TensorScalar>(_ a: Tensor<S>, _ b: Tensor<S>) -> Double {
    precondition(a.shape == b.shape, "maxAbsDifference: shapes \(a.shape) and \(b.shape) differ")
    return zip(a.scalars, b.scalars).map { Double(Swift.abs($0 - $1)) }.max() ?? 0
}

/// The textbook triple loop, as a reference for BLAS-backed products.
public func naiveMatmul<S: TensorScalar>(_ a: Tensor<S>, _ b: Tensor<S>) -> Tensor<S> {
    let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
    var c = Tensor<S>(shape: [m, n])
    for i in 0..<m { for j in 0..<n {
        var s: S = 0
        for l in 0..<k { s += a[i, l] * b[l, j] }
        c[i, j] = s
    } }
    return c
}
