import Foundation

/// Fixed-step integration of ordinary differential equations dy/dt = f(t, y), for the reduced
/// equations of learning dynamics (order parameters of online SGD, mode strengths of deep linear
/// networks) that figures overlay on their simulations.
///
/// Hand-written classical Runge–Kutta rather than a library solver (GSL's odeiv2, SUNDIALS): the
/// papers whose ODEs we integrate (Saad–Solla, Goldt et al., Refinetti–Goldt) integrate them with
/// a fixed small step themselves, the right-hand sides are smooth and non-stiff, a fixed step
/// gives bit-identical results per platform (no adaptive step that depends on rounding), and the
/// method is ten lines — not worth a new system dependency. Accuracy is checked against closed
/// forms in the tests (global error O(h⁴)).
public enum ODE {
    /// One solution sampled at the requested times.
    public struct Solution: Sendable {
        public var times: [Double]
        /// states[i] is y(times[i]).
        public var states: [[Double]]
    }

    /// Integrates from y(t₀) = `initial` with classical RK4 and step ≤ `maxStep`, returning y at
    /// each of `times` (ascending, all ≥ t₀). Each interval between consecutive output times is
    /// cut into equal steps no longer than `maxStep`, so that every output time is hit exactly.
    /// Stops early (the solution then holds the times reached) when a state stops being finite.
    public static func rungeKutta4(from t0: Double, initial: [Double], times: [Double], maxStep: Double,
                                   _ f: (_ t: Double, _ y: [Double]) -> [Double]) -> Solution {
        precondition(maxStep > 0, "ODE.rungeKutta4: maxStep must be positive, got \(maxStep)")
        precondition(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 } && (times.first ?? t0) >= t0,
                     "ODE.rungeKutta4: output times must be ascending and ≥ t₀")
        var t = t0, y = initial
        var solution = Solution(times: [], states: [])
        func axpy(_ a: Double, _ x: [Double], _ base: [Double]) -> [Double] {
            var r = base
            for i in r.indices { r[i] += a * x[i] }
            return r
        }
        for target in times {
            let span = target - t
            let steps = span > 0 ? Int((span / maxStep).rounded(.up)) : 0
            let h = steps > 0 ? span / Double(steps) : 0
            for s in 0..<steps {
                let ts = t + Double(s) * h
                let k1 = f(ts, y)
                let k2 = f(ts + h / 2, axpy(h / 2, k1, y))
                let k3 = f(ts + h / 2, axpy(h / 2, k2, y))
                let k4 = f(ts + h, axpy(h, k3, y))
                for i in y.indices { y[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) }
                guard y.allSatisfy(\.isFinite) else { return solution }
            }
            t = target
            solution.times.append(target)
            solution.states.append(y)
        }
        return solution
    }
}
