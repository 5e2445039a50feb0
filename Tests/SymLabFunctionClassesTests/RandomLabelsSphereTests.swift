import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics
import Testing

/// `random-labels-sphere`: inputs on the unit sphere, fair ±1 labels independent of them, the
/// labelling fixed by the seed.
@Suite struct RandomLabelsSphereTests {
    static func target(seed: UInt64, d: Int = 16) throws -> RandomSignTarget {
        try #require(SeededData(try FunctionClassRegistry.make("random-labels-sphere", options: ["d": "\(d)"]), seed: seed).target as? RandomSignTarget)
    }

    @Test func theDefiningCheckPassesOnTheClassAndFailsOnLabelsThatDependOnX() throws {
        let t = try Self.target(seed: 3)
        var rng = RandomStream(seed: 9)
        let x = t.sampleInputs(count: 4000, rng: &rng).dense
        var ok = PropertyReport(property: "random")
        RandomLabelsSphereClass.checkSphereAndIndependence(&ok, inputs: x) { t.evaluate(.dense($0)) }
        #expect(ok.passed, "\(ok)")
        // sign(x₁): odd and linear in x — the linear and the x ↔ −x checks fail.
        func sign(_ v: Double) -> Double { v >= 0 ? 1 : -1 }
        func column(_ x: Tensor<Double>, _ f: (Double) -> Double) -> Tensor<Double> {
            Tensor((0..<x.shape[0]).map { f(x.scalars[$0 * 16]) })
        }
        var odd = PropertyReport(property: "sign(x1)")
        RandomLabelsSphereClass.checkSphereAndIndependence(&odd, inputs: x) { column($0, sign) }
        #expect(failed(odd).contains { $0.hasPrefix("max over i of |mean(y·x_i)|") } && failed(odd).contains { $0.hasPrefix("|P(y(x) = y(−x))") })
        // An even labelling, balanced and uncorrelated with every x_i: only the x ↔ −x check sees it.
        let median = x.scalars.enumerated().filter { $0.offset % 16 == 0 }.map { abs($0.element) }.sorted()[2000]
        var even = PropertyReport(property: "|x1| > median")
        RandomLabelsSphereClass.checkSphereAndIndependence(&even, inputs: x) { column($0) { abs($0) > median ? 1 : -1 } }
        #expect(failed(even) == ["|P(y(x) = y(−x)) − 1/2| in standard errors 1/(2√N)"], "\(even)")
        // Inputs off the sphere.
        var off = PropertyReport(property: "2x")
        RandomLabelsSphereClass.checkSphereAndIndependence(&off, inputs: x * 2) { t.evaluate(.dense($0)) }
        #expect(failed(off) == ["max |‖x‖ − 1|"])
    }

    @Test func theLabellingIsFixedBySeedAndFreshForEveryPoint() throws {
        let a = try Self.target(seed: 1), again = try Self.target(seed: 1), b = try Self.target(seed: 2)
        var rng = RandomStream(seed: 4)
        let x = a.sampleInputs(count: 2000, rng: &rng).dense
        let ya = a.evaluate(.dense(x))
        #expect(ya == again.evaluate(.dense(x)))
        // Another seed's labelling of the same points agrees with this one about half the time.
        let agree = Double(zip(ya.scalars, b.evaluate(.dense(x)).scalars).filter { $0 == $1 }.count) / 2000
        #expect(abs(agree - 0.5) < 5 / (2 * 2000.0.squareRoot()), "\(agree)")
        // The labels of nearby points are independent: moving x by 1e-9 (and back onto the sphere) relabels it at random.
        var moved = x
        moved.withUnsafeMutablePointer { p in
            for i in 0..<2000 {
                p[i * 16] += 1e-9
                var s = 0.0
                for j in 0..<16 { s += p[i * 16 + j] * p[i * 16 + j] }
                for j in 0..<16 { p[i * 16 + j] /= s.squareRoot() }
            }
        }
        let near = Double(zip(ya.scalars, a.evaluate(.dense(moved)).scalars).filter { $0 == $1 }.count) / 2000
        #expect(abs(near - 0.5) < 5 / (2 * 2000.0.squareRoot()), "\(near)")
    }

    /// `radius`: points on the sphere of radius r (r = √d is the paper's scaling for an NTK-parameterised
    /// mlp); the defining check holds there and its norm check fails on the unit sphere. Without the
    /// option the class records exactly the options and target parameters it did before the option existed.
    @Test func theRadiusOptionPutsThePointsOnTheSphereOfThatRadius() throws {
        let c = try FunctionClassRegistry.make("random-labels-sphere", options: ["d": "16", "radius": "4"])
        let t = try #require(SeededData(c, seed: 5).target as? RandomSignTarget)
        #expect(t.radius == 4 && t.parameters["radius"] == "4")
        var rng = RandomStream(seed: 6)
        let x = t.sampleInputs(count: 3000, rng: &rng).dense
        for i in 0..<3000 {
            let norm = (0..<16).reduce(0.0) { $0 + x.scalars[i * 16 + $1] * x.scalars[i * 16 + $1] }.squareRoot()
            #expect(abs(norm - 4) <= 1e-12 * 4, "row \(i): ‖x‖ = \(norm)")
        }
        var r = RandomStream(seed: 7)
        let report = c.checkDefiningProperty(rng: &r)
        #expect(report.passed, "\(report)")
        var onUnit = PropertyReport(property: "unit sphere read as radius 4")
        RandomLabelsSphereClass.checkSphereAndIndependence(&onUnit, inputs: x * 0.25, radius: 4) { t.evaluate(.dense($0)) }
        #expect(failed(onUnit) == ["max |‖x‖ − r|/r"], "\(onUnit)")
        // The same seed on the unit sphere: the same directions, scaled by 1/r (the radius only scales).
        let unit = try #require(SeededData(try FunctionClassRegistry.make("random-labels-sphere", options: ["d": "16"]), seed: 5).target as? RandomSignTarget)
        var again = RandomStream(seed: 6)
        let xUnit = unit.sampleInputs(count: 3000, rng: &again).dense
        #expect(zip(xUnit.scalars, x.scalars).allSatisfy { abs($0 * 4 - $1) <= 1e-14 * 4 })
        // Defaults: no radius recorded, as before the option existed.
        let plain = try FunctionClassRegistry.make("random-labels-sphere", options: ["d": "16"])
        #expect(plain.parameters == ["d": "16", "noise": "0"] && unit.parameters.keys.sorted() == ["key"] && unit.radius == 1)
        #expect(throws: (any Error).self) { try FunctionClassRegistry.make("random-labels-sphere", options: ["radius": "0"]) }
    }

    func failed(_ r: PropertyReport) -> [String] { r.checks.filter { !$0.passed }.map(\.name) }
}
