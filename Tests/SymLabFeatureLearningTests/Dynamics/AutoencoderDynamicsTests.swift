import Foundation
import SymLabFeatureLearning
import SymLabFunctionClasses
import SymLabModels
import SymLabNumerics
import Testing

/// The hand-written autoencoder step against finite differences of its loss, the population
/// error from the order parameters against Monte Carlo, and the reduced ODE against simulation.
@Suite struct AutoencoderDynamicsTests {
    static func target(d: Int, thetas: String, seed: UInt64 = 1) throws -> SpikedWishartTarget {
        let c = try FunctionClassRegistry.make("spiked-wishart", options: ["d": "\(d)", "thetas": thetas])
        var rng = RandomStream(seed: seed)
        return try #require(c.drawTarget(rng: &rng) as? SpikedWishartTarget)
    }

    /// With every learning rate 1 a step moves each parameter by −∂loss/∂parameter: compare
    /// with central differences of the loss, for every variant (tied, biases, each activation).
    @Test(arguments: [("erf", false, false, false), ("relu", false, true, true), ("erf", true, false, false),
                      ("relu", true, true, true), ("identity", false, false, true), ("erf", false, true, true)])
    func stepIsMinusTheLossGradient(_ activation: String, _ tied: Bool, _ hidden: Bool, _ output: Bool) throws {
        let d = 7, k = 2
        var rng = RandomStream(seed: 21)
        var net = Autoencoder.random(activation: Activation(rawValue: activation)!, k: k, d: d, tied: tied, scale: 0.8,
                                     hiddenBias: hidden ? 0.3 : nil, outputBias: output, rng: &rng)
        if output { net.outputBias = (0..<d).map { _ in 0.5 * rng.normal() } }
        let x = (0..<d).map { _ in 2 * rng.normal() }
        let before = net
        var scratch = [Double](repeating: 0, count: d)
        let ones = Autoencoder.LearningRates(encoder: 1, decoder: 1, hiddenBias: 1, outputBias: 1)
        let loss = x.withUnsafeBufferPointer { xp in scratch.withUnsafeMutableBufferPointer { net.step(xp.baseAddress!, rates: ones, scratch: $0.baseAddress!) } }
        #expect(abs(loss - before.loss(x)) < 1e-14)
        let h = 1e-6
        func check(_ name: String, _ moved: [Double], _ original: [Double], _ perturb: (inout Autoencoder, Int, Double) -> Void) {
            for i in original.indices {
                var plus = before, minus = before
                perturb(&plus, i, h); perturb(&minus, i, -h)
                let fd = (plus.loss(x) - minus.loss(x)) / (2 * h)
                let step = original[i] - moved[i]
                #expect(abs(step - fd) < 1e-6 * Swift.max(1, abs(fd)), "\(activation) tied=\(tied) \(name)[\(i)]: step \(step), finite difference \(fd)")
            }
        }
        check("encoder", net.encoder, before.encoder) { $0.encoder[$1] += $2 }
        if !tied { check("decoder", net.decoder!, before.decoder!) { $0.decoder![$1] += $2 } }
        if hidden { check("hidden bias", net.hiddenBias!, before.hiddenBias!) { $0.hiddenBias![$1] += $2 } }
        if output { check("output bias", net.outputBias!, before.outputBias!) { $0.outputBias![$1] += $2 } }
    }

    /// The authors' scaling: encoder η/D, decoder η, a hidden bias like the encoder, an output bias like the decoder.
    @Test func scaledRates() {
        #expect(Autoencoder.LearningRates.scaled(0.1, d: 500) == Autoencoder.LearningRates(encoder: 0.1 / 500, decoder: 0.1, hiddenBias: 0.1 / 500, outputBias: 0.1))
    }

