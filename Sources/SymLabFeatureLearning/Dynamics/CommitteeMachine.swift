import Foundation
import SymLabModels
import SymLabNumerics

/// Teachers of the teacher–student set-up (Saad & Solla 1995; Goldt et al. 2019; Lee et al. 2022):
/// task τ's label is y = Σ_m v_τm g(w*_τm·x/√D) for x ~ N(0, I_D). The P = Σ_τ M_τ teacher units
/// are stored as one list; `units[τ]` names task τ's.
public struct CommitteeTeachers: Sendable {
    /// Teacher unit weights, P rows of length D.
    public var weights: [[Double]]
    /// Output weights per task, one per unit of the task.
    public var heads: [[Double]]
    /// The teacher units of each task (indices into `weights`).
    public var units: [[Int]]
    public var dimension: Int { weights.first?.count ?? 0 }
    public var taskCount: Int { units.count }

    public init(weights: [[Double]], heads: [[Double]], units: [[Int]]) {
        precondition(heads.count == units.count && zip(heads, units).allSatisfy { $0.count == $1.count },
                     "CommitteeTeachers: one head per teacher unit of each task")
        self.weights = weights; self.heads = heads; self.units = units
    }

    /// The teacher–teacher overlaps w*_p·w*_q/D: fixed during learning.
    public var overlaps: [[Double]] { gram(weights, weights) }
}

/// The order parameters of a multi-head committee-machine student: everything its population
/// error and its mean-field dynamics depend on (the papers' reduction from D·K weights to O(K²)).
public struct CommitteeOverlaps: Sendable, Equatable {
    /// Q_ik = w_i·w_k/D.
    public var q: [[Double]]
    /// R_ip = w_i·w*_p/D for every teacher unit p.
    public var r: [[Double]]
    /// Student output weights, one row of K per task (continual heads: task τ reads row τ).
    public var heads: [[Double]]
}

/// The multi-head soft committee machine trained online, one fresh sample per step, on a schedule
/// of tasks (train on task 1 for n₁ steps, then task 2, …), as in Lee et al.'s continual set-up.
///
/// Hand-written batch-1 steps rather than the tape: a step costs O(K·D) flops (≈ 10⁴ at
/// D = 1000), which the per-node overhead of the tape would dominate over 10⁵–10⁶ steps; the
/// gradient is checked against the tape in the tests. Scaling (the papers'): λ_i = w_i·x/√D,
/// w_i += (η/√D) h_i g′(λ_i) Δ x and h_i += (η_h/D) g(λ_i) Δ with Δ = y − ŷ, so that time
/// t = steps/D is the ODE's time and η, η_h its learning rates.
public struct CommitteeMachine: Sendable {
    public var activation: Activation
    /// Student weights, K rows of length D.
    public var weights: [[Double]]
    /// Output weights per task, K each.
    public var heads: [[Double]]

    public init(activation: Activation, weights: [[Double]], heads: [[Double]]) {
        self.activation = activation; self.weights = weights; self.heads = heads
    }

    public var dimension: Int { weights.first?.count ?? 0 }

    /// The order parameters against `teachers`.
    public func overlaps(with teachers: CommitteeTeachers) -> CommitteeOverlaps {
        CommitteeOverlaps(q: gram(weights, weights), r: gram(weights, teachers.weights), heads: heads)
    }

    /// One SGD step on task `task` with the fresh input `x` (length D); returns ½Δ².
    @discardableResult
    public mutating func step(task: Int, x: [Double], teachers: CommitteeTeachers, learningRate eta: Double, headLearningRate etaHead: Double) -> Double {
        let d = Double(dimension), root = d.squareRoot()
        var y = 0.0
        for (m, p) in teachers.units[task].enumerated() {
            y += teachers.heads[task][m] * activationValue(dot(teachers.weights[p], x) / root)
        }
        let lambda = weights.map { dot($0, x) / root }
        let out = lambda.map(activationValue)
        var yHat = 0.0
        for i in lambda.indices { yHat += heads[task][i] * out[i] }
        let delta = y - yHat
        for i in weights.indices {
            let a = eta / root * heads[task][i] * activationDerivative(lambda[i]) * delta
            weights[i].withUnsafeMutableBufferPointer { w in
                x.withUnsafeBufferPointer { xv in Double.blasAxpy(n: xv.count, alpha: a, x: xv.baseAddress!, incx: 1, y: w.baseAddress!, incy: 1) }
            }
            heads[task][i] += etaHead / d * out[i] * delta
        }
        return delta * delta / 2
    }

