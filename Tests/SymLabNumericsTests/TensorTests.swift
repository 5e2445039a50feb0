#if canImport(CSymLabKernels)
import CSymLabKernels
#endif
import SymLabNumerics
import SymLabTestSupport
import Testing

@Suite struct TensorTests {
    @Test func broadcastingFollowsTrailingAxisRules() {
        #expect(Broadcast.shape([2, 3], [3], op: "t") == [2, 3])
        #expect(Broadcast.shape([2, 1, 4], [3, 1], op: "t") == [2, 3, 4])
        #expect(Broadcast.shape([], [5, 2], op: "t") == [5, 2])
        // Values: a [2, 1, 3] + b [4, 1] → c[i, j, k] = a[i, 0, k] + b[j, 0].
        let a = gaussian([2, 1, 3], seed: 1), b = gaussian([4, 1], seed: 2)
        let c = a + b
        #expect(c.shape == [2, 4, 3])
        for i in 0..<2 { for j in 0..<4 { for k in 0..<3 { #expect(c[i, j, k] == a[i, 0, k] + b[j, 0]) } } }
        let d = a * Tensor(scalar: 3)
        for i in 0..<2 { for k in 0..<3 { #expect(d[i, 0, k] == a[i, 0, k] * 3) } }
        let e = Tensor<Double>(scalar: 1) - b
        for j in 0..<4 { #expect(e[j, 0] == 1 - b[j, 0]) }
    }

    @Test func sumsOverAxesMatchLoops() {
        let x = gaussian([3, 4, 5], seed: 3)
        let s0 = x.sum(axes: [1])
        let s02 = x.sum(axes: [0, 2], keepDims: true)
        #expect(s0.shape == [3, 5] && s02.shape == [1, 4, 1])
        for i in 0..<3 { for k in 0..<5 {
            let ref = (0..<4).map { x[i, $0, k] }.reduce(0, +)
            #expect(Swift.abs(s0[i, k] - ref) < 1e-12)
        } }
        for j in 0..<4 {
            var ref = 0.0
            for i in 0..<3 { for k in 0..<5 { ref += x[i, j, k] } }
            #expect(Swift.abs(s02[0, j, 0] - ref) < 1e-12)
        }
        #expect(Swift.abs(x.sum().scalar - x.scalars.reduce(0, +)) < 1e-12)
        #expect(Swift.abs(x.mean(axes: [0, 1, 2]).scalar - x.mean().scalar) < 1e-14)
        #expect(x.sum(toShape: [4, 1]).shape == [4, 1])
    }

    @Test func movementOpsAreExact() {
        let x = gaussian([2, 3, 4], seed: 4)
        let p = x.permuted([2, 0, 1])
        #expect(p.shape == [4, 2, 3])
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { #expect(p[k, i, j] == x[i, j, k]) } } }
        #expect(x.permuted([2, 0, 1]).permuted([1, 2, 0]) == x)
        let s = x.slice(axis: 2, 1..<3)
        #expect(s.shape == [2, 3, 2] && s[1, 2, 0] == x[1, 2, 1])
        #expect(Tensor.concat([x.slice(axis: 1, 0..<1), x.slice(axis: 1, 1..<3)], axis: 1) == x)
        let r = x.reshaped([6, -1])
        #expect(r.shape == [6, 4] && r[5, 3] == x[1, 2, 3])
        let rows = x.rows(1..<2)
        #expect(rows.shape == [1, 3, 4] && rows[0, 1, 1] == x[1, 1, 1])
        let g = x.reshaped([6, 4]).gatherRows([5, 0, 5])
        #expect(g[0, 2] == x[1, 2, 2] && g[2, 3] == x[1, 2, 3])
        let sc = g.scatterAddRows([1, 0, 1], segments: 2)
        #expect(sc[1, 0] == 2 * x[1, 2, 0] && sc[0, 1] == x[0, 0, 1])
    }

    @Test func copyOnWriteKeepsValueSemantics() {
        var a = Tensor<Double>([1, 2, 3])
        let b = a
        a[0] = 10
        #expect(b[0] == 1 && a[0] == 10)
        let view = a.reshaped([3, 1])
        a[1] = 20
        #expect(view[1, 0] == 2)
    }

    @Test func circularConvolutionMatchesDefinition() {
        let x = gaussian([2, 3, 7], seed: 5), w = gaussian([4, 3, 5], seed: 6)
        let (y, _) = CircularConv1D.forward(x, w)
        #expect(y.shape == [2, 4, 7])
        for b in 0..<2 { for o in 0..<4 { for t in 0..<7 {
            var ref = 0.0
            for c in 0..<3 { for k in 0..<5 { ref += w[o, c, k] * x[b, c, (t + k) % 7] } }
            #expect(Swift.abs(y[b, o, t] - ref) < 1e-12)
        } } }
    }

    @Test func pointwiseFunctionsMatchScalarDefinitions() {
        let x = Tensor<Double>([-2, -0.5, 0.5, 3])
        #expect(x.map(.relu).scalars == [0, 0, 0.5, 3])
        #expect(x.map(.leakyRelu(slope: 0.1)).scalars == [-0.2, -0.05, 0.5, 3])
        #expect(x.map(.abs).scalars == [2, 0.5, 0.5, 3])
        let sp = x.map(.softplus).scalars
        for (v, s) in zip(x.scalars, sp) { #expect(Swift.abs(s - Double.log(1 + Double.exp(v))) < 1e-15) }
        let sg = x.map(.sigmoid).scalars
        for (v, s) in zip(x.scalars, sg) { #expect(Swift.abs(s - 1 / (1 + Double.exp(-v))) < 1e-15) }
        let ge = Tensor<Double>([1]).map(.gelu).scalar
        #expect(Swift.abs(ge - 0.8413447460685429) < 1e-15)   // Φ(1)
        #expect(Tensor<Double>([-2]).map(.power(3)).scalar == -8)
        #expect(Tensor<Double>([1e3]).map(.softplus).scalar == 1e3)   // no overflow
    }

    /// The vectorized ReLU kernel (`CSymLabKernels/Pointwise.c`) against its scalar definition, bit
    /// for bit: NaN and −0 give +0, infinities pass or vanish, every length around the vector
    /// width, in place too.
    @Test func reluKernelMatchesScalarDefinitionBitForBit() {
        func bits<S: TensorScalar>(_ v: [S]) -> [[UInt64]] {
            v.map { [$0.sign == .minus ? 1 : 0, UInt64($0.exponentBitPattern), UInt64($0.significandBitPattern)] }
        }
        func check<S: TensorScalar>(_: S.Type) {
            var g = RandomStream(seed: 11)
            let specials: [S] = [.nan, -.nan, 0, -0, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude]
            for n in Array(0...19) + [1001] {
                let x: [S] = (0..<n).map { i in i % 3 == 0 ? specials[(i / 3) % specials.count] : S(g.normal()) }
                let want = x.map { $0 > 0 ? $0 : S(0) }
                var out = [S](repeating: 7, count: n), inPlace = x
                x.withUnsafeBufferPointer { xp in out.withUnsafeMutableBufferPointer { S.unaryKernel(.relu, xp.baseAddress!, $0.baseAddress!, n) } }
                inPlace.withUnsafeMutableBufferPointer { S.unaryKernel(.relu, UnsafePointer($0.baseAddress!), $0.baseAddress!, n) }
                #expect(bits(out) == bits(want), "\(S.self) n = \(n)")
                #expect(bits(inPlace) == bits(want), "\(S.self) n = \(n), in place")
            }
        }
        check(Double.self)
        check(Float.self)
    }

    /// The vectorized ReLU backward against its definition dx = x > 0 ? dy : 0, bit for bit (dy's
    /// −0, NaN and infinities pass where the unit is on and become +0 where it is off), every
    /// length around the vector width, in place (dx == dy) too.
    @Test func reluBackwardKernelMatchesItsDefinitionBitForBit() {
        func bits<S: TensorScalar>(_ v: [S]) -> [[UInt64]] {
            v.map { [$0.sign == .minus ? 1 : 0, UInt64($0.exponentBitPattern), UInt64($0.significandBitPattern)] }
        }
        func check<S: TensorScalar>(_: S.Type) {
            var g = RandomStream(seed: 13)
            let specials: [S] = [.nan, 0, -0, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude]
            for n in Array(0...19) + [1001] {
                let x: [S] = (0..<n).map { i in i % 4 == 0 ? specials[(i / 4) % specials.count] : S(g.normal()) }
                let dy: [S] = (0..<n).map { i in i % 3 == 1 ? specials[(i / 3) % specials.count] : S(g.normal()) }
                let want = zip(x, dy).map { $0 > 0 ? $1 : S(0) }
                var out = [S](repeating: 7, count: n), inPlace = dy
                x.withUnsafeBufferPointer { xp in dy.withUnsafeBufferPointer { dp in out.withUnsafeMutableBufferPointer {
                    S.unaryBackwardKernel(.relu, xp.baseAddress!, xp.baseAddress!, dp.baseAddress!, $0.baseAddress!, n)
                } } }
                x.withUnsafeBufferPointer { xp in inPlace.withUnsafeMutableBufferPointer {
                    S.reluBackwardKernel(xp.baseAddress!, UnsafePointer($0.baseAddress!), $0.baseAddress!, n)
                } }
                #expect(bits(out) == bits(want), "\(S.self) n = \(n)")
                #expect(bits(inPlace) == bits(want), "\(S.self) n = \(n), in place")
            }
        }
        check(Double.self)
        check(Float.self)
    }


    /// The ReLU backward with column sums: dx bit for bit as the plain kernel, and each column's
    /// sum equal to adding its rows in order — widths around the vector width and past one chunk
    /// of 64 vectors (so a second chunk and a scalar tail), a single row, and no rows.
    @Test func reluBackwardColumnSumsMatchTheirDefinition() {
        func check<S: TensorScalar>(_: S.Type) {
            var g = RandomStream(seed: 17)
            for (rows, cols) in [(1, 1), (3, 7), (6, 33), (5, 64), (4, 300), (9, 515), (0, 5)] {
                let x: [S] = (0..<(rows * cols)).map { _ in S(g.normal()) }, dy: [S] = (0..<(rows * cols)).map { _ in S(g.normal()) }
                let want = zip(x, dy).map { $0 > 0 ? $1 : S(0) }
                var wantSums = [S](repeating: 0, count: cols)
                for r in 0..<rows { for j in 0..<cols { wantSums[j] += want[r * cols + j] } }
                var dx = [S](repeating: 7, count: rows * cols), sums = [S](repeating: 7, count: cols)
                x.withUnsafeBufferPointer { xp in dy.withUnsafeBufferPointer { dp in dx.withUnsafeMutableBufferPointer { op in
                    sums.withUnsafeMutableBufferPointer { sp in
                        S.reluBackwardColumnSumsKernel(xp.baseAddress!, dp.baseAddress!, op.baseAddress!, rows: rows, cols: cols, sums: sp.baseAddress!)
                    }
                } } }
                #expect(dx == want, "\(S.self) \(rows)×\(cols): dx")
                #expect(sums == wantSums, "\(S.self) \(rows)×\(cols): column sums")
            }
        }
        check(Double.self)
        check(Float.self)
    }

    /// The fused bias + activation pass against its definition y = σ(y + b), row by row, bit for
    /// bit, with rows around the vector widths (1, 7, 33, 37 columns).
    @Test func biasActivationKernelMatchesItsDefinitionBitForBit() {
        func check<S: TensorScalar>(_: S.Type) {
            var g = RandomStream(seed: 15)
            for (rows, cols) in [(1, 1), (3, 7), (5, 33), (40, 37)] {
                let y0: [S] = (0..<(rows * cols)).map { _ in S(g.normal()) }, b: [S] = (0..<cols).map { _ in S(g.normal()) }
                for relu in [false, true] {
                    let want = y0.indices.map { i -> S in let v = y0[i] + b[i % cols]; return relu ? (v > 0 ? v : 0) : v }
                    var y = y0
                    b.withUnsafeBufferPointer { bp in y.withUnsafeMutableBufferPointer {
                        S.biasActivationKernel($0.baseAddress!, bp.baseAddress!, rows: rows, cols: cols, relu: relu)
                    } }
                    #expect(y == want, "\(S.self) [\(rows), \(cols)] relu \(relu)")
                }
            }
        }
        check(Double.self)
        check(Float.self)
    }

    #if canImport(CSymLabKernels)
    /// The baseline and AVX2 builds of the pointwise kernels (`Pointwise.c`) give the same bits — the
    /// runtime check picks only one of them on a given CPU, so both are called here directly
    /// (the AVX2 one where the CPU has it), with NaN, ±0 and infinities among the inputs.
    @Test func pointwiseKernelVariantsGiveTheSameBits() {
        var g = RandomStream(seed: 16)
        let specials: [Double] = [.nan, 0, -0.0, .infinity, -.infinity]
        let n = 203, cols = 29, rows = 7
        let x: [Double] = (0..<n).map { i in i % 5 == 0 ? specials[(i / 5) % specials.count] : g.normal() }
        let dy: [Double] = (0..<n).map { i in i % 7 == 3 ? specials[(i / 7) % specials.count] : g.normal() }
        let b: [Double] = (0..<cols).map { _ in g.normal() }
        let (xf, dyf, bf) = (x.map(Float.init), dy.map(Float.init), b.map(Float.init))
        func bits<T: BinaryFloatingPoint>(_ v: [T]) -> [String] { v.map { "\($0.sign)\($0.exponentBitPattern)/\($0.significandBitPattern)" } }
        let avx2 = symlab_cpu_has_avx2_fma() != 0
        var r = [[String]]()   // per kernel: baseline bits, then the AVX2 bits
        for variant in avx2 ? [false, true] : [false] {
            var y = [Double](repeating: 7, count: n), yf = [Float](repeating: 7, count: n)
            var dx = [Double](repeating: 7, count: n), dxf = [Float](repeating: 7, count: n)
            var z = Array(dy.prefix(rows * cols)), zf = Array(dyf.prefix(rows * cols))
            if variant {
                symlab_relu_double_avx2(x, &y, n); symlab_relu_float_avx2(xf, &yf, n)
                symlab_relu_backward_double_avx2(x, dy, &dx, n); symlab_relu_backward_float_avx2(xf, dyf, &dxf, n)
                symlab_bias_relu_double_avx2(&z, b, rows, cols, 1); symlab_bias_relu_float_avx2(&zf, bf, rows, cols, 1)
            } else {
                symlab_relu_double_base(x, &y, n); symlab_relu_float_base(xf, &yf, n)
                symlab_relu_backward_double_base(x, dy, &dx, n); symlab_relu_backward_float_base(xf, dyf, &dxf, n)
                symlab_bias_relu_double_base(&z, b, rows, cols, 1); symlab_bias_relu_float_base(&zf, bf, rows, cols, 1)
            }
            r.append(bits(y) + bits(yf) + bits(dx) + bits(dxf) + bits(z) + bits(zf))
        }
        // The baseline build against the definitions, then the AVX2 build against the baseline.
        let relu = x.map { $0 > 0 ? $0 : 0 }, reluF = xf.map { $0 > 0 ? $0 : 0 }
        let back = zip(x, dy).map { $0 > 0 ? $1 : 0 }, backF = zip(xf, dyf).map { $0 > 0 ? $1 : 0 }
        let biased = (0..<(rows * cols)).map { i -> Double in let v = dy[i] + b[i % cols]; return v > 0 ? v : 0 }
        let biasedF = (0..<(rows * cols)).map { i -> Float in let v = dyf[i] + bf[i % cols]; return v > 0 ? v : 0 }
        #expect(r[0] == bits(relu) + bits(reluF) + bits(back) + bits(backF) + bits(biased) + bits(biasedF))
        if avx2 { #expect(r[1] == r[0]) }
    }
    #endif

    /// broadcast(to:) against its definition out[i₁…i_r] = x[j…] with j = 0 on broadcast axes,
    /// element by element, for leading, middle, trailing and scalar broadcasts and empty targets.
    @Test func broadcastToCopiesEachElementToItsIndex() {
        var g = RandomStream(seed: 14)
        let cases: [([Int], [Int])] = [([3, 1, 4], [2, 3, 5, 4]), ([1], [5]), ([2, 1], [2, 3]), ([], [2, 2]), ([1, 3], [4, 3]),
                                       ([2, 1, 1], [2, 3, 2]), ([4], [0, 4]), ([1, 1], [3, 1]), ([2, 3], [2, 3])]
        for (from, to) in cases {
            let x: Tensor<Double> = g.normal(from)
            let y = x.broadcast(to: to)
            #expect(y.shape == to)
            let xs = x.scalars, src = [Int](repeating: 1, count: to.count - from.count) + from
            for (flat, v) in y.scalars.enumerated() {
                var rest = flat, j = 0, step = 1
                var index = [Int](repeating: 0, count: to.count)
                for a in stride(from: to.count - 1, through: 0, by: -1) { index[a] = rest % to[a]; rest /= to[a] }
                for a in stride(from: to.count - 1, through: 0, by: -1) { j += (src[a] == 1 ? 0 : index[a]) * step; step *= src[a] }
                #expect(v == xs[j], "\(from) → \(to) at \(index)")
            }
        }
    }
    /// ⟨windows(x), w⟩ = ⟨x, windowsAdjoint(w)⟩: the backward of the circular convolution's
    /// im2col is its adjoint, in both precisions.
    @Test func circularWindowsAdjointIsTheAdjoint() {
        func check<S: TensorScalar>(_: S.Type, tolerance: Double) {
            var g = RandomStream(seed: 12)
            for (b, l, c, k) in [(2, 7, 3, 5), (1, 4, 2, 4), (3, 9, 1, 1)] {
                let x: Tensor<S> = g.normal([b, l, c]), w: Tensor<S> = g.normal([b * l, k * c])
                let lhs = Double(Tensor.dot(CircularConv1D.windows(x, width: k).reshaped([-1]), w.reshaped([-1])))
                let rhs = Double(Tensor.dot(x.reshaped([-1]), CircularConv1D.windowsAdjoint(w, batch: b, length: l, channels: c, width: k).reshaped([-1])))
                #expect(Swift.abs(lhs - rhs) <= tolerance * Swift.max(1, Swift.abs(lhs)), "\(S.self) \((b, l, c, k)): \(lhs) vs \(rhs)")
            }
        }
        check(Double.self, tolerance: 1e-12)
        check(Float.self, tolerance: 1e-4)
    }

    @Test func finitenessCheck() {
        #expect(Tensor<Double>([1, 2]).isFinite)
        #expect(!Tensor<Double>([1, .nan]).isFinite)
        #expect(!Tensor<Double>([.infinity, 2]).isFinite)
    }

    @Test func shapeMismatchStopsWithOpAndBothShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.matmul(Tensor<Double>(shape: [2, 3]), Tensor<Double>(shape: [4, 5]))
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains("matmul") && stderr.contains("[2, 3]") && stderr.contains("[4, 5]"))
    }

    @Test func broadcastMismatchStopsWithOpAndBothShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor<Double>(shape: [2, 3]) + Tensor<Double>(shape: [2])
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.contains("add") && stderr.contains("[2, 3]") && stderr.contains("[2]"))
    }
}
