import SymLabCore
import Testing

@Suite struct MemoryBudgetTests {
    /// A need over the budget is refused with both sizes and where the budget came from.
    @Test func refusalNamesBothSizesAndTheSource() throws {
        let budget = MemoryBudget(availableBytes: 1 << 30, source: "a 1 GiB test budget")
        try budget.require(1 << 30, for: "exactly the budget")
        #expect(throws: MemoryError.insufficientMemory(what: "a matrix", neededBytes: 3 << 30, availableBytes: 1 << 30, source: "a 1 GiB test budget")) {
            try budget.require(3 << 30, for: "a matrix")
        }
        let e = MemoryError.insufficientMemory(what: "a matrix", neededBytes: 3 << 30, availableBytes: 1 << 30, source: "a 1 GiB test budget")
        #expect(e.description == "a matrix needs 3.0 GiB (3221225472 bytes) but only 1.0 GiB is available (a 1 GiB test budget); use fewer samples, random features, or a smaller model")
    }

    /// Sizes come from users: the arithmetic saturates instead of overflowing.
    @Test func sizesSaturate() {
        #expect(MemoryBudget.doubles(10, 6) == 128)
        #expect(MemoryBudget.doubles(Int.max / 2) == Int.max)
        #expect(MemoryBudget.product(1000, 1000) == 1_000_000)
        #expect(MemoryBudget.product(Int.max, 2) == Int.max / 8)
        #expect(MemoryBudget.system.availableBytes > 0)
    }
}
