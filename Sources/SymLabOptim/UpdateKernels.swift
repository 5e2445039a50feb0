#if canImport(CSymLabKernels)
import CSymLabKernels
#endif
import SymLabNumerics

/// The fused per-element update rules, one pass over a range of the flat parameter buffer each.
/// Written once, generically, and specialized for Double and Float through this protocol's
/// conformances (the same pattern as SymLabNumerics' `ElementwiseKernels`): a generic loop
/// called across modules would otherwise dispatch per element.
protocol UpdateKernels {
    static func sgd(_ p: UnsafeMutableRawPointer, _ g: UnsafeRawPointer, _ buf: UnsafeMutableRawPointer?, _ n: Int,
                    lr: Double, weightDecay: Double, momentum: Double, nesterov: Bool, firstStep: Bool)
    static func adam(_ p: UnsafeMutableRawPointer, _ g: UnsafeRawPointer, _ m: UnsafeMutableRawPointer, _ v: UnsafeMutableRawPointer,
                     _ n: Int, lr: Double, beta1: Double, beta2: Double, eps: Double, step: Int,
                     weightDecay: Double, decoupled: Bool)
    static func rmsprop(_ p: UnsafeMutableRawPointer, _ g: UnsafeRawPointer, _ v: UnsafeMutableRawPointer, _ n: Int,
                        lr: Double, alpha: Double, eps: Double, weightDecay: Double)
    static func adagrad(_ p: UnsafeMutableRawPointer, _ g: UnsafeRawPointer, _ s: UnsafeMutableRawPointer, _ n: Int,
                        lr: Double, eps: Double, weightDecay: Double)
}

extension UpdateKernels where Self: TensorScalar {
    static func sgd(_ pr: UnsafeMutableRawPointer, _ gr: UnsafeRawPointer, _ bufr: UnsafeMutableRawPointer?, _ n: Int,
                    lr: Double, weightDecay: Double, momentum: Double, nesterov: Bool, firstStep: Bool) {
        let p = pr.assumingMemoryBound(to: Self.self), g = gr.assumingMemoryBound(to: Self.self)
        let eta = Self(lr), wd = Self(weightDecay), mu = Self(momentum)
        guard let bufr else {
            for i in 0..<n { p[i] -= eta * (g[i] + wd * p[i]) }
            return
        }
        let b = bufr.assumingMemoryBound(to: Self.self)
        for i in 0..<n {
            let d = g[i] + wd * p[i]
            b[i] = firstStep ? d : mu * b[i] + d
            p[i] -= eta * (nesterov ? d + mu * b[i] : b[i])
        }
    }

