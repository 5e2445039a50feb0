import Foundation
import SymLabFeatureLearning
import SymLabFunctionClasses
import SymLabNumerics
import Testing

/// Scheme `continual-teacher-student` (Lee et al. 2022): the simulated forgetting follows the
/// mean-field ODE started from the same overlaps, and the run is a function of its seed.
@Suite struct ContinualTeacherStudentTests {
    static func run(d: Int, overlap: Double, seed: UInt64, _ options: [String: String]) throws -> SchemeResult {
        let c = SchemeContext.make(try FunctionClassRegistry.make("teacher-pair", options: ["d": "\(d)", "overlap": "\(overlap)"]),
                                   nTrain: 1, nValidation: 0, nTest: 1, seed: seed, rng: RandomStream(seed: seed, stream: 99))
        return try ContinualTeacherStudentScheme(options: options).run(c)
    }

    /// The paper's dynamics ten times faster (η = 1, so t_switch = 25, t_end = 50 play the roles
    /// of 250 and 500) at D = 500: task 1 is learned before the switch; at γ = 0.3 and γ = 1 the
    /// simulated F stays within 0.03 + 15 % of the ODE's. At γ = 0 the ODE's small F rests on the
    /// second unit being recruited for task 2 from a near-symmetric start, which finite-D noise
    /// (large at η = 1, D = 500: measured F = 0.155 against the ODE's 0.0006 for this seed) can
    /// tip into re-using the first unit; so there only the order is asserted: both put the most
    /// forgetting at the intermediate overlap.
    @Test func forgettingFollowsTheODEAndPeaksAtAnIntermediateOverlap() throws {
        let options = ["lr": "1", "t_switch": "25", "t_end": "50"]
        var sim: [Double] = [], ode: [Double] = []
        for gamma in [0.0, 0.3, 1.0] {
            let r = try Self.run(d: 500, overlap: gamma, seed: 1, options)
            let m = r.metrics
            let f = try #require(m["forgetting"]), fo = try #require(m["forgetting_ode"])
            #expect(r.status == .done && m["steps"] == 25_000)
            #expect(try #require(m["eps1_switch"]) < 0.01 && m["eps1_switch_ode"]! < 0.01, "task 1 learned by the switch (initial error ≈ 1/6)")
            if gamma > 0 { #expect(abs(f - fo) <= 0.03 + 0.15 * abs(fo), "γ = \(gamma): F = \(f), ODE \(fo)") }
            sim.append(f); ode.append(fo)
        }
        #expect(sim[1] > sim[0] && sim[1] > 1.5 * sim[2], "\(sim)")
        #expect(ode[1] > 1.5 * ode[0] && ode[1] > 1.5 * ode[2], "\(ode)")
    }

    /// Same seed, same run bit for bit (metrics and curves); the curves hold both tasks' errors for
    /// the simulation and the ODE from step 0 to the last step, the switch included.
    @Test func aRunIsAFunctionOfItsSeed() throws {
        let options = ["lr": "1", "init_std": "0.3", "t_switch": "2", "t_end": "4"]
        let a = try Self.run(d: 40, overlap: 0.5, seed: 3, options), b = try Self.run(d: 40, overlap: 0.5, seed: 3, options)
        let other = try Self.run(d: 40, overlap: 0.5, seed: 4, options)
        #expect(a.metrics == b.metrics && a.curves == b.curves)
        #expect(a.metrics["forgetting"] != other.metrics["forgetting"])
        for split in ["test", "ode"] {
            let steps = Set(a.curves.filter { $0.split == split && $0.metric == "eps1" }.map(\.step))
            #expect(steps.contains(0) && steps.contains(80) && steps.contains(160) && steps.max() == 160, "\(split)")
        }
        #expect(throws: (any Error).self) { try ContinualTeacherStudentScheme(options: ["t_switch": "5", "t_end": "5"]) }
    }
}
