import SymLabCore
import SymLabNumerics

/// How a class's symmetry group acts on its inputs, and the canonical form of each input's orbit:
/// what a learner that works orbit by orbit (`orbit-lookup`) needs.
///
/// Both actions reduce to ``PermutationGroup`` acting on packed signs (so the canonical form is the
/// group's, the lexicographically smallest image): sign vectors directly, graphs through their
/// C(m, 2) edge slots (edge present ↦ +1, ``EdgeIndexing`` order), on which S_m acts by
/// ``PermutationGroup/graphEdges(nodes:)``.
public struct OrbitCanonicalForm: Sendable {
    public enum Action: Sendable, Equatable {
        /// The group permutes the coordinates of x ∈ {−1, +1}^degree (dense inputs [N, degree]).
        case coordinates
        /// S_m relabels the nodes of graphs on m nodes; the group is its action on the edge slots.
        case graphNodes(nodes: Int)
    }

    public let group: PermutationGroup
    public let action: Action

    public init(group: PermutationGroup, action: Action) {
        precondition(group.degree <= 64, "OrbitCanonicalForm: canonical forms need at most 64 coordinates, got \(group.degree)")
        if case .graphNodes(let m) = action {
            precondition(group.degree == EdgeIndexing.edgeCount(vertices: m), "OrbitCanonicalForm: \(group.name) does not act on the edges of \(m)-node graphs")
        }
        self.group = group; self.action = action
    }

    /// The packed canonical representative of every input's orbit: two inputs have the same key
    /// iff one is the image of the other under the group.
    public func keys(_ inputs: Inputs<Double>) -> [UInt64] {
        packRows(signs(inputs)).map(group.canonicalBits)
    }

    /// The inputs moved by `g`, an element of ``group`` (for graphs: the edge permutation a node
    /// relabelling induces, as the group lists them).
    public func act(_ g: Permutation, on inputs: Inputs<Double>) -> Inputs<Double> {
        let moved = g.act(onAxis1: signs(inputs))
        switch action {
        case .coordinates: return .dense(moved)
        case .graphNodes(let m): return .graphs(Self.graphs(edgeSigns: moved, nodes: m))
        }
    }

    /// The ±1 matrix the group acts on: the inputs themselves, or each graph's edge slots.
    func signs(_ inputs: Inputs<Double>) -> Tensor<Double> {
        switch action {
        case .coordinates:
            let x = inputs.dense
            precondition(x.rank == 2 && x.shape[1] == group.degree, "OrbitCanonicalForm: inputs \(x.shape) are not [N, \(group.degree)]")
            return x
        case .graphNodes(let m):
            let g = inputs.graphs
            precondition(g.nodesPerGraph == m, "OrbitCanonicalForm: graphs have \(g.nodesPerGraph) nodes, the group acts on \(m)")
            let a = g.adjacency.scalars, edges = EdgeIndexing.edges(vertices: m)
            return Tensor(shape: [g.count, edges.count], scalars: (0..<g.count).flatMap { b in
                edges.map { a[(b * m + $0.0) * m + $0.1] != 0 ? 1.0 : -1.0 }
            })
        }
    }

    /// Graphs with constant node features from their edge-slot signs [N, C(m, 2)].
    static func graphs(edgeSigns x: Tensor<Double>, nodes m: Int) -> GraphBatch<Double> {
        let count = x.shape[0], s = x.scalars, edges = EdgeIndexing.edges(vertices: m)
        var a = [Double](repeating: 0, count: count * m * m)
        for b in 0..<count {
            for (k, e) in edges.enumerated() where s[b * edges.count + k] > 0 {
                a[(b * m + e.0) * m + e.1] = 1; a[(b * m + e.1) * m + e.0] = 1
            }
        }
        return GraphBatch(adjacency: Tensor(shape: [count, m, m], scalars: a))
    }
}

/// A class has no orbit canonical form SymmetryLab can compute (e.g. graphs beyond 8 nodes).
public struct OrbitCanonicalFormUnavailable: Error, Equatable, CustomStringConvertible {
    public let className: String
    public let reason: String
    public var description: String { "\(className): no orbit canonical form: \(reason)" }
}

/// A class all of whose targets are invariant under one permutation group of its inputs.
public protocol GroupInvariantClass: FunctionClass {
    /// The group, its action and canonical form; throws ``OrbitCanonicalFormUnavailable`` when the
    /// class is invariant but its orbits cannot be canonicalised at its size.
    func orbitCanonicalForm() throws -> OrbitCanonicalForm
}

extension SymmetricBooleanClass: GroupInvariantClass {
    public func orbitCanonicalForm() throws -> OrbitCanonicalForm { OrbitCanonicalForm(group: group, action: .coordinates) }
}

extension CyclicPatternParityClass: GroupInvariantClass {
    public func orbitCanonicalForm() throws -> OrbitCanonicalForm { OrbitCanonicalForm(group: .cyclic(n), action: .coordinates) }
}

extension CyclicFrameParityClass: GroupInvariantClass {
    public func orbitCanonicalForm() throws -> OrbitCanonicalForm { OrbitCanonicalForm(group: .cyclic(n), action: .coordinates) }
}

extension ERParityClass: GroupInvariantClass {
    /// Node relabelling, canonicalised by trying every relabelling (``PermutationGroup/graphEdges(nodes:)``),
    /// which SymmetryLab does up to 8 nodes; it has no graph canonical labelling algorithm beyond.
    public func orbitCanonicalForm() throws -> OrbitCanonicalForm {
        guard nodes <= 8 else {
            throw OrbitCanonicalFormUnavailable(className: Self.className, reason:
                "graphs are canonicalised by trying all n! node relabellings, up to 8 nodes; this class has n = \(nodes) (use n ≤ 8)")
        }
        return OrbitCanonicalForm(group: .graphEdges(nodes: nodes), action: .graphNodes(nodes: nodes))
    }
}