    /// g and g′ on one scalar: the K ≤ a few pre-activations of a batch-1 step do not pay for a
    /// tensor and ``UnaryOp``'s vector kernels (the same formulas, tested against each other by
    /// the finite-difference test of ``step``).
    func activationValue(_ z: Double) -> Double {
        switch activation {
        case .erf: erf(z / 2.0.squareRoot())
        case .relu: Swift.max(z, 0)
        case .identity: z
        default: preconditionFailure("CommitteeMachine: activation \(activation) has no closed-form dynamics (erf, relu, identity)")
        }
    }

    func activationDerivative(_ z: Double) -> Double {
        switch activation {
        case .erf: (2 / Double.pi).squareRoot() * exp(-z * z / 2)
        case .relu: z > 0 ? 1 : 0
        default: 1
        }
    }
}

/// The mean-field ODE of the order parameters (Saad & Solla; Goldt et al.; with several teachers
/// and heads as in Lee et al. 2022), in time t = steps/D, while training on one task:
///
/// dR_ip/dt = η h_i [Σ_m v_m I₃(i, p, m) − Σ_j h_j I₃(i, p, j)]
/// dQ_ik/dt = η h_i [Σ_m v_m I₃(i, k, m) − Σ_j h_j I₃(i, k, j)] + (i ↔ k)
///          + η² h_i h_k [Σ_jl h_j h_l I₄(i,k,j,l) + Σ_mn v_m v_n I₄(i,k,m,n) − 2Σ_jm h_j v_m I₄(i,k,j,m) + σ² J₂(i,k)]
/// dh_i/dt  = η_h [Σ_m v_m I₂(i, m) − Σ_j h_j I₂(i, j)]   (the trained task's head only)
///
/// where j, l run over student units, m, n over the trained task's teacher units and p over every
/// teacher unit (so the overlaps with the other tasks' teachers evolve too: what forgetting is
/// measured on). The integrals take the covariance of the fields named (``GaussianIntegrals``).
public struct CommitteeODE: Sendable {
    public var activation: Activation
    /// w*_p·w*_q/D.
    public var teacherOverlaps: [[Double]]
    public var teacherHeads: [[Double]]
    public var teacherUnits: [[Int]]
    public var learningRate: Double
    public var headLearningRate: Double
    /// Label-noise standard deviation σ (0: noiseless teachers).
    public var noise: Double

    public init(activation: Activation, teachers: CommitteeTeachers, learningRate: Double, headLearningRate: Double, noise: Double = 0) {
        // The η² term needs I₄, which ReLU lacks in closed form.
        precondition(GaussianIntegrals.supportsI4(activation), "CommitteeODE: no closed-form I₄ for \(activation) (erf, identity)")
        self.activation = activation
        teacherOverlaps = teachers.overlaps; teacherHeads = teachers.heads; teacherUnits = teachers.units
        self.learningRate = learningRate; self.headLearningRate = headLearningRate; self.noise = noise
    }

    /// Covariance of the fields: students 0..<K, teacher unit p at K + p.
    func covariance(_ s: CommitteeOverlaps) -> (Int, Int) -> Double {
        let k = s.q.count
        return { a, b in
            switch (a < k, b < k) {
            case (true, true): s.q[a][b]
            case (true, false): s.r[a][b - k]
            case (false, true): s.r[b][a - k]
            case (false, false): self.teacherOverlaps[a - k][b - k]
            }
        }
    }

    /// The population error ½E[(y_τ − ŷ_τ)²] of task τ (exact given the overlaps; + σ²/2 with noise).
    public func error(_ s: CommitteeOverlaps, task: Int) -> Double {
        let c = covariance(s), k = s.q.count
        let h = s.heads[task], v = teacherHeads[task], units = teacherUnits[task].map { k + $0 }
        func i2(_ a: Int, _ b: Int) -> Double { GaussianIntegrals.i2(activation, c(a, a), c(a, b), c(b, b)) }
        var e = 0.0
        for i in 0..<k { for j in 0..<k { e += h[i] * h[j] * i2(i, j) } }
        for (m, a) in units.enumerated() { for (n, b) in units.enumerated() { e += v[m] * v[n] * i2(a, b) } }
        for i in 0..<k { for (m, a) in units.enumerated() { e -= 2 * h[i] * v[m] * i2(i, a) } }
        return e / 2 + noise * noise / 2
    }

