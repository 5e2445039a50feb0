import SymLabExperiments
import Testing

@Suite struct UTCTimestampTests {
    @Test func formatsAndParsesISO8601UTC() {
        #expect(UTCTimestamp.format(secondsSince1970: 0) == "1970-01-01T00:00:00Z")
        #expect(UTCTimestamp.format(secondsSince1970: 1_795_485_964) == "2026-11-24T02:06:04Z")
        #expect(UTCTimestamp.secondsSince1970("2026-11-24T02:06:04Z") == 1_795_485_964)
        let now = UTCTimestamp.now()
        #expect(UTCTimestamp.secondsSince1970(now).map(UTCTimestamp.format(secondsSince1970:)) == now)
        #expect(UTCTimestamp.secondsSince1970("2026-11-24 02:06:04") == nil)
        #expect(UTCTimestamp.secondsSince1970("2026-11-24T02:06:04Z trailing") == nil)
    }

    /// Many threads stamping at once (what broke Foundation's formatter on Linux).
    @Test func concurrentStampsAreWellFormed() async {
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<64 { group.addTask { (0..<200).allSatisfy { _ in UTCTimestamp.secondsSince1970(UTCTimestamp.now()) != nil } } }
            for await ok in group { #expect(ok) }
        }
    }
}
