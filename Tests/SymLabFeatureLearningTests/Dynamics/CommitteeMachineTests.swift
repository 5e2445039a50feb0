import Foundation
import SymLabFeatureLearning
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics
import Testing

/// The online committee machine against its mean-field ODE, and its hand-written step against
/// finite differences of the per-sample loss.
@Suite struct CommitteeMachineTests {
    /// Two single-unit erf teachers with overlap γ: class `teacher-pair`'s construction (w*₁ = n₂,
    /// w*₂ = sin θ n₁ + cos θ n₂ with n₁ ⟂ n₂, ‖n‖² = D, cos θ = γ: Lee et al.'s rotation, made exactly orthogonal).
    static func teacherPair(d: Int, overlap gamma: Double, seed: UInt64) -> CommitteeTeachers {
        var rng = RandomStream(seed: seed)
        return CommitteeTeachers(TeacherPairTarget.draw(d: d, overlap: gamma, rng: &rng))
    }

    static func student(d: Int, k: Int, std: Double, seed: UInt64) -> CommitteeMachine {
        var rng = RandomStream(seed: seed)
        return CommitteeMachine(activation: .erf, weights: (0..<k).map { _ in (0..<d).map { _ in std * rng.normal() } },
                                heads: (0..<2).map { _ in (0..<k).map { _ in std * rng.normal() } })
    }

    /// w_i += −η ∂(½Δ²)/∂w_i and h_i += −(η_h/D) ∂(½Δ²)/∂h_i, the derivatives by central differences.
    @Test func stepIsGradientDescentOnTheSampleLoss() {
        let d = 12, teachers = Self.teacherPair(d: d, overlap: 0.4, seed: 1)
        let start = Self.student(d: d, k: 3, std: 0.7, seed: 2)
        var rng = RandomStream(seed: 3)
        let x = (0..<d).map { _ in rng.normal() }
        func loss(_ m: CommitteeMachine) -> Double { var c = m; return c.step(task: 1, x: x, teachers: teachers, learningRate: 0, headLearningRate: 0) }
        var moved = start
        moved.step(task: 1, x: x, teachers: teachers, learningRate: 0.3, headLearningRate: 0.5)
        let h = 1e-6
        for i in 0..<3 {
            for j in [0, 5, 11] {
                var plus = start, minus = start
                plus.weights[i][j] += h; minus.weights[i][j] -= h
                let grad = (loss(plus) - loss(minus)) / (2 * h)
                #expect(Swift.abs((moved.weights[i][j] - start.weights[i][j]) - (-0.3 * grad)) < 1e-8)
            }
            var plus = start, minus = start
            plus.heads[1][i] += h; minus.heads[1][i] -= h
            let grad = (loss(plus) - loss(minus)) / (2 * h)
            #expect(Swift.abs((moved.heads[1][i] - start.heads[1][i]) - (-0.5 / Double(d) * grad)) < 1e-8)
            #expect(moved.heads[0][i] == start.heads[0][i])   // the other task's head is not trained
        }
    }

    /// Train on task 1 until t = 8, then on task 2 until t = 16, D = 1000, fresh Gaussian inputs; the
    /// ODE started from the simulation's initial overlaps follows both tasks' errors.
    @Test func odeFollowsTheSimulationAcrossATaskSwitch() throws {
        let d = 1000, teachers = Self.teacherPair(d: d, overlap: 0.5, seed: 4)
        var student = Self.student(d: d, k: 2, std: 0.5, seed: 5)
        let ode = CommitteeODE(activation: .erf, teachers: teachers, learningRate: 1, headLearningRate: 1)
        let times = [0.0, 2, 4, 8, 10, 12, 16]
        let predicted = ode.integrate(from: student.overlaps(with: teachers), schedule: [(0, 8), (1, 8)], times: times)
        #expect(predicted.map(\.t) == times)
        var rng = RandomStream(seed: 6)
        var simulated: [CommitteeOverlaps] = [student.overlaps(with: teachers)]
        for step in 1...(16 * d) {
            let x = (0..<d).map { _ in rng.normal() }
            student.step(task: step <= 8 * d ? 0 : 1, x: x, teachers: teachers, learningRate: 1, headLearningRate: 1)
            if times.contains(Double(step) / Double(d)) { simulated.append(student.overlaps(with: teachers)) }
        }
        var worst = 0.0
        for (p, s) in zip(predicted, simulated) {
            for task in 0..<2 {
                worst = Swift.max(worst, Swift.abs(ode.error(p.overlaps, task: task) - ode.error(s, task: task)))
            }
        }
        let scale = ode.error(predicted[0].overlaps, task: 0)
        // Learning happened: task 1's error falls by more than half before the switch and rises after it.
        let e1 = predicted.map { ode.error($0.overlaps, task: 0) }
        #expect(e1[3] < scale / 2 && e1[6] > e1[3])
        #expect(worst < 0.1 * scale, "largest gap \(worst) against the initial error \(scale)")
    }
}
