import SymLabFunctionClasses
import SymLabNumerics
import Testing

/// The race task's defining properties: every Y_c has all singular values s (Y_c Y_cᵀ = s²I);
/// the context average keeps the A part and cancels the B part; A and B live in orthogonal item and
/// output subspaces; context c gates on exactly the shared pathway and its own.
@Suite struct GatedContextsTests {
    @Test func targetsHaveEqualModesAndTheBPartAveragesOut() {
        let task = GatedRaceTask(items: 8, contexts: 4, strength: 2, seed: 3)
        #expect(task.contextSigns.reduce(0, +) == 0)
        var mean = Tensor<Double>(shape: [8, 8])
        for c in 0..<4 {
            let y = task.target(context: c)
            let gram = Tensor.matmul(y, y, transposeB: true)
            for i in 0..<8 { for j in 0..<8 { #expect(Swift.abs(gram[i, j] - (i == j ? 4 : 0)) < 1e-12) } }
            mean += 0.25 * y
        }
        // The average is s·a_A Z_Aᵀ: zero on the B outputs (rows 4..<8) and on the B items (Z_B).
        let onB = Tensor.matmul(mean, task.itemBasis.slice(axis: 1, 4..<8))
        #expect(onB.scalars.allSatisfy { Swift.abs($0) < 1e-12 })
        #expect(mean.rows(4..<8).scalars.allSatisfy { Swift.abs($0) < 1e-12 })
        #expect(task.outputBasis.rows(0..<4).slice(axis: 1, 4..<8).scalars.allSatisfy { $0 == 0 })
        for c in 0..<4 {
            #expect((0..<task.pathways).filter { task.isActive(pathway: $0, context: c) } == [0, c + 1])
        }
        #expect(task.activeFraction(pathway: 0) == 1 && task.activeFraction(pathway: 2) == 0.25)
    }
}