    static func adam(_ pr: UnsafeMutableRawPointer, _ gr: UnsafeRawPointer, _ mr: UnsafeMutableRawPointer, _ vr: UnsafeMutableRawPointer,
                     _ n: Int, lr: Double, beta1: Double, beta2: Double, eps: Double, step: Int,
                     weightDecay: Double, decoupled: Bool) {
        let p = pr.assumingMemoryBound(to: Self.self), g = gr.assumingMemoryBound(to: Self.self)
        let m = mr.assumingMemoryBound(to: Self.self), v = vr.assumingMemoryBound(to: Self.self)
        let b1 = Self(beta1), b2 = Self(beta2), e = Self(eps)
        let c1 = Self(1 / (1 - Double.pow(beta1, step))), c2 = Self(1 / (1 - Double.pow(beta2, step)))
        let eta = Self(lr), wd = Self(weightDecay)
        let shrink = decoupled ? 1 - eta * wd : 1
        let l2 = decoupled ? 0 : wd
        #if canImport(CSymLabKernels)
        // The same update in C at the CPU's vector width (`CSymLabKernels/Adam.c`), bit for bit
        // this loop's result.
        if Self.self == Double.self {
            func d(_ x: Self) -> Double { x as! Double }
            symlab_adam_double(pr.assumingMemoryBound(to: Double.self), gr.assumingMemoryBound(to: Double.self),
                               mr.assumingMemoryBound(to: Double.self), vr.assumingMemoryBound(to: Double.self), n,
                               d(l2), d(b1), d(1 - b1), d(b2), d(1 - b2), d(c1), d(c2), d(eta), d(e), d(shrink))
            return
        }
        if Self.self == Float.self {
            func f(_ x: Self) -> Float { x as! Float }
            symlab_adam_float(pr.assumingMemoryBound(to: Float.self), gr.assumingMemoryBound(to: Float.self),
                              mr.assumingMemoryBound(to: Float.self), vr.assumingMemoryBound(to: Float.self), n,
                              f(l2), f(b1), f(1 - b1), f(b2), f(1 - b2), f(c1), f(c2), f(eta), f(e), f(shrink))
            return
        }
        #endif
        // Four lanes at a time: the four buffers may alias as far as the compiler knows, so it
        // will not vectorize the scalar loop itself. Same operations in the same order per
        // element, so the result is bit-identical to the scalar loop. The square roots go through
        // `squareRoots` (one sqrtpd/sqrtps): SIMD4.squareRoot() is four scalar libm calls on Linux.
        typealias V = SIMD4<Self>
        var i = 0
        while i + 4 <= n {
            let pv = UnsafeRawPointer(p + i).loadUnaligned(as: V.self), gv = UnsafeRawPointer(g + i).loadUnaligned(as: V.self)
            var mv = UnsafeRawPointer(m + i).loadUnaligned(as: V.self), vv = UnsafeRawPointer(v + i).loadUnaligned(as: V.self)
            let gi = gv + l2 * pv
            mv = b1 * mv + (1 - b1) * gi
            vv = b2 * vv + (1 - b2) * gi * gi
            let newP = shrink * pv - eta * (mv * c1) / (Self.squareRoots(vv * c2) + e)
            UnsafeMutableRawPointer(m + i).storeBytes(of: mv, as: V.self)
            UnsafeMutableRawPointer(v + i).storeBytes(of: vv, as: V.self)
            UnsafeMutableRawPointer(p + i).storeBytes(of: newP, as: V.self)
            i += 4
        }
        while i < n {
            let gi = g[i] + l2 * p[i]
            m[i] = b1 * m[i] + (1 - b1) * gi
            v[i] = b2 * v[i] + (1 - b2) * gi * gi
            p[i] = shrink * p[i] - eta * (m[i] * c1) / ((v[i] * c2).squareRoot() + e)
            i += 1
        }
    }

    static func rmsprop(_ pr: UnsafeMutableRawPointer, _ gr: UnsafeRawPointer, _ vr: UnsafeMutableRawPointer, _ n: Int,
                        lr: Double, alpha: Double, eps: Double, weightDecay: Double) {
        let p = pr.assumingMemoryBound(to: Self.self), g = gr.assumingMemoryBound(to: Self.self)
        let v = vr.assumingMemoryBound(to: Self.self)
        let a = Self(alpha), e = Self(eps), eta = Self(lr), wd = Self(weightDecay)
        for i in 0..<n {
            let gi = g[i] + wd * p[i]
            v[i] = a * v[i] + (1 - a) * gi * gi
            p[i] -= eta * gi / (v[i].squareRoot() + e)
        }
    }

    static func adagrad(_ pr: UnsafeMutableRawPointer, _ gr: UnsafeRawPointer, _ sr: UnsafeMutableRawPointer, _ n: Int,
                        lr: Double, eps: Double, weightDecay: Double) {
        let p = pr.assumingMemoryBound(to: Self.self), g = gr.assumingMemoryBound(to: Self.self)
        let s = sr.assumingMemoryBound(to: Self.self)
        let e = Self(eps), eta = Self(lr), wd = Self(weightDecay)
        for i in 0..<n {
            let gi = g[i] + wd * p[i]
            s[i] += gi * gi
            p[i] -= eta * gi / (s[i].squareRoot() + e)
        }
    }
}

extension Double: UpdateKernels {}
extension Float: UpdateKernels {}

func updateKernels<S: TensorScalar>(_: S.Type) -> any UpdateKernels.Type {
    guard let k = S.self as? any UpdateKernels.Type else {
        fatalError("SymLabOptim: no update kernels for scalar type \(S.self)")
    }
    return k
}
