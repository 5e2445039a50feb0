import SymLabNumerics
import Testing

/// The styles the CLI and the benchmarks print with; each must keep the bytes it was introduced with.
@Suite struct NumberFormatStylesTests {
    /// Benchmark cells: ties round away from zero (printf would give "0.12"), whole numbers get
    /// their zeros, no point at 0 digits.
    @Test func roundedRoundsHalfAwayFromZeroAndPadsDecimals() {
        #expect(NumberFormat.rounded(0.125, 2) == "0.13")
        #expect(NumberFormat.fixed(0.125, 2) == "0.12")
        #expect(NumberFormat.rounded(3, 2) == "3.00")
        #expect(NumberFormat.rounded(2.5, 0) == "3")
        #expect(NumberFormat.rounded(1234.56, 1) == "1234.6")
        #expect(NumberFormat.rounded(-0.4, 0) == "-0")
        #expect(NumberFormat.rounded(.infinity, 1) == "inf")
        #expect(NumberFormat.rounded(7.25, 1, width: 6) == "   7.3")
    }

    @Test func alignmentPadsWithoutCuttingLongerText() {
        #expect(NumberFormat.rightAligned("ab", 4) == "  ab")
        #expect(NumberFormat.leftAligned("ab", 4) == "ab  ")
        #expect(NumberFormat.rightAligned("abcdef", 3) == "abcdef")
        #expect(NumberFormat.leftAligned("µs", 3) == "µs ")
    }

    /// printf's `%g`, "-0" included, where ``NumberFormat/significant(_:_:)`` writes "0".
    @Test func significantAsPrintfKeepsNegativeZero() {
        #expect(NumberFormat.significantAsPrintf(-0.0, 6) == "-0")
        #expect(NumberFormat.significant(-0.0, 6) == "0")
        #expect(NumberFormat.significantAsPrintf(1234567, 4) == "1.235e+06")
        #expect(NumberFormat.significantAsPrintf(0.000123456789, 6) == "0.000123457")
    }
}
