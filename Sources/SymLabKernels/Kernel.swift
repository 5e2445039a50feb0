import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// A positive semi-definite kernel k(x, x′) on the inputs of a data set.
///
/// A kernel only evaluates *blocks*; whole matrices are assembled by ``matrix(_:_:tiling:)`` and
/// ``gram(_:tiling:)`` from tiles, so that memory stays bounded by the output plus one tile's
/// scratch, and an output that cannot fit is refused before any work (see ``MemoryBudget``).
/// All kernel work is in Double: Cholesky and eigendecompositions of kernel matrices need it.
public protocol Kernel {
    /// A short name with the options that define it, e.g. "relu-ntk(depth 2, σb² 0)".
    var name: String { get }
    /// Throws ``KernelError/unsupportedInputs(kernel:reason:)`` if the kernel cannot take these inputs.
    func validate(_ inputs: Inputs<Double>) throws
    /// K[i, j] = k(a_i, b_j), shape [a.count, b.count]. Called on tiles only.
    func block(_ a: Inputs<Double>, _ b: Inputs<Double>) -> Tensor<Double>
    /// Scratch bytes ``block(_:_:)`` needs for a tile of `rows` × `cols` samples beyond its
    /// output (to size tiles): e.g. the node-level matrix of a graph kernel, or Jacobians.
    func scratchBytes(rows: Int, cols: Int) -> Int
}

/// How kernel matrices are tiled and how much memory they may use.
public struct Tiling: Sendable {
    /// Samples per tile side (the largest tile; shrunk when a kernel's scratch would exceed ``scratchLimit``).
    public var tileSize: Int
    /// Memory the whole computation may use (output included).
    public var memory: MemoryBudget
    /// Most scratch bytes one tile may use.
    public var scratchLimit: Int

    public init(tileSize: Int = 512, memory: MemoryBudget = .system, scratchLimit: Int = 1 << 30) {
        precondition(tileSize >= 1, "Tiling: tile size must be ≥ 1, got \(tileSize)")
        self.tileSize = tileSize
        self.memory = memory
        self.scratchLimit = scratchLimit
    }

    /// The tile side for `kernel`: the configured size, halved until one tile's scratch fits.
    func side(for kernel: any Kernel) -> Int {
        var t = tileSize
        while t > 1 && kernel.scratchBytes(rows: t, cols: t) > scratchLimit { t = (t + 1) / 2 }
        return t
    }
}

extension Kernel {
    public func scratchBytes(rows: Int, cols: Int) -> Int { 0 }

    /// K(a, b), [a.count, b.count], assembled tile by tile (one ``block(_:_:)`` per tile).
    public func matrix(_ a: Inputs<Double>, _ b: Inputs<Double>, tiling: Tiling = Tiling()) throws -> Tensor<Double> {
        try validate(a)
        try validate(b)
        let t = tiling.side(for: self)
        let needed = MemoryBudget.doubles(MemoryBudget.product(a.count, b.count)) &+ scratchBytes(rows: t, cols: t)
        try tiling.memory.require(needed, for: "kernel matrix \(a.count)×\(b.count) of \(name)")
        var out = Tensor<Double>(uninitializedShape: [a.count, b.count])
        let nb = b.count
        for i0 in stride(from: 0, to: a.count, by: t) {
            let ri = i0..<Swift.min(i0 + t, a.count)
            let ta = a.samples(ri)
            for j0 in stride(from: 0, to: nb, by: t) {
                let rj = j0..<Swift.min(j0 + t, nb)
                let tile = block(ta, b.samples(rj))
                Self.place(tile, at: (i0, j0), in: &out, width: nb)
            }
        }
        return out
    }

