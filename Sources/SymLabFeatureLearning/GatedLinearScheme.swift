import Foundation
import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics
import SymLabTraining

/// Gated deep linear networks trained by full-batch gradient descent (Saxe, Sodhani & Lewallen,
/// ICML 2022, "The neural race reduction"), on one of two tasks the scheme builds itself from the
/// run's seed (their labels are matrices, so the spec's data class is not read):
///
/// - `task=race` (``GatedRaceTask``, depth 2 per pathway): a shared pathway and one pathway per
///   context race for the modes of the targets. Every tracked mode strength (the shared
///   pathway's shared modes, each context pathway's specific modes) is followed every epoch and
///   compared with the closed form u(τ) of its pathway's rate (``NeuralRace``), τ = η·epoch.
///   Decoupled init: the closed form with the init's u₀ (no free parameter); random init: u₀ per
///   mode fitted so that the closed form crosses half the mode's final value when the run does.
/// - `task=routing` (``GatedRoutingTask``, depth 3: input layers per domain, a shared hidden
///   layer, readouts per domain): the notebook's experiment; held-out (input, output) pairs are
///   scored by nearest-target accuracy and relative error. Decoupled init also integrates the
///   depth-3 race (``NeuralRace/routingModeStrengths(target:_:layerStrength:times:maxStep:)``).
///
/// A mode "reaches" x % when it first crosses x % of its final value, interpolated linearly
/// between epochs; gaps are |simulated − analytic|/analytic, maximised over the epochs after the
/// mode reached 10 % of its final value (the measure).
public struct GatedLinearScheme: TrainingScheme {
    public static let schemeName = "gated-linear"
    public static let summary = "full-batch GD on a gated deep linear network (Saxe et al. 2022): the race of shared vs context-specific pathways against the closed-form mode trajectories, or the routing net's held-out pairs; builds its own task from the seed (the data class is not read)"
    public static let tasks = ["race", "routing"]
    public static let inits = ["decoupled", "random"]
    public static let optionDocs = [
        OptionDoc("task", "race", "race (depth 2: a shared and C context pathways) or routing (depth 3: 7 × 7 domains, 4 items, a shared hidden layer)"),
        OptionDoc("init", "decoupled", "decoupled (aligned with the target's modes and balanced: the reduction is exact) or random (race: N(0, scale²) entries; routing: orthogonal × gain)"),
        OptionDoc("init_scale", "", "default by task and init: race 0.001 (decoupled) / 0.01 (random), routing 0.08 / 0.2; decoupled: the initial mode strength u₀ (race) or per-layer strength b₀ (routing); random: the entry std (race) or the orthogonal gain (routing)"),
        OptionDoc("lr", "", "default race 0.01, routing 0.02; the full-batch learning rate η (flow time τ = η·epoch)"),
        OptionDoc("epochs", "", "default race 12000, routing 500; full-batch steps"),
        OptionDoc("hidden", "", "default race 16, routing 64; hidden width of every pathway (race) or of the shared layer (routing)"),
        OptionDoc("items", "8", "race: one-hot items P (even)"),
        OptionDoc("contexts", "4", "race: contexts C (even); pathways: 1 shared + C specific"),
        OptionDoc("strength", "2", "race: the singular value s of every target mode"),
        OptionDoc("domains", "7", "routing: input and output domains M (pairs with j − i ∈ {−1, 0, 1, 2} mod M are trained)"),
    ]
    /// Curve points stored per run and per curve (metrics use every epoch).
    public static let curvePoints = 250

    public let task: String, initialisation: String
    public let initScale: Double, learningRate: Double, epochs: Int, hidden: Int
    public let items: Int, contexts: Int, strength: Double, domains: Int