    /// d(overlaps)/dt while training on `task`.
    public func derivative(_ s: CommitteeOverlaps, task: Int) -> CommitteeOverlaps {
        let c = covariance(s), k = s.q.count, pCount = teacherOverlaps.count
        let h = s.heads[task], v = teacherHeads[task], units = teacherUnits[task].map { k + $0 }
        func i3(_ a: Int, _ b: Int, _ d: Int) -> Double {
            GaussianIntegrals.i3(activation, [[c(a, a), c(a, b), c(a, d)], [c(b, a), c(b, b), c(b, d)], [c(d, a), c(d, b), c(d, d)]])
        }
        /// E[g′(λ_i) x_b Δ]: the drift of any overlap with field b.
        func drift(_ i: Int, _ b: Int) -> Double {
            var sum = 0.0
            for (m, a) in units.enumerated() { sum += v[m] * i3(i, b, a) }
            for j in 0..<k { sum -= h[j] * i3(i, b, j) }
            return sum
        }
        var ds = CommitteeOverlaps(q: s.q.map { $0.map { _ in 0 } }, r: s.r.map { $0.map { _ in 0 } }, heads: s.heads.map { $0.map { _ in 0 } })
        for i in 0..<k {
            for p in 0..<pCount { ds.r[i][p] = learningRate * h[i] * drift(i, k + p) }
        }
        let eta = learningRate
        for i in 0..<k {
            for l in i..<k {
                var value = eta * (h[i] * drift(i, l) + h[l] * drift(l, i))
                if eta != 0 {
                    let fields = Array(0..<k) + units
                    let weightsOf = h.map { -$0 } + v   // Δ = Σ v g(ρ) − Σ h g(λ)
                    var second = 0.0
                    for (x, a) in fields.enumerated() {
                        for (y, b) in fields.enumerated() {
                            let ids = [i, l, a, b]
                            let cov = ids.map { u in ids.map { w in c(u, w) } }
                            second += weightsOf[x] * weightsOf[y] * GaussianIntegrals.i4(activation, cov)
                        }
                    }
                    if noise > 0 { second += noise * noise * GaussianIntegrals.j2(activation, c(i, i), c(i, l), c(l, l)) }
                    value += eta * eta * h[i] * h[l] * second
                }
                ds.q[i][l] = value; ds.q[l][i] = value
            }
        }
        func i2(_ a: Int, _ b: Int) -> Double { GaussianIntegrals.i2(activation, c(a, a), c(a, b), c(b, b)) }
        for i in 0..<k {
            var sum = 0.0
            for (m, a) in units.enumerated() { sum += v[m] * i2(i, a) }
            for j in 0..<k { sum -= h[j] * i2(i, j) }
            ds.heads[task][i] = headLearningRate * sum
        }
        return ds
    }

    /// Integrates from `initial` over a schedule of (task, duration in t) phases with RK4 of step
    /// `maxStep`, returning the overlaps at `times` (ascending, from 0, across the whole schedule).
    public func integrate(from initial: CommitteeOverlaps, schedule: [(task: Int, duration: Double)], times: [Double],
                          maxStep: Double = 0.01) -> [(t: Double, overlaps: CommitteeOverlaps)] {
        var result: [(t: Double, overlaps: CommitteeOverlaps)] = []
        var state = initial, start = 0.0
        for (index, phase) in schedule.enumerated() {
            let end = start + phase.duration
            let last = index == schedule.count - 1
            var inPhase = times.filter { $0 >= start && ($0 < end || (last && $0 <= end)) }
            if !last { inPhase.append(end) }   // carry the state across the switch exactly
            let solution = ODE.rungeKutta4(from: start, initial: flatten(state), times: inPhase, maxStep: maxStep) { _, y in
                self.flatten(self.derivative(self.unflatten(y, like: state), task: phase.task))
            }
            for (t, y) in zip(solution.times, solution.states) {
                let o = unflatten(y, like: state)
                if last || t < end { result.append((t, o)) }
                state = o
            }
            guard solution.times.count == inPhase.count else { break }   // blew up: stop here
            start = end
        }
        return result
    }

    func flatten(_ s: CommitteeOverlaps) -> [Double] { s.q.flatMap { $0 } + s.r.flatMap { $0 } + s.heads.flatMap { $0 } }

    func unflatten(_ y: [Double], like s: CommitteeOverlaps) -> CommitteeOverlaps {
        var offset = 0
        func take(_ shape: [[Double]]) -> [[Double]] {
            shape.map { row in defer { offset += row.count }; return Array(y[offset..<(offset + row.count)]) }
        }
        return CommitteeOverlaps(q: take(s.q), r: take(s.r), heads: take(s.heads))
    }
}

/// a·b for equal-length vectors (BLAS ddot).
private func dot(_ a: [Double], _ b: [Double]) -> Double {
    a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in Double.blasDot(n: x.count, x: x.baseAddress!, incx: 1, y: y.baseAddress!, incy: 1) } }
}

/// The matrix of a_i·b_j/D (D the vectors' length).
private func gram(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
    let d = Double(a.first?.count ?? 1)
    return a.map { u in b.map { w in dot(u, w) / d } }
}
