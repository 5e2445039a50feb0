import SymLabCore
import SymLabNumerics
import Testing

@Suite struct PermutationTests {
    @Test func cyclesAndProducts() throws {
        let g = try Permutation(checking: [1, 2, 0, 4, 3])
        #expect(g.cycleLengths == [3, 2])
        #expect(g.cycleCount == 2)
        #expect(g.description == "(0 1 2)(3 4)")
        #expect((g * g.inverse).isIdentity)
        let h = try Permutation(checking: [1, 0, 2, 3, 4])
        #expect((g * h)[0] == g[h[0]])
        #expect(g.act(on: ["a", "b", "c", "d", "e"]) == ["c", "a", "b", "e", "d"])
    }

    /// The documented conventions: a product acts as its factors right to left,
    /// σ·(τ·x) = (σ * τ)·x, and (σ·x)_i = x_{σ⁻¹(i)}.
    @Test func compositionAndActionConventions() {
        var rng = RandomStream(seed: 4)
        for _ in 0..<20 {
            let sigma = Permutation(rng.permutation(7)), tau = Permutation(rng.permutation(7))
            let x = (0..<7).map { _ in rng.uniform() }
            #expect(sigma.act(on: tau.act(on: x)) == (sigma * tau).act(on: x))
            #expect((sigma * tau)[3] == sigma[tau[3]])
            #expect((0..<7).allSatisfy { sigma.act(on: x)[$0] == x[sigma.inverse[$0]] })
            #expect((sigma * sigma.inverse).isIdentity)
        }
    }

    /// Acting on axis 1 of a tensor is acting on each sample's coordinates.
    @Test func actionOnATensorAxis() {
        var rng = RandomStream(seed: 5)
        let x: Tensor<Double> = rng.normal([3, 5, 2])
        let sigma = Permutation(rng.permutation(5))
        let moved = sigma.act(onAxis1: x)
        for s in 0..<3 { for c in 0..<2 {
            let column = (0..<5).map { x[s, $0, c] }
            #expect((0..<5).map { moved[s, $0, c] } == sigma.act(on: column))
        } }
    }

    @Test func namedPermutationsAndRefusals() throws {
        #expect(Permutation.shift(1, degree: 4).images == [1, 2, 3, 0])
        #expect(Permutation.shift(-1, degree: 4).images == [3, 0, 1, 2])
        #expect(Permutation.reflection(degree: 5).images == [0, 4, 3, 2, 1])
        #expect(Permutation.transposition(0, 2, degree: 3).images == [2, 1, 0])
        #expect(Permutation.identity(3).isIdentity)
        #expect(throws: PermutationError.notAPermutation([0, 0, 1])) { try Permutation(checking: [0, 0, 1]) }
        #expect(throws: PermutationError.notAPermutation([1, 2])) { try Permutation(checking: [1, 2]) }
        #expect(PermutationError.degreeMismatch(expected: 3, got: 2).description == "permutation degree mismatch: expected 3 points, got 2")
    }

    @Test func edgeIndexingAndInducedPermutations() throws {
        for n in 2...7 {
            let edges = EdgeIndexing.edges(vertices: n)
            #expect(edges.count == n * (n - 1) / 2)
            for (k, e) in edges.enumerated() { #expect(EdgeIndexing.index(e.0, e.1, vertices: n) == k) }
        }
        // A 4-cycle of vertices on 4 vertices moves the 6 edges in one 4-cycle and one 2-cycle (the diagonals).
        let induced = EdgeIndexing.inducedEdgePermutation(.shift(1, degree: 4))
        #expect(induced.cycleLengths == [4, 2])
    }
}
