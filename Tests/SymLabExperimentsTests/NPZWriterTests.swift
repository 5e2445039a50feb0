import Foundation
import SymLabExperiments
import Testing

/// The `.npy` bytes numpy reads (format 1.0): magic, a 64-byte-aligned header naming dtype and
/// shape, then the little-endian values. (python/tests loads whole exports with numpy.)
@Suite struct NPZWriterTests {
    @Test func npyHeaderAndBodyFollowTheFormat() throws {
        let data = NPZWriter.npy(.int64([1, -2, 3, 4, 5, 6], shape: [2, 3]))
        #expect(Array(data.prefix(8)) == [0x93] + Array("NUMPY".utf8) + [1, 0])
        let headerLength = Int(data[8]) | Int(data[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        let header = String(decoding: data[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), }") && header.hasSuffix("\n"))
        let body = data[(10 + headerLength)...]
        #expect(body.count == 48)
        let second = body.dropFirst(8).prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        #expect(Int64(bitPattern: second) == -2)
        let text = NPZWriter.npy(.text("{\"n\": \"8\"}"))
        let textHeader = Int(text[8]) | Int(text[9]) << 8
        #expect(String(decoding: text[10..<(10 + textHeader)], as: UTF8.self).contains("'descr': '<U10', 'fortran_order': False, 'shape': ()"))
        #expect(text.count == 10 + textHeader + 4 * 10)   // UTF-32, 4 bytes a character
        #expect(String(decoding: NPZWriter.npy(.float64([0.5], shape: [1]))[10..<74], as: UTF8.self).contains("'shape': (1,)"))
    }
}
