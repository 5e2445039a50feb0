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

    /// The routing task (M = 7): 28 trained and 21 held-out pairs, every input domain trains exactly
    /// 4 output domains and every output domain is trained from exactly 4 inputs; the target's
    /// singular values are 13.60, 6.40, 3, 3 and U S Vᵀ rebuilds it.
    @Test func routingTaskTrainsFourOutputsPerDomain() {
        let task = GatedRoutingTask(domains: 7)
        #expect(task.trainedPairs.count == 28 && task.heldOutPairs.count == 21)
        for d in 0..<7 {
            #expect(task.trainedPairs.filter { $0.input == d }.count == 4)
            #expect(task.trainedPairs.filter { $0.output == d }.count == 4)
            #expect(task.trainedPairs.filter { $0.input == d }.map(\.output).sorted() == [(d + 6) % 7, d, (d + 1) % 7, (d + 2) % 7].sorted())
        }
        #expect(!task.isTrained(input: 0, output: 3) && task.isTrained(input: 0, output: 6))
        let expected = [13.6015, 6.4031, 3, 3]
        for (s, e) in zip(task.singularValues, expected) { #expect(Swift.abs(s - e) < 1e-4) }
        var rebuilt = [Double](repeating: 0, count: 28)
        for o in 0..<7 { for p in 0..<4 { for a in 0..<4 { rebuilt[o * 4 + p] += task.leftModes[o, a] * task.singularValues[a] * task.rightModes[p, a] } } }
        #expect(zip(rebuilt, task.target.scalars).allSatisfy { Swift.abs($0 - $1) < 1e-10 })
    }
}
