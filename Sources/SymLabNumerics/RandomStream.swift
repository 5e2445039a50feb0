/// SymmetryLab's random generator: xoshiro256** (Blackman & Vigna), seeded through SplitMix64.
///
/// Named and versioned (``algorithm``) because results are only reproducible against a fixed
/// algorithm: the name is recorded with every run, and a change of algorithm must change it.
/// Same `(seed, stream)`, same numbers on every machine: integer and uniform draws use only
/// integer arithmetic, and normal draws use the polar method with ``portableLog(_:)``, which
/// uses only IEEE-exact operations (+, −, ×, ÷, √), never the platform's libm.
///
/// Streams: every `(seed, stream)` pair hashes to its own starting state, so that the points of a
/// sweep — and the data, initialisation and minibatch order inside one run — never share randomness.
///
/// Codable: its whole state (the four words, a spare normal draw, seed and stream) round-trips
/// exactly, so a training checkpoint resumes the same sequence.
public struct RandomStream: RandomNumberGenerator, Sendable, Codable, Equatable {
    public static let algorithm = "xoshiro256**+splitmix64/v1"

    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    private var spareNormal: Double?
    public let seed: UInt64
    public let stream: UInt64

    public init(seed: UInt64, stream: UInt64 = 0) {
        self.seed = seed
        self.stream = stream
        var sm = SplitMix64(state: seed)
        _ = sm.next()
        var mix = SplitMix64(state: stream ^ 0x5EED_5EED_5EED_5EED)
        sm.state ^= mix.next()
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }   // the all-zero state is a fixed point
    }

    /// A generator started from an explicit xoshiro256** state (for reference test vectors).
    public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        (s0, s1, s2, s3) = state
        seed = 0; stream = 0
    }

    /// An independent generator for one ``Substream`` of this one's `(seed, stream)`: used to give
    /// the data, the initialisation and the batch order of one run their own randomness.
    public func substream(_ purpose: Substream) -> RandomStream {
        RandomStream(seed: seed &+ 0x9E37_79B9_7F4A_7C15 &* (stream &+ 1), stream: purpose.id)
    }

    /// Every sub-stream SymmetryLab takes, named by what it draws: the one list of the numbers
    /// behind `substream(_:)`.
    ///
    /// The ids are part of the results: a run's data, initialisation and batch order are what
    /// they are because of them, so an id never changes (a new purpose takes a new case; the
    /// tests pin every id). Ids repeat across roots on purpose: a sub-stream is `(root, id)`, and
    /// the roots below never coincide.
    public enum Substream: Sendable, Hashable {
        // Of the data root `RandomStream(seed: run seed)` (``SeededData``): the same for every
        // point with that seed, so comparisons between models and schemes are paired.
        /// The drawn target (subset, direction, weights) of the class.
        case target
        /// The training, validation and test splits: each its own, so that changing one split's
        /// size leaves the target and the other splits unchanged.
        case trainSplit, validationSplit, testSplit
        /// Fresh samples a scheme asks for beyond the three splits, stream `k` of its choosing
        /// (id 16 + k: 4…15 are kept free for more splits).
        case freshSamples(UInt64)

        // Of a run's root `RandomStream(seed: run seed, stream: point id)`: differs between sweep
        // points. Also of a scheme's own stream (`SchemeContext.rng`, itself `.scheme` of the run's
        // root), for the same purposes.
        /// Initial weights (a model's; a scheme's network, random features or starting point).
        case initialisation
        /// The order of minibatches.
        case batchOrder
        /// The log-uniform learning-rate factor of `lr_log_uniform_factor`.
        case learningRateFactor
        /// A scheme's own randomness (``initialisation`` and the rest are taken from it).
        case scheme
        /// The random biases of a scheme's second-layer features (taken from the scheme's stream).
        case headFeatures
        /// The perturbations of a statistical-query oracle in `random` mode (a scheme's).
        case queryNoise

        // Of a theory study's root `RandomStream(seed: study seed)`.
        /// The Monte Carlo samples of a correlation study.
        case monteCarloSamples
        /// The Monte Carlo graphs of one graph size `n` (id n), so that each size's numbers do
        /// not depend on the rest of the grid.
        case graphSize(Int)
        /// One size `n` of `theory bounds` / `theory summary` (id n), for the same reason.
        case boundsSize(Int)

        // Of one such row's stream (a query family's draws).
        /// Inputs that choose a family's usable bits or check the family against the class's members.
        case familySelection
        /// The Monte Carlo inputs that measure a family's γ.
        case familyMeasurement
        /// Random planes that measure a fraction of the Haar measure (group-averaged-cnn's q).
        case familyPlanes
        /// Member `k` of a family, drawn by the class (id 16 + k).
        case familyMember(UInt64)

        /// The sub-stream number passed to ``RandomStream/init(seed:stream:)``.
        public var id: UInt64 {
            switch self {
            case .target: 0
            case .trainSplit: 1
            case .validationSplit: 2
            case .testSplit: 3
            case .freshSamples(let k): 16 &+ k
            case .initialisation: 1
            case .batchOrder: 2
            case .learningRateFactor: 3
            case .scheme: 5
            case .headFeatures: 2
            case .queryNoise: 6
            case .monteCarloSamples: 1
            case .graphSize(let n): UInt64(n)
            case .boundsSize(let n): UInt64(n)
            case .familySelection: 1
            case .familyMeasurement: 2
            case .familyPlanes: 3
            case .familyMember(let k): 16 &+ k
            }
        }
    }

    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    // MARK: - Scalars

    /// Uniform on [0, 1) with 53 random bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform on [low, high).
    public mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * uniform() }

    /// Uniform integer in 0..<n (Lemire's unbiased multiply-and-reject).
    public mutating func int(below n: Int) -> Int {
        precondition(n > 0, "RandomStream.int(below:): n must be positive, got \(n)")
        let bound = UInt64(n)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    /// Standard normal (Marsaglia's polar method; the second value of each pair is kept).
    public mutating func normal() -> Double {
        if let z = spareNormal { spareNormal = nil; return z }
        while true {
            let u = 2 * uniform() - 1, v = 2 * uniform() - 1
            let s = u * u + v * v
            if s >= 1 || s == 0 { continue }
            let f = (-2 * portableLog(s) / s).squareRoot()
            spareNormal = v * f
            return u * f
        }
    }

    public mutating func bernoulli(_ p: Double) -> Bool {
        precondition(p >= 0 && p <= 1, "RandomStream.bernoulli: p must be in [0, 1], got \(p)")
        return uniform() < p
    }

    /// ±1 with equal probability.
    public mutating func rademacher() -> Double { next() >> 63 == 0 ? 1 : -1 }

    /// A uniformly random permutation of 0..<n (Fisher–Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n > 1 { for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, int(below: i + 1)) } }
        return p
    }

    // MARK: - Tensors

    public mutating func normal<S: TensorScalar>(_ shape: [Int], mean: Double = 0, std: Double = 1, as: S.Type = S.self) -> Tensor<S> {
        fill(shape) { $0.normal() * std + mean }
    }

    public mutating func uniform<S: TensorScalar>(_ shape: [Int], _ low: Double = 0, _ high: Double = 1, as: S.Type = S.self) -> Tensor<S> {
        fill(shape) { $0.uniform(low, high) }
    }

    public mutating func rademacher<S: TensorScalar>(_ shape: [Int], as: S.Type = S.self) -> Tensor<S> {
        fill(shape) { $0.rademacher() }
    }

    /// 1 with probability p, else 0.
    public mutating func bernoulli<S: TensorScalar>(_ shape: [Int], p: Double, as: S.Type = S.self) -> Tensor<S> {
        fill(shape) { $0.bernoulli(p) ? 1 : 0 }
    }

    /// A matrix with orthonormal rows (rows ≤ cols) or columns (rows ≥ cols), Haar-distributed:
    /// QR of a Gaussian matrix with the sign of R's diagonal fixed to +.
    public mutating func orthonormal<S: TensorScalar>(rows: Int, cols: Int, as: S.Type = S.self) -> Tensor<S> {
        precondition(rows >= 0 && cols >= 0, "orthonormal: sizes must be non-negative, got \(rows)×\(cols)")
        let tall = rows >= cols
        let g: Tensor<S> = normal(tall ? [rows, cols] : [cols, rows])
        // QR of a full-rank Gaussian matrix cannot fail; a failure would be a LAPACK fault.
        guard let q = try? Linalg.qr(g).q else { fatalError("orthonormal: QR of a Gaussian matrix failed") }
        return tall ? q : q.transposed()
    }

    private mutating func fill<S: TensorScalar>(_ shape: [Int], _ draw: (inout RandomStream) -> Double) -> Tensor<S> {
        let t = Tensor<S>(uninitializedShape: shape)
        let n = t.count
        t.withSharedMutablePointer { p in for i in 0..<n { p[i] = S(draw(&self)) } }
        return t
    }
}

