import Foundation
import SymLabNumerics
import Testing

/// The RK4 integrator against closed forms: fourth order, output times hit exactly, a blow-up
/// ends the solution at the last finite state instead of returning NaNs.
@Suite struct ODETests {
    /// y″ = −y from (1, 0): (cos t, −sin t). Halving the step divides the error by ≈ 2⁴.
    @Test func harmonicOscillatorIsFourthOrder() throws {
        func error(_ h: Double) -> Double {
            let s = ODE.rungeKutta4(from: 0, initial: [1, 0], times: [2.5, 10], maxStep: h) { _, y in [y[1], -y[0]] }
            #expect(s.times == [2.5, 10])
            let y = try! #require(s.states.last)
            return Swift.max(Swift.abs(y[0] - cos(10)), Swift.abs(y[1] + sin(10)))
        }
        let coarse = error(0.1), fine = error(0.05)
        #expect(fine < 1e-6)
        #expect(coarse / fine > 14 && coarse / fine < 18)
    }

    /// The logistic equation y′ = y(1 − y) — the sigmoidal rise of a learned mode — from 0.01:
    /// y(t) = 1/(1 + 99e^{−t}), at every requested time.
    @Test func logisticRiseMatchesItsClosedForm() {
        let times = stride(from: 0.0, through: 12, by: 1.5).map { $0 }
        let s = ODE.rungeKutta4(from: 0, initial: [0.01], times: times, maxStep: 0.01) { _, y in [y[0] * (1 - y[0])] }
        for (t, y) in zip(s.times, s.states) { #expect(Swift.abs(y[0] - 1 / (1 + 99 * exp(-t))) < 1e-10) }
        #expect(s.times == times)
    }

    /// y′ = y² from 1 blows up at t = 1: the solution keeps the finite states before it.
    @Test func blowUpEndsTheSolution() {
        let s = ODE.rungeKutta4(from: 0, initial: [1], times: [0.5, 2, 3], maxStep: 0.001) { _, y in [y[0] * y[0]] }
        #expect(s.times == [0.5])
        #expect(Swift.abs(s.states[0][0] - 2) < 1e-9)
    }
}
