import Foundation
import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics
import Testing

/// `teacher-pair`: two teachers of norm √d whose overlap w*₁·w*₂/d is the option exactly, the label
/// teacher 1's erf output.
@Suite struct TeacherPairClassTests {
    static func target(_ gamma: Double, d: Int = 300, seed: UInt64 = 1) throws -> TeacherPairTarget {
        try #require(SeededData(try FunctionClassRegistry.make("teacher-pair", options: ["d": "\(d)", "overlap": "\(gamma)"]), seed: seed).target as? TeacherPairTarget)
    }

    @Test(arguments: [0.0, 0.1, 0.37, 0.9, 1.0])
    func theOverlapIsExactAndTheNormsAreRootD(gamma: Double) throws {
        let t = try Self.target(gamma)
        let w = t.teachers, d = 300.0
        #expect(abs(TeacherPairTarget.dot(w[0], w[1]) / d - gamma) <= 1e-12)
        #expect(abs(TeacherPairTarget.dot(w[0], w[0]) / d - 1) <= 1e-12 && abs(TeacherPairTarget.dot(w[1], w[1]) / d - 1) <= 1e-12)
        // The pair is random: not aligned with a coordinate, another seed another pair.
        #expect(w[0].map(abs).max()! < 5)
        let other = try Self.target(gamma, seed: 2)
        #expect(abs(TeacherPairTarget.dot(w[0], other.teachers[0]) / d) < 0.3)
        var rng = RandomStream(seed: 3)
        let report = try FunctionClassRegistry.make("teacher-pair", options: ["d": "300", "overlap": "\(gamma)"]).checkDefiningProperty(rng: &rng)
        #expect(report.passed, "\(report)")
    }

    /// The label is teacher 1's g(w*₁·x/√d) with g(z) = erf(z/√2): not teacher 2's.
    @Test func theLabelIsTeacherOnesErfOutput() throws {
        let t = try Self.target(0.2, d: 50)
        var rng = RandomStream(seed: 4)
        let x = t.sampleInputs(count: 200, rng: &rng).dense
        let y = t.evaluate(.dense(x)).scalars
        for n in 0..<200 {
            let row = Array(x.scalars[(n * 50)..<((n + 1) * 50)])
            let rho1 = TeacherPairTarget.dot(row, t.teachers[0]) / 50.0.squareRoot(), rho2 = TeacherPairTarget.dot(row, t.teachers[1]) / 50.0.squareRoot()
            #expect(abs(y[n] - erf(rho1 / 2.0.squareRoot())) <= 1e-14)
            if abs(rho1 - rho2) > 0.1 { #expect(abs(y[n] - erf(rho2 / 2.0.squareRoot())) > 1e-6) }
        }
        #expect(throws: (any Error).self) { try FunctionClassRegistry.make("teacher-pair", options: ["overlap": "1.5"]) }
        #expect(throws: (any Error).self) { try FunctionClassRegistry.make("teacher-pair", options: ["activation": "relu"]) }
    }
}