    public init(options: [String: String]) throws {
        var o = OptionReader(className: "scheme \(Self.schemeName)", options: options)
        task = try o.choice("task", default: "race", among: Self.tasks)
        initialisation = try o.choice("init", default: "decoupled", among: Self.inits)
        let race = task == "race"
        let scaleDefault = race ? (initialisation == "decoupled" ? 0.001 : 0.01) : (initialisation == "decoupled" ? 0.08 : 0.2)
        initScale = try o.double("init_scale", default: scaleDefault, in: .positive)
        learningRate = try o.double("lr", default: race ? 0.01 : 0.02, in: Interval(0, 1, lowerOpen: true))
        epochs = try o.int("epochs", default: race ? 12_000 : 500, range: 1...10_000_000)
        hidden = try o.int("hidden", default: race ? 16 : 64, range: 1...4096)
        items = try o.int("items", default: 8, range: 2...256)
        contexts = try o.int("contexts", default: 4, range: 2...64)
        strength = try o.double("strength", default: 2, in: .positive)
        domains = try o.int("domains", default: 7, range: 4...64)
        try o.finish()
        if race {
            guard items % 2 == 0, contexts % 2 == 0 else {
                throw o.fail(items % 2 == 0 ? "contexts" : "items", allowed: "an even number (A/B halves of the modes, ± halves of the contexts)",
                             got: String(items % 2 == 0 ? contexts : items))
            }
            if initialisation == "decoupled", hidden < items {
                throw o.fail("hidden", allowed: "≥ items (\(items)) for the decoupled init", got: String(hidden))
            }
        } else if initialisation == "decoupled", hidden < 4 {
            throw o.fail("hidden", allowed: "≥ 4 (the items) for the decoupled init", got: String(hidden))
        }
    }

    /// The weights, one gradient of them and the C or M² target/error matrices.
    public func memory(_ run: SchemeRunSize) -> SchemeMemory {
        if task == "race" {
            let weights = saturatingProduct([contexts + 1, hidden, 2 * items])
            return SchemeMemory(networkNumbers: saturatingProduct([weights, 2]), workingNumbers: saturatingProduct([2 * contexts, items, items]))
        }
        let weights = saturatingProduct([2 * domains, hidden, 7]) + saturatingProduct([hidden, hidden])
        return SchemeMemory(networkNumbers: saturatingProduct([weights, 2]), workingNumbers: saturatingProduct([domains, hidden, 8]))
    }

    public func run(_ c: SchemeContext) throws -> SchemeResult {
        task == "race" ? race(c) : routing(c)
    }

    /// Every `epochs / curvePoints` epochs, and the last.
    func isRecorded(_ epoch: Int) -> Bool {
        epoch == epochs || epoch % Swift.max(1, epochs / Self.curvePoints) == 0
    }

    // MARK: - Race

