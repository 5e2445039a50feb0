import Testing
import SymLabNumerics

/// The BLAS thread count is one process-wide setting and results differ in the last bits with it.
/// Tests run side by side in one process and many check "same seed, same result, bit for bit",
/// so the whole test process must use one count from its start: `make test` starts it with
/// OPENBLAS_NUM_THREADS=1, and the run path (`RunExecutor`) and sharded steps set 1 too. Without
/// it, the first run of a pair can use the machine's core count and the second 1 (a run executed
/// in between set it), and the pair differs — a flake this test turns into a clear failure.
@Suite struct BLASThreadTests {
    @Test func theTestProcessRunsBLASOnOneThread() {
        #expect(BLAS.threads == 1, "start the tests with OPENBLAS_NUM_THREADS=1 (as `make test` does): bit-identity checks need one thread count for the whole process")
    }
}
