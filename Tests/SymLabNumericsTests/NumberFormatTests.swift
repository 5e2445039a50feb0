import SymLabNumerics
import Testing

/// Every number a person reads goes through `NumberFormat`; these pin each style's text, so that
/// a change to one shows here before it shows in a summary, an option value or an error message.
@Suite struct NumberFormatTests {
    @Test func shortestRoundTripsWithoutATrailingPointZero() {
        #expect(NumberFormat.shortest(3) == "3")
        #expect(NumberFormat.shortest(-2) == "-2")
        #expect(NumberFormat.shortest(0.001) == "0.001")
        #expect(NumberFormat.shortest(0.1 + 0.2) == "0.30000000000000004")
        #expect(NumberFormat.shortest(1e15) == "1000000000000000.0")
        #expect(NumberFormat.shortest(1e16) == "1e+16")
        #expect(NumberFormat.shortest(.infinity) == "inf")
    }

    @Test func significantDigitsDefaultToThreeAndNeverShowMinusZero() {
        #expect(NumberFormat.significant(0.123456) == "0.123")
        #expect(NumberFormat.significant(0.123456, 2) == "0.12")
        #expect(NumberFormat.significant(1234.5) == "1.23e+03")
        #expect(NumberFormat.significant(2) == "2")
        #expect(NumberFormat.significant(-0.0) == "0")
        #expect(NumberFormat.significant(-0.0001) == "-0.0001")
        #expect(NumberFormat.significant(.nan) == "nan")
    }

    @Test func fixedAndScientific() {
        #expect(NumberFormat.fixed(1.23456, 2) == "1.23")
        #expect(NumberFormat.fixed(41.7, 0) == "42")
        #expect(NumberFormat.scientific(0.5) == "0.5000")
        #expect(NumberFormat.scientific(123.44) == "123.4")
        #expect(NumberFormat.scientific(1e-5) == "1.000e-05")
        #expect(NumberFormat.scientific(0) == "0.0000")
    }

    @Test func abbreviatedKeepsUpTo22Digits() {
        #expect(NumberFormat.abbreviated(1_234_567) == "1234567")
        #expect(NumberFormat.abbreviated("12345678901234567890123") == "1.2345e+22")
    }

    @Test func bytesInTheLargestBinaryUnit() {
        #expect(NumberFormat.bytes(640) == "640 bytes")
        #expect(NumberFormat.bytes(1536) == "1.5 KiB")
        #expect(NumberFormat.bytes(1 << 30) == "1.0 GiB")
        #expect(NumberFormat.bytes(240_000_000_000) == "223.5 GiB")
    }
}
