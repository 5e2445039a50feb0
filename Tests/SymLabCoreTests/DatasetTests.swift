import SymLabCore
import SymLabNumerics
import Testing

/// The data-set vocabulary: graph batches in both layouts, inputs, label moments.
@Suite struct DatasetTests {
    /// A path 0–1–2 and a triangle, three nodes each.
    static let graphs: GraphBatch<Double> = {
        var a = Tensor<Double>(shape: [2, 3, 3])
        for (g, i, j) in [(0, 0, 1), (0, 1, 2), (1, 0, 1), (1, 1, 2), (1, 0, 2)] { a[g, i, j] = 1; a[g, j, i] = 1 }
        return GraphBatch(adjacency: a)
    }()

    @Test func edgeListHoldsBothDirectionsWithGlobalNodeIndices() {
        let g = Self.graphs
        #expect(g.count == 2 && g.nodesPerGraph == 3 && g.edgeCounts == [4, 6])
        #expect(g.edges(ofGraph: 0).map { [$0.source, $0.target] } == [[0, 1], [1, 0], [1, 2], [2, 1]])
        #expect(Array(g.sources.suffix(6)) == [3, 3, 4, 4, 5, 5])
        #expect(g.features.shape == [2, 3, 1])
    }

    /// Relabelling by σ: node i becomes node σ(i), A′[σ i, σ j] = A[i, j].
    @Test func relabellingMovesNodesAsPermutationsAct() {
        let g = Self.graphs
        let sigma = Permutation([2, 0, 1])
        let moved = g.relabelled(by: [sigma, .identity(3)])
        for i in 0..<3 { for j in 0..<3 { #expect(moved.adjacency[0, sigma[i], sigma[j]] == g.adjacency[0, i, j]) } }
        #expect(moved.graphs(1..<2) == g.graphs(1..<2))
        #expect(moved.edgeCounts == g.edgeCounts)
    }

    @Test func inputsCountSliceAndCast() {
        let x = Inputs<Double>.dense(Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6]))
        #expect(x.count == 3 && x.samples(1..<3).dense.scalars == [3, 4, 5, 6])
        #expect(x.cast(to: Float.self).dense.scalars == [1, 2, 3, 4, 5, 6])
        #expect(Inputs<Double>.graphs(Self.graphs).samples(0..<1).count == 1)
    }

    @Test func labelMomentsArePopulationMoments() {
        let m = LabelMoments(of: [1, -1, 1, -1, 2])
        #expect(m.mean == 0.4 && abs(m.variance - 1.44) < 1e-12)
        #expect(LabelMoments(mean: 0, variance: 1).description == "mean 0, variance 1")
    }
}
