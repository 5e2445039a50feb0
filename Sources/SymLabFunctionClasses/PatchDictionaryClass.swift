import SymLabCore
import SymLabNumerics

/// Labels of a one-hidden-layer CNN teacher on ±1 sequences whose patches come from a small
/// dictionary (Brutzkus, Globerson, Malach, Netser, Shalev-Shwartz, ICML 2022, "Efficient
/// learning of CNNs using patch based features"): the distributional assumption under which
/// clustering patches and fitting a linear readout on pooled patch indicators learns the CNN.
///
/// Inputs: a sequence of length L made of P = L/w non-overlapping patches of width w, given as
/// [N, P, w] (row-major it is the length-L sequence; the patch axis lets `cnn-minimal` with
/// `layout: channels-last, kernel: 1` be the stride-w convolution of the teacher, and `mlp`
/// flattens it). Each patch independently: a dictionary entry drawn uniformly from k distinct
/// random ±1 patches, each bit flipped with probability p (`patches: dictionary`), or a uniform
/// draw from {±1}^w (`patches: uniform`, the paper's counter-example: no clusters).
///
/// Teacher: f(x) = Σ_{positions i} Σ_{j<m} a_j ReLU(⟨w_j, x_i⟩), w_j ~ N(0, I_w), a_j uniform ±1,
/// no hidden bias; label y = +1 if f(x) > θ else −1. θ balances the labels: it is the midpoint
/// between two consecutive distinct values of f on a reference sample of 20,000 inputs (drawn
/// with the target) that splits the sample closest to half and half (f of a dictionary input takes
/// few values, so a plain median could sit on an atom and leave the labels unbalanced).
///
/// The dictionary is drawn before the teacher and in both variants, so one seed gives the same
/// teacher for dictionary and uniform patches (only θ differs: each variant is balanced on its
/// own input distribution).
public struct PatchDictionaryClass: RegisteredFunctionClass {
    public static let className = "patch-dictionary-cnn"
    public static let summary = "one-hidden-layer CNN teacher on ±1 sequences of non-overlapping patches from a k-patch dictionary with bit flips, or uniform patches (Brutzkus et al. 2022)"
    public static let optionDocs = [
        OptionDoc("length", "32", "sequence length L, a multiple of the patch width (2...4096)"),
        OptionDoc("width", "4", "patch width w (1...12)"),
        OptionDoc("dictionary", "8", "k, number of distinct dictionary patches (1...min(2^w, 256))"),
        OptionDoc("flip", "0.1", "p, probability of flipping each bit of a dictionary patch (0...0.5)"),
        OptionDoc("patches", "dictionary", "dictionary (dictionary entries with bit flips) or uniform (every patch uniform on {±1}^w)"),
        OptionDoc("teacher_width", "4", "m, hidden filters of the teacher (1...256)"),
        noiseDoc,
    ]
    /// Inputs the threshold θ is fitted on (drawn with the target).
    public static let referenceSample = 20_000

    public let length: Int, width: Int, dictionarySize: Int, flip: Double, uniform: Bool, teacherWidth: Int, noise: Double
    public let parameters: [String: String]
    public var documentedMoments: LabelMoments? { nil }
    public var positions: Int { length / width }

    public init(options: [String: String]) throws {
        var o = OptionReader(className: Self.className, options: options)
        width = try o.int("width", default: 4, range: 1...12)
        length = try o.int("length", default: 32, range: 2...4096)
        guard length % width == 0, length >= width else {
            throw o.fail("length", allowed: "a multiple of the patch width \(width) in 2...4096", got: "\(length)")
        }
        dictionarySize = try o.int("dictionary", default: Swift.min(8, 1 << width), range: 1...Swift.min(1 << width, 256))
        flip = try o.double("flip", default: 0.1, in: Interval(0, 0.5))
        uniform = try o.choice("patches", default: "dictionary", among: ["dictionary", "uniform"]) == "uniform"
        teacherWidth = try o.int("teacher_width", default: 4, range: 1...256)
        noise = try o.double("noise", default: 0, in: .nonNegative)
        try o.finish()
        parameters = o.resolved
    }