/// SplitMix64 (Steele, Lea & Flood): used only to expand a seed into a xoshiro state.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64
    public init(state: UInt64) { self.state = state }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Natural logarithm from IEEE-exact operations only, so that it gives the same bits on every
/// machine (libm's `log` may differ in the last bit between platforms). Accurate to ~1 ulp.
/// x = m·2ᵉ with m ∈ [√½, √2); log m = 2·atanh(s), s = (m − 1)/(m + 1), |s| < 0.172, by its series.
public func portableLog(_ x: Double) -> Double {
    if x.isNaN || x < 0 { return .nan }
    if x == 0 { return -.infinity }
    if x.isInfinite { return x }
    var m = x.significand                      // [1, 2), exact
    var e = Double(x.exponent)
    if m > 1.4142135623730951 { m /= 2; e += 1 }
    let s = (m - 1) / (m + 1)
    let z = s * s
    // 2·(s + s³/3 + s⁵/5 + … + s²⁵/25), Horner in z.
    var p = 2.0 / 25
    for k in stride(from: 23, through: 3, by: -2) { p = p * z + 2.0 / Double(k) }
    let logM = 2 * s + s * z * p
    let ln2Hi = 6.93147180369123816490e-01, ln2Lo = 1.90821492927058770002e-10
    return e * ln2Hi + (logM + e * ln2Lo)
}