    /// The closed-form population error from the exact overlaps equals the mean loss on many
    /// samples (untied and tied, each activation).
    @Test(arguments: [("erf", false), ("relu", false), ("identity", false), ("erf", true)])
    func populationErrorMatchesMonteCarlo(_ activation: String, _ tied: Bool) throws {
        let t = try Self.target(d: 30, thetas: "4,1")
        var rng = RandomStream(seed: 4)
        let net = Autoencoder.random(activation: Activation(rawValue: activation)!, k: 2, d: 30, tied: tied, scale: 0.5, hiddenBias: nil, outputBias: false, rng: &rng)
        let exact = net.overlaps(with: t).populationError(net.activation, meanVariance: t.meanVariance)
        let x = t.sampleInputs(count: 40000, rng: &rng).dense
        let mc = net.meanLoss(x)
        #expect(abs(mc - exact) < 0.02 * exact, "\(activation) tied=\(tied): exact \(exact), Monte Carlo \(mc)")
    }

    /// At t = 0 the ODE's error is the simulation's exact error up to the dropped bulk parts of R
    /// and T (O(D^{−1/2})), and a short run of online SGD follows the ODE.
    @Test(arguments: ["erf", "relu"])
    func odeFollowsTheSimulation(_ activation: String) throws {
        let d = 300, t = try Self.target(d: d, thetas: "6,2")
        let g = Activation(rawValue: activation)!
        var rng = RandomStream(seed: 9)
        var net = Autoencoder.random(activation: g, k: 2, d: d, tied: false, scale: 0.1, hiddenBias: nil, outputBias: false, rng: &rng)
        let ode = AutoencoderODE(activation: g, target: t, learningRate: 0.1)
        let state = AutoencoderODE.initialState(of: net, target: t)
        func simulated() -> Double { net.overlaps(with: t).populationError(g, meanVariance: t.meanVariance) }
        #expect(abs(ode.error(state) - simulated()) < 0.01 * simulated())
        let times = [1.0, 2, 5, 10, 20]
        let predicted = ode.errors(from: state, times: times)
        #expect(predicted.count == times.count)
        var scratch = [Double](repeating: 0, count: d), step = 0
        let rates = Autoencoder.LearningRates.scaled(0.1, d: d)
        for p in predicted {
            let time = p.t
            while Double(step) < time * Double(d) {
                let x = t.sampleInputs(count: 1, rng: &rng).dense
                x.withUnsafePointer { xp in scratch.withUnsafeMutableBufferPointer { _ = net.step(xp, rates: rates, scratch: $0.baseAddress!) } }
                step += 1
            }
            let s = simulated()
            #expect(abs(s - p.error) < 0.05 * p.error, "\(activation) t = \(time): simulation \(s), ODE \(p.error)")
        }
        // Learning happened: the error fell well below its start.
        #expect(predicted.last!.error < 0.8 * ode.error(state))
    }
}

/// The plateau detector finds the flat stretches of a staircase and nothing on a steady decay.
@Suite struct PlateausTests {
    @Test func staircaseHasOneDwellPerStep() {
        let t = (0...60).map { Foundation.pow(10, Double($0) / 20) }          // 1 … 1000, 20 points a decade
        // 10 until t = 5, 4 from t = 6 to 80, then 1, with short steps (7, 2) in between that are no dwells.
        let y = t.map { $0 < 5 ? 10 : $0 < 6 ? 7 : $0 < 80 ? 4 : $0 < 100 ? 2 : 1.0 }
        let d = Plateaus.dwells(t: t, y: y)
        #expect(d.map(\.level) == [10, 4, 1])
        #expect(d[1].start >= 6 && d[1].end < 80 && abs(d[2].end - 1000) < 1e-9)
        // A power-law decay by a factor 4 per decade moves more than ±10 % over every factor 1.5.
        #expect(Plateaus.dwells(t: t, y: t.map { 100 * Foundation.pow($0, -0.6) }).isEmpty)
        // A slow creep (t^−0.02: 15 % over three decades) is one long dwell.
        #expect(Plateaus.dwells(t: t, y: t.map { Foundation.pow($0, -0.02) }).count == 1)
    }
}