    public func drawTarget(rng: inout RandomStream) -> any Target { drawPatchTarget(rng: &rng) }

    /// Dictionary (k distinct patches, a random subset of {±1}^w), then the teacher, then θ.
    public func drawPatchTarget(rng: inout RandomStream) -> PatchDictionaryTarget {
        let dictionary = rng.permutation(1 << width).prefix(dictionarySize).map { unpackSigns(UInt64($0), degree: width) }
        let filters = (0..<teacherWidth).map { _ in (0..<width).map { _ in rng.normal() } }
        let outputs = (0..<teacherWidth).map { _ in rng.rademacher() }
        var t = PatchDictionaryTarget(positions: positions, dictionary: dictionary, flip: flip, uniform: uniform,
                                      filters: filters, outputWeights: outputs, threshold: 0)
        let reference = t.teacherOutput(t.sampleInputs(count: Self.referenceSample, rng: &rng).dense)
        t.threshold = PatchDictionaryTarget.balancedThreshold(reference)
        return t
    }

    public func checkDefiningProperty(rng: inout RandomStream) -> PropertyReport {
        let t = drawPatchTarget(rng: &rng)
        let count = 4000
        let x = t.sampleInputs(count: count, rng: &rng).dense
        let y = t.evaluate(.dense(x))
        var r = PropertyReport(property: "patches lie within Hamming radius 0 and 1 of the dictionary at the rates of the stated patch distribution; labels = sign(Σ_i Σ_j a_j ReLU(⟨w_j, x_i⟩) − θ)")
        let patchCount = Double(count * positions)
        let distances = t.dictionaryDistances(x)
        for radius in 0...1 {
            // Clamped: the sum of 2^w rounded terms may exceed 1 by an ulp.
            let expected = Swift.min(Swift.max(t.probabilityWithin(radius: radius), 0), 1)
            let measured = Double(distances.filter { $0 <= radius }.count) / patchCount
            // Patches are independent: 5 binomial standard errors.
            let se = (expected * (1 - expected) / patchCount).squareRoot()
            r.near("fraction of patches within Hamming distance \(radius) of the dictionary (exact \(NumberFormat.significant(expected)))",
                   measured, expected, tolerance: 5 * se + 1e-9)
        }
        // The teacher written out with loops, independently of evaluate's matrix route.
        let xs = x.scalars, w = t.width
        var mismatches = 0.0
        for n in 0..<count {
            var f = 0.0
            for i in 0..<positions {
                for j in 0..<t.filters.count {
                    var pre = 0.0
                    for s in 0..<w { pre += t.filters[j][s] * xs[(n * positions + i) * w + s] }
                    f += t.outputWeights[j] * Swift.max(pre, 0)
                }
            }
            if (f > t.threshold ? 1.0 : -1.0) != y[n] { mismatches += 1 }
        }
        r.exactly("labels differing from the teacher formula (of \(count))", mismatches, 0)
        let mean = y.scalars.reduce(0, +) / Double(count)
        r.atMost("|mean label| (θ balances the labels)", abs(mean), 0.2)
        return r
    }
}

/// One drawn teacher with its patch distribution.
public struct PatchDictionaryTarget: Target {
    /// P, patches per sequence.
    public let positions: Int
    /// k × w ±1 patches.
    public let dictionary: [[Double]]
    public let flip: Double
    public let uniform: Bool
    /// m × w first-layer filters w_j and the m output weights a_j.
    public let filters: [[Double]]
    public let outputWeights: [Double]
    /// θ: labels are +1 where f > θ.
    public var threshold: Double

    public init(positions: Int, dictionary: [[Double]], flip: Double, uniform: Bool, filters: [[Double]], outputWeights: [Double], threshold: Double) {
        self.positions = positions; self.dictionary = dictionary; self.flip = flip; self.uniform = uniform
        self.filters = filters; self.outputWeights = outputWeights; self.threshold = threshold
    }