    func race(_ c: SchemeContext) -> SchemeResult {
        let t = GatedRaceTask(items: items, contexts: contexts, strength: strength, seed: c.seed)
        var initRNG = c.rng.substream(.initialisation)
        let seed = initRNG.next()
        var net = initialisation == "decoupled"
            ? GatedLinearNetwork.decoupled(t, hidden: hidden, initialStrength: initScale, seed: seed)
            : GatedLinearNetwork.random(t, hidden: hidden, std: initScale, seed: seed)
        // Tracked (pathway, mode): the shared pathway's shared modes, each context pathway's specific modes.
        let tracked = t.sharedModes.map { (pathway: 0, mode: $0) }
            + (1..<t.pathways).flatMap { p in t.specificModes.map { (pathway: p, mode: $0) } }
        var history = [[Double]](repeating: [], count: tracked.count)
        var stopped = false
        for epoch in 0...epochs {
            if epoch % 1000 == 0, c.shouldStop { stopped = true; break }
            let strengths = (0..<t.pathways).map { net.modeStrengths(pathway: $0, t) }
            for (k, m) in tracked.enumerated() { history[k].append(strengths[m.pathway][m.mode]) }
            if epoch < epochs { net.step(t, learningRate: learningRate) }
        }
        let epochsRun = history[0].count - 1
        // The closed form per tracked mode: the init's u₀ and s (decoupled), or the final value as
        // s and u₀ fitted to the run's half-way epoch (random).
        let theory: [[Double]] = tracked.enumerated().map { k, m in
            let rate = NeuralRace.rate(t, pathway: m.pathway)
            var s = strength, u0 = initScale
            if initialisation == "random" {
                s = history[k].last!
                let half = Self.crossing(history[k], level: s / 2) ?? Double(epochsRun)
                u0 = NeuralRace.initialStrength(target: s, rate: rate, halfTime: learningRate * half)
            }
            return (0...epochsRun).map { NeuralRace.modeStrength(target: s, rate: rate, initial: u0, time: learningRate * Double($0)) }
        }
        let isShared = tracked.map { $0.pathway == 0 }
        let gaps = tracked.indices.map { Self.gapAfterTenPercent(history[$0], theory[$0]) }
        let e10 = history.map { Self.crossing($0, level: 0.1 * $0.last!) ?? .nan }
        let e50 = history.map { Self.crossing($0, level: 0.5 * $0.last!) ?? .nan }
        func shared(_ v: [Double]) -> [Double] { zip(v, isShared).filter { $0.1 }.map(\.0) }
        func specific(_ v: [Double]) -> [Double] { zip(v, isShared).filter { !$0.1 }.map(\.0) }
        func maxOf(_ v: [Double]) -> Double { v.contains { !$0.isFinite } ? .nan : v.max() ?? .nan }
        func minOf(_ v: [Double]) -> Double { v.contains { !$0.isFinite } ? .nan : v.min() ?? .nan }
        // Closed-form half-way epoch from the init (decoupled): λsτ½ = ln(s/u₀ − 1).
        func theoryHalf(_ p: Int) -> Double {
            Foundation.log(strength / initScale - 1) / (NeuralRace.rate(t, pathway: p) * strength) / learningRate
        }
        var metrics: [String: Double] = [
            "max_gap": maxOf(gaps), "max_gap_shared": maxOf(shared(gaps)), "max_gap_specific": maxOf(specific(gaps)),
            "epoch_10_shared": maxOf(shared(e10)), "epoch_50_shared": maxOf(shared(e50)),
            "epoch_10_specific": minOf(specific(e10)), "epoch_50_specific": minOf(specific(e50)),
            "final_shared": shared(history.map { $0.last! }).reduce(0, +) / Double(t.sharedModes.count),
            "final_specific": specific(history.map { $0.last! }).reduce(0, +) / Double(tracked.count - t.sharedModes.count),
            "final_loss": net.loss(t), "epochs": Double(epochsRun),
        ]
        metrics["shared_first"] = maxOf(shared(e50)) < minOf(specific(e50)) && maxOf(shared(e10)) < minOf(specific(e10)) ? 1 : 0
        if initialisation == "decoupled" {
            metrics["theory_epoch_50_shared"] = theoryHalf(0)
            metrics["theory_epoch_50_specific"] = theoryHalf(1)
        }
        var curves: [CurvePoint] = []
        for epoch in 0...epochsRun where isRecorded(epoch) || epoch == epochsRun {
            func mean(_ rows: [[Double]], _ keep: Bool) -> Double {
                let v = rows.indices.filter { isShared[$0] == keep }.map { rows[$0][epoch] }
                return v.reduce(0, +) / Double(v.count)
            }
            curves.append(CurvePoint(step: epoch, split: "train", metric: "shared_mode", value: mean(history, true)))
            curves.append(CurvePoint(step: epoch, split: "train", metric: "specific_mode", value: mean(history, false)))
            curves.append(CurvePoint(step: epoch, split: "train", metric: "shared_theory", value: mean(theory, true)))
            curves.append(CurvePoint(step: epoch, split: "train", metric: "specific_theory", value: mean(theory, false)))
        }
        return Self.result(metrics, curves, stopped: stopped, learningRate: learningRate)
    }

    // MARK: - Routing