    /// K(x, x), [N, N]: tiles on and above the diagonal are computed, those below mirrored, and
    /// the result is exactly symmetric (Cholesky and eigh read one triangle only).
    public func gram(_ x: Inputs<Double>, tiling: Tiling = Tiling()) throws -> Tensor<Double> {
        try validate(x)
        let n = x.count
        let t = tiling.side(for: self)
        let needed = MemoryBudget.doubles(MemoryBudget.product(n, n)) &+ scratchBytes(rows: t, cols: t)
        try tiling.memory.require(needed, for: "kernel matrix \(n)×\(n) of \(name)")
        var out = Tensor<Double>(uninitializedShape: [n, n])
        for i0 in stride(from: 0, to: n, by: t) {
            let ri = i0..<Swift.min(i0 + t, n)
            let ta = x.samples(ri)
            for j0 in stride(from: i0, to: n, by: t) {
                let rj = j0..<Swift.min(j0 + t, n)
                var tile = block(ta, j0 == i0 ? ta : x.samples(rj))
                if j0 == i0 { Self.symmetrize(&tile) }
                Self.place(tile, at: (i0, j0), in: &out, width: n)
                if j0 != i0 { Self.place(tile.transposed(), at: (j0, i0), in: &out, width: n) }
            }
        }
        return out
    }

    /// Copies `tile` into `out` (row width `width`) with its top-left corner at `at`.
    static func place(_ tile: Tensor<Double>, at: (Int, Int), in out: inout Tensor<Double>, width: Int) {
        let rows = tile.shape[0], cols = tile.shape[1]
        tile.withUnsafePointer { src in out.withUnsafeMutablePointer { dst in
            for r in 0..<rows { copyElements(from: src + r * cols, to: dst + (at.0 + r) * width + at.1, count: cols) }
        } }
    }

    /// (T + Tᵀ)/2 for a square tile: removes the last-bit asymmetry of gemm-based blocks.
    static func symmetrize(_ tile: inout Tensor<Double>) {
        let n = tile.shape[0]
        tile.withUnsafeMutablePointer { p in
            for i in 0..<n { for j in (i + 1)..<Swift.max(n, i + 1) {
                let v = 0.5 * (p[i * n + j] + p[j * n + i]); p[i * n + j] = v; p[j * n + i] = v
            } }
        }
    }
}

// MARK: - Helpers shared by the kernels

/// Dense inputs as an [N, D] matrix (trailing axes flattened), or an error for graphs.
func flatRows(_ inputs: Inputs<Double>, kernel: String) throws -> Tensor<Double> {
    switch inputs {
    case .dense(let x): return x.rank == 1 ? x.reshaped([x.shape[0], 1]) : x.reshaped([x.shape[0], -1])
    case .graphs:
        throw KernelError.unsupportedInputs(kernel: kernel, reason: "takes dense inputs, got graphs; for graph classes use relu-nngp or relu-ntk (the graph NNGP/NTK)")
    }
}

/// Same as ``flatRows(_:kernel:)`` for inputs already validated.
func denseMatrix(_ inputs: Inputs<Double>) -> Tensor<Double> {
    let x = inputs.dense
    return x.rank == 1 ? x.reshaped([x.shape[0], 1]) : x.reshaped([x.shape[0], -1])
}

/// Squared norms of the rows of an [N, D] matrix.
func rowSquaredNorms(_ x: Tensor<Double>) -> [Double] {
    let n = x.shape[0], d = x.shape[1]
    return x.withUnsafePointer { p in
        (0..<n).map { i in
            var s = 0.0
            for k in 0..<d { let v = p[i * d + k]; s += v * v }
            return s
        }
    }
}

/// A kernel given by an explicit feature map: k(x, x′) = ⟨φ(x), φ(x′)⟩, one gemm per tile.
/// Used for empirical NNGPs (φ = the last hidden layer of a network) and user-defined features.
public struct FeatureMapKernel: Kernel {
    public let name: String
    /// [N] inputs → [N, F] features.
    public let features: (Inputs<Double>) -> Tensor<Double>
    /// F, for tile sizing.
    public let featureCount: Int

    public init(name: String, featureCount: Int, features: @escaping (Inputs<Double>) -> Tensor<Double>) {
        self.name = name; self.featureCount = featureCount; self.features = features
    }

    public func validate(_ inputs: Inputs<Double>) throws {}

    public func block(_ a: Inputs<Double>, _ b: Inputs<Double>) -> Tensor<Double> {
        let fa = features(a), fb = features(b)
        return Tensor.matmul(fa.reshaped([a.count, -1]), fb.reshaped([b.count, -1]), transposeB: true)
    }

    public func scratchBytes(rows: Int, cols: Int) -> Int {
        MemoryBudget.doubles(MemoryBudget.product(rows &+ cols, featureCount))
    }
}