    public var width: Int { filters.first?.count ?? dictionary.first?.count ?? 0 }

    public var parameters: [String: String] {
        ["dictionary": dictionary.map { $0.map { $0 > 0 ? "+" : "-" }.joined() }.joined(separator: ","),
         "threshold": NumberFormat.shortest(threshold),
         "output_weights": outputWeights.map { $0 > 0 ? "+" : "-" }.joined()]
    }

    public func sampleInputs(count: Int, rng: inout RandomStream) -> Inputs<Double> {
        let w = width, k = dictionary.count
        var x = Tensor<Double>(shape: [count, positions, w])
        x.withUnsafeMutablePointer { p in
            for patch in 0..<(count * positions) {
                if uniform {
                    for s in 0..<w { p[patch * w + s] = rng.rademacher() }
                } else {
                    let d = dictionary[rng.int(below: k)]
                    for s in 0..<w { p[patch * w + s] = rng.bernoulli(flip) ? -d[s] : d[s] }
                }
            }
        }
        return .dense(x)
    }

    /// f(x) = Σ_i Σ_j a_j ReLU(⟨w_j, x_i⟩) of inputs [N, P, w] (or [N, P·w]): one product of the
    /// N·P patches with the filters.
    public func teacherOutput(_ x: Tensor<Double>) -> [Double] {
        let w = width, m = filters.count
        let n = x.shape[0]
        let patches = x.reshaped([n * positions, w])
        let pre = Tensor.matmul(patches, Tensor(shape: [m, w], scalars: filters.flatMap { $0 }), transposeB: true).scalars
        var f = [Double](repeating: 0, count: n)
        for row in 0..<(n * positions) {
            var s = 0.0
            for j in 0..<m { s += outputWeights[j] * Swift.max(pre[row * m + j], 0) }
            f[row / positions] += s
        }
        return f
    }

    public func evaluate(_ inputs: Inputs<Double>) -> Tensor<Double> {
        Tensor(teacherOutput(inputs.dense).map { $0 > threshold ? 1.0 : -1.0 })
    }

    /// The midpoint between consecutive distinct values of `f` whose split leaves the fraction
    /// below closest to ½ (ties to the lower split); the single value if `f` is constant.
    public static func balancedThreshold(_ f: [Double]) -> Double {
        let s = f.sorted()
        guard let first = s.first else { return 0 }
        var best = first, bestGap = Double.infinity
        for i in 1..<s.count where s[i] != s[i - 1] {
            let gap = abs(Double(i) / Double(s.count) - 0.5)
            if gap < bestGap { bestGap = gap; best = (s[i - 1] + s[i]) / 2 }
        }
        return best
    }

    /// The Hamming distance of every patch of `x` to its nearest dictionary entry, [N·P].
    public func dictionaryDistances(_ x: Tensor<Double>) -> [Int] {
        let w = width, xs = x.scalars
        return (0..<(xs.count / w)).map { patch in
            dictionary.map { d in (0..<w).filter { xs[patch * w + $0] != d[$0] }.count }.min() ?? w
        }
    }

    /// P(a patch lies within Hamming distance `radius` of the dictionary), exactly: the sum over
    /// the 2^w patches q within the radius of P(q) = (1/k) Σ_{s∈D} p^{H(s,q)} (1−p)^{w−H(s,q)}
    /// (2^−w for uniform patches).
    public func probabilityWithin(radius: Int) -> Double {
        let w = width
        var total = 0.0
        for code in 0..<(1 << w) {
            let q = unpackSigns(UInt64(code), degree: w)
            let h = dictionary.map { d in (0..<w).filter { q[$0] != d[$0] }.count }
            guard (h.min() ?? w) <= radius else { continue }
            if uniform { total += 1 / Double(1 << w); continue }
            total += h.reduce(0.0) { $0 + power(flip, $1) * power(1 - flip, w - $1) } / Double(dictionary.count)
        }
        return total
    }

    private func power(_ x: Double, _ e: Int) -> Double { (0..<e).reduce(1.0) { a, _ in a * x } }
}
