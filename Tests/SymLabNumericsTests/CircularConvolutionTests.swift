#if canImport(CSymLabKernels)
import CSymLabKernels
#endif
import SymLabNumerics
import SymLabTestSupport
import Testing

/// The direct circular convolution (CircularConvolution+Direct.swift and its kernels in
/// `CSymLabKernels/CircularConvolution.c`) against its reference loops and against the windows
/// definition.
@Suite struct CircularConvolutionTests {
    /// (B, L, Cin, K, Cout): the papers' CNN layer shapes and odd sizes that exercise every block and tail.
    static let shapes: [(Int, Int, Int, Int, Int)] = [(3, 16, 1, 16, 32), (5, 16, 16, 3, 16), (4, 7, 3, 5, 13), (2, 5, 2, 1, 9),
                                                      (3, 9, 5, 9, 3), (2, 1, 1, 1, 1), (70, 6, 2, 4, 6)]
    static let poolings: [CircularConv1D.Pooling?] = [nil, .sum, .mean]

    /// Runs the reference loops over all samples: (y, pooled, dx, dW, db).
    static func reference(_ x: Tensor<Double>, _ w: Tensor<Double>, _ bias: Tensor<Double>, scale: Double, relu: Bool,
                          pooling: CircularConv1D.Pooling?, gradient g: Tensor<Double>)
    -> (y: [Double], pooled: [Double], dx: [Double], dw: [Double], db: [Double]) {
        let (b, l, cin) = (x.shape[0], x.shape[1], x.shape[2])
        let (k, cout) = (w.shape[0] / cin, w.shape[1])
        var y = [Double](repeating: .nan, count: b * l * cout), pooled = [Double](repeating: .nan, count: b * cout)
        var dx = [Double](repeating: .nan, count: b * l * cin), dw = [Double](repeating: 0, count: k * cin * cout)
        var db = [Double](repeating: 0, count: cout)
        var flipped = [Double](repeating: 0, count: k * cout * cin)
        for kk in 0..<k { for o in 0..<cout { for i in 0..<cin { flipped[(kk * cout + o) * cin + i] = w[(k - 1 - kk) * cin + i, o] } } }
        var scratch = [Double](repeating: 0, count: 1)   // the reference loops need none
        let xs = x.scalars, ws = w.scalars, bs = bias.scalars, gs = g.scalars
        xs.withUnsafeBufferPointer { px in ws.withUnsafeBufferPointer { pw in bs.withUnsafeBufferPointer { pb in
            y.withUnsafeMutableBufferPointer { py in pooled.withUnsafeMutableBufferPointer { pp in scratch.withUnsafeMutableBufferPointer { ps in
                CircularConv1D.referenceForward(DirectConvolutionForward(
                    samples: 0..<b, length: l, inputChannels: cin, width: k, outputChannels: cout, x: px.baseAddress!, kernel: pw.baseAddress!,
                    scale: scale, bias: pb.baseAddress!, relu: relu, y: py.baseAddress!, pooled: pooling == nil ? nil : pp.baseAddress!,
                    poolScale: pooling == .mean ? 1 / Double(l) : 1, scratch: ps.baseAddress!))
            } } }
        } } }
        xs.withUnsafeBufferPointer { px in y.withUnsafeBufferPointer { py in gs.withUnsafeBufferPointer { pg in flipped.withUnsafeBufferPointer { pf in
            dx.withUnsafeMutableBufferPointer { pdx in dw.withUnsafeMutableBufferPointer { pdw in db.withUnsafeMutableBufferPointer { pdb in
            scratch.withUnsafeMutableBufferPointer { ps in
                CircularConv1D.referenceBackward(DirectConvolutionBackward(
                    samples: 0..<b, length: l, inputChannels: cin, width: k, outputChannels: cout, x: px.baseAddress!, flippedKernel: pf.baseAddress!,
                    scale: scale, y: py.baseAddress!, relu: relu, gradient: pg.baseAddress!, pooled: pooling != nil,
                    poolScale: pooling == .mean ? 1 / Double(l) : 1, kernelGradient: pdw.baseAddress!, biasGradient: pdb.baseAddress!,
                    inputGradient: pdx.baseAddress!, scratch: ps.baseAddress!))
            } } } }
        } } } }
        return (y, pooled, dx, dw, db)
    }