    func routing(_ c: SchemeContext) -> SchemeResult {
        let t = GatedRoutingTask(domains: domains)
        var initRNG = c.rng.substream(.initialisation)
        let seed = initRNG.next()
        var net = initialisation == "decoupled"
            ? GatedRoutingNetwork.decoupled(t, hidden: hidden, layerStrength: initScale, seed: seed)
            : GatedRoutingNetwork.orthogonal(t, hidden: hidden, gain: initScale, seed: seed)
        let trained = t.trainedPairs, heldOut = t.heldOutPairs
        var modes = [[Double]](repeating: [], count: 4)
        var curves: [CurvePoint] = []
        var stopped = false
        for epoch in 0...epochs {
            if epoch % 100 == 0, c.shouldStop { stopped = true; break }
            // The mean over trained pairs of each mode's strength (all pairs are equal under the decoupled init).
            var sums = [Double](repeating: 0, count: 4)
            for (i, j) in trained { for (a, v) in net.modeStrengths(input: i, output: j, t).enumerated() { sums[a] += v } }
            for a in 0..<4 { modes[a].append(sums[a] / Double(trained.count)) }
            if isRecorded(epoch) {
                for a in 0..<4 { curves.append(CurvePoint(step: epoch, split: "train", metric: "mode_\(a)", value: modes[a].last!)) }
                curves.append(CurvePoint(step: epoch, split: "test", metric: "heldout_accuracy", value: net.routingScore(t, pairs: heldOut).accuracy))
            }
            if epoch < epochs { net.step(t, learningRate: learningRate) }
        }
        let epochsRun = modes[0].count - 1
        let held = net.routingScore(t, pairs: heldOut), train = net.routingScore(t, pairs: trained)
        var metrics: [String: Double] = [
            "heldout_accuracy": held.accuracy, "heldout_relative_error": held.relativeError,
            "train_accuracy": train.accuracy, "train_relative_error": train.relativeError,
            "final_loss": net.loss(t), "epochs": Double(epochsRun),
            "trained_pairs": Double(trained.count), "heldout_pairs": Double(heldOut.count),
        ]
        for a in 0..<4 { metrics["epoch_50_mode_\(a)"] = Self.crossing(modes[a], level: 0.5 * modes[a].last!) ?? .nan }
        if initialisation == "decoupled" {
            let times = (0...epochsRun).map { learningRate * Double($0) }
            var gaps: [Double] = []
            for a in 0..<4 {
                let th = NeuralRace.routingModeStrengths(target: t.singularValues[a], t, layerStrength: initScale, times: times)
                gaps.append(Self.gapAfterTenPercent(modes[a], th))
                metrics["theory_epoch_50_mode_\(a)"] = Self.crossing(th, level: 0.5 * t.singularValues[a]) ?? .nan
                for epoch in 0...epochsRun where isRecorded(epoch) {
                    curves.append(CurvePoint(step: epoch, split: "train", metric: "theory_\(a)", value: th[epoch]))
                }
            }
            metrics["max_gap"] = gaps.contains { !$0.isFinite } ? .nan : gaps.max()!
        }
        return Self.result(metrics, curves, stopped: stopped, learningRate: learningRate)
    }

    // MARK: - Measures

    /// A diverged loss is a diverged run; otherwise measures that do not exist in this run (a
    /// mode that never reached half its value within the epochs) are left out rather than
    /// stored as NaN, which the executor would read as divergence.
    static func result(_ metrics: [String: Double], _ curves: [CurvePoint], stopped: Bool, learningRate: Double) -> SchemeResult {
        if stopped { return SchemeResult(metrics: metrics.filter { $0.value.isFinite }, curves: curves, status: .interrupted, message: "stopped on request") }
        if !(metrics["final_loss"] ?? .nan).isFinite {
            return SchemeResult(metrics: metrics, curves: curves, status: .diverged, message: "GD diverged (lr \(learningRate))")
        }
        return SchemeResult(metrics: metrics.filter { $0.value.isFinite }, curves: curves)
    }

    /// The first (fractional) index at which `values` reaches `level` from below, interpolated
    /// linearly; 0 if it starts there, nil if never.
    public static func crossing(_ values: [Double], level: Double) -> Double? {
        for i in values.indices where values[i] >= level {
            guard i > 0 else { return 0 }
            return Double(i - 1) + (level - values[i - 1]) / (values[i] - values[i - 1])
        }
        return nil
    }

    /// max |simulated − analytic|/analytic over the indices from the first at which the simulation
    /// reached 10 % of its final value.
    public static func gapAfterTenPercent(_ simulated: [Double], _ analytic: [Double]) -> Double {
        guard let last = simulated.last, let start = simulated.firstIndex(where: { $0 >= 0.1 * last }) else { return .nan }
        return (start..<simulated.count).reduce(0.0) { Swift.max($0, Swift.abs(simulated[$1] - analytic[$1]) / Swift.abs(analytic[$1])) }
    }
}