    static func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count)
        return zip(a, b).map { Swift.abs($0 - $1) }.max() ?? 0
    }

    @Test(arguments: shapes) func directPassesMatchTheReferenceLoops(_ shape: (Int, Int, Int, Int, Int)) {
        let (b, l, cin, k, cout) = shape
        let x = gaussian([b, l, cin], seed: 210), w = gaussian([k * cin, cout], seed: 211), bias = gaussian([cout], seed: 212)
        for relu in [false, true] { for pooling in Self.poolings {
            let g = gaussian(pooling == nil ? [b, l, cout] : [b, cout], seed: 213)
            let want = Self.reference(x, w, bias, scale: 0.7, relu: relu, pooling: pooling, gradient: g)
            let (y, pooled) = CircularConv1D.directForward(x, kernel: w, bias: bias, scale: 0.7, relu: relu, pooling: pooling)
            let (dx, dw, db) = CircularConv1D.directBackward(x, kernel: w, scale: 0.7, output: y, relu: relu, gradient: g, pooling: pooling,
                                                             inputGradient: true, biasGradient: true)
            let label = "shape \(shape) relu \(relu) pooling \(String(describing: pooling))"
            #expect(Self.maxDifference(y.scalars, want.y) < 1e-12, "y, \(label)")
            if pooling != nil { #expect(Self.maxDifference(pooled!.scalars, want.pooled) < 1e-12, "pooled, \(label)") }
            #expect(Self.maxDifference(dx!.scalars, want.dx) < 1e-12, "dx, \(label)")
            #expect(Self.maxDifference(dw.scalars, want.dw) < 1e-11, "dW, \(label)")
            #expect(Self.maxDifference(db!.scalars, want.db) < 1e-11, "db, \(label)")
        } }
    }

    /// Defining property: the forward pass is σ(c·windows(x)·W + b), the windows product it replaces.
    @Test func directForwardIsTheWindowsProduct() {
        let (b, l, cin, k, cout) = (4, 9, 3, 4, 10)
        let x = gaussian([b, l, cin], seed: 214), w = gaussian([k * cin, cout], seed: 215), bias = gaussian([cout], seed: 216)
        let z = Tensor.matmul(CircularConv1D.windows(x, width: k), w) * 1.5 + bias
        let (y, pooled) = CircularConv1D.directForward(x, kernel: w, bias: bias, scale: 1.5, relu: true, pooling: .mean)
        let want = z.map(.relu).reshaped([b, l, cout])
        #expect(maxAbsDifference(y, want) < 1e-12)
        #expect(maxAbsDifference(pooled!, want.mean(axes: [1])) < 1e-12)
        // Float, the other instantiation of the kernels.
        let (yf, _) = CircularConv1D.directForward(x.cast(to: Float.self), kernel: w.cast(to: Float.self), bias: bias.cast(to: Float.self),
                                                   scale: 1.5, relu: true, pooling: nil)
        #expect(maxAbsDifference(yf.cast(to: Double.self), want) < 1e-4)
    }

    /// The gradient sums run over fixed blocks of samples, so every thread count gives the same bits.
    @Test func directPassesDoNotDependOnThreads() {
        let (b, l, cin, k, cout) = (150, 16, 4, 5, 24)
        #expect(b * l * k * cin * cout >= Parallel.minimumWork)
        let x = gaussian([b, l, cin], seed: 217), w = gaussian([k * cin, cout], seed: 218), bias = gaussian([cout], seed: 219)
        let g = gaussian([b, cout], seed: 220)
        func run(_ t: Int) -> [[Double]] {
            let (y, p) = CircularConv1D.directForward(x, kernel: w, bias: bias, scale: 1, relu: true, pooling: .sum, threads: t)
            let (dx, dw, db) = CircularConv1D.directBackward(x, kernel: w, scale: 1, output: y, relu: true, gradient: g, pooling: .sum,
                                                             inputGradient: true, biasGradient: true, threads: t)
            return [y.scalars, p!.scalars, dx!.scalars, dw.scalars, db!.scalars]
        }
        let one = run(1)
        for t in [2, 3] { #expect(run(t) == one, "\(t) threads") }
    }

    /// The weight ↔ kernel layouts are the permute they replace, and each other's inverse.
    @Test func kernelLayoutIsThePermutedWeight() {
        for (cout, cin, k) in [(32, 1, 16), (16, 16, 3), (3, 5, 2), (1, 1, 1)] {
            let w = gaussian([cout, cin, k], seed: UInt64(230 + cout))
            let kernel = CircularConv1D.kernelLayout(weight: w)
            #expect(kernel.shape == [k * cin, cout])
            #expect(kernel.scalars == w.permuted([2, 1, 0]).reshaped([k * cin, cout]).scalars)
            let back = CircularConv1D.weightLayout(kernel: kernel, inputChannels: cin)
            #expect(back.shape == w.shape && back.scalars == w.scalars)
        }
    }

    #if canImport(CSymLabKernels)
    /// Both instruction-set builds of the kernels (the dispatcher picks only one on a given CPU).
    @Test(arguments: shapes) func bothKernelBuildsMatchTheReferenceLoops(_ shape: (Int, Int, Int, Int, Int)) {
        let (b, l, cin, k, cout) = shape
        let x = gaussian([b, l, cin], seed: 221), w = gaussian([k * cin, cout], seed: 222), bias = gaussian([cout], seed: 223)
        let g = gaussian([b, cout], seed: 224)
        let want = Self.reference(x, w, bias, scale: 1.25, relu: true, pooling: .mean, gradient: g)
        var flipped = [Double](repeating: 0, count: k * cout * cin)
        for kk in 0..<k { for o in 0..<cout { for i in 0..<cin { flipped[(kk * cout + o) * cin + i] = w[(k - 1 - kk) * cin + i, o] } } }
        let (xs, ws, bs, gs) = (x.scalars, w.scalars, bias.scalars, g.scalars)
        for avx2 in [false, true] where !avx2 || symlab_cpu_has_avx2_fma() != 0 {
            var y = [Double](repeating: .nan, count: b * l * cout), pooled = [Double](repeating: .nan, count: b * cout)
            var dx = [Double](repeating: .nan, count: b * l * cin), dw = [Double](repeating: 0, count: k * cin * cout)
            var db = [Double](repeating: 0, count: cout), scratch = [Double](repeating: 0, count: (l + k - 1) * (cin + cout))
            xs.withUnsafeBufferPointer { px in ws.withUnsafeBufferPointer { pw in bs.withUnsafeBufferPointer { pb in gs.withUnsafeBufferPointer { pg in
            flipped.withUnsafeBufferPointer { pf in y.withUnsafeMutableBufferPointer { py in pooled.withUnsafeMutableBufferPointer { pp in
            dx.withUnsafeMutableBufferPointer { pdx in dw.withUnsafeMutableBufferPointer { pdw in db.withUnsafeMutableBufferPointer { pdb in
            scratch.withUnsafeMutableBufferPointer { ps in
                let (X, W, B, G, F) = (px.baseAddress!, pw.baseAddress!, pb.baseAddress!, pg.baseAddress!, pf.baseAddress!)
                let (Y, P, DX, DW, DB, S) = (py.baseAddress!, pp.baseAddress!, pdx.baseAddress!, pdw.baseAddress!, pdb.baseAddress!, ps.baseAddress!)
                if avx2 {
                    symlab_circular_conv_forward_avx2_double(0, b, l, cin, k, cout, X, W, 1.25, B, 1, Y, P, 1 / Double(l), S)
                    symlab_circular_conv_backward_avx2_double(0, b, l, cin, k, cout, X, F, 1.25, Y, 1, G, 1, 1 / Double(l), DW, DB, DX, S)
                } else {
                    symlab_circular_conv_forward_base_double(0, b, l, cin, k, cout, X, W, 1.25, B, 1, Y, P, 1 / Double(l), S)
                    symlab_circular_conv_backward_base_double(0, b, l, cin, k, cout, X, F, 1.25, Y, 1, G, 1, 1 / Double(l), DW, DB, DX, S)
                }
            } } } } } } } } } } }
            let label = "\(avx2 ? "AVX2" : "baseline") build, shape \(shape)"
            #expect(Self.maxDifference(y, want.y) < 1e-12, "y, \(label)")
            #expect(Self.maxDifference(pooled, want.pooled) < 1e-12, "pooled, \(label)")
            #expect(Self.maxDifference(dx, want.dx) < 1e-12, "dx, \(label)")
            #expect(Self.maxDifference(dw, want.dw) < 1e-11, "dW, \(label)")
            #expect(Self.maxDifference(db, want.db) < 1e-11, "db, \(label)")
        }
    }
    #endif
}
