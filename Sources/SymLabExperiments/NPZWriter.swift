import Foundation
import SymLabCore
import SymLabNumerics
import ZIPFoundation

/// Writes NumPy `.npz` files: a zip archive (ZIPFoundation) of `.npy` arrays, which
/// `numpy.load(path)` opens without pickling. The `.npy` header is written here by hand: it is
/// ten lines of a documented format (numpy's NEP 1, version 1.0) and no package in our mirror
/// writes it.
public struct NPZWriter {
    /// One array: little-endian Float64, Int64, or a UTF-32 string (`<U…`, a 0-d array).
    public enum Array: Sendable, Equatable {
        case float64([Double], shape: [Int])
        case int64([Int], shape: [Int])
        case text(String)
        /// A 1-d array of strings (`<U…`, as long as the longest): a text column of a table.
        case strings([String])
    }

    public private(set) var arrays: [(name: String, array: Array)] = []
    public init() {}

    public mutating func add(_ name: String, _ array: Array) { arrays.append((name, array)) }

    /// The `.npy` bytes of one array (format version 1.0, C order).
    public static func npy(_ array: Array) -> Data {
        let descr: String, shape: [Int]
        var body = Data()
        switch array {
        case let .float64(v, s):
            precondition(v.count == s.reduce(1, *), "NPZWriter: \(v.count) values for shape \(s)")
            descr = "<f8"; shape = s
            for x in v { withUnsafeBytes(of: x.bitPattern.littleEndian) { body.append(contentsOf: $0) } }
        case let .int64(v, s):
            precondition(v.count == s.reduce(1, *), "NPZWriter: \(v.count) values for shape \(s)")
            descr = "<i8"; shape = s
            for x in v { withUnsafeBytes(of: Int64(x).littleEndian) { body.append(contentsOf: $0) } }
        case let .text(t):
            let scalars = Swift.Array(t.unicodeScalars)
            descr = "<U\(Swift.max(scalars.count, 1))"; shape = []
            for u in scalars { withUnsafeBytes(of: u.value.littleEndian) { body.append(contentsOf: $0) } }
            if scalars.isEmpty { body.append(contentsOf: [0, 0, 0, 0]) }
        case let .strings(list):
            let rows = list.map { Swift.Array($0.unicodeScalars) }
            let width = Swift.max(rows.map(\.count).max() ?? 1, 1)
            descr = "<U\(width)"; shape = [list.count]
            // Each string padded with NUL to the width, as numpy stores fixed-width unicode.
            for r in rows {
                for u in r { withUnsafeBytes(of: u.value.littleEndian) { body.append(contentsOf: $0) } }
                body.append(contentsOf: [UInt8](repeating: 0, count: 4 * (width - r.count)))
            }
        }
        let shapeText = shape.isEmpty ? "()" : shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        // Magic (6) + version (2) + header length (2) + header, padded with spaces and ended by a
        // newline to a multiple of 64 bytes (the format's alignment).
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out = Data([0x93] + Swift.Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        out.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        out.append(contentsOf: Swift.Array(header.utf8))
        out.append(body)
        return out
    }

    /// Writes the archive (replacing a file at `path`), each array as NAME.npy, stored without
    /// compression (numpy reads either; stored keeps the write fast and the file mappable).
    /// Atomically: the archive is built in a temporary file beside `path` and renamed over it, so a
    /// process killed mid-write leaves the old file or none, never half an archive.
    public func write(to path: String) throws {
        let temporary = path + ".partial-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        try? FileManager.default.removeItem(atPath: temporary)
        try writeArchive(to: temporary)
        guard rename(temporary, path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path,
                                                           NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)])
        }
    }

    private func writeArchive(to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let archive = try ZIPFoundation.Archive(url: url, accessMode: .create)
        for (name, array) in arrays {
            let data = Self.npy(array)
            try archive.addEntry(with: name + ".npy", type: .file, uncompressedSize: Int64(data.count), compressionMethod: .none) { position, size in
                data.subdata(in: Int(position)..<(Int(position) + size))
            }
        }
    }
}

extension NPZWriter {
    /// A data set as numpy arrays: `y` and `y_clean` [N], the class and every parameter that
    /// produced it (target included) as JSON text in `parameters`; dense inputs as `x` [N, …];
    /// graphs in PyTorch Geometric's batched layout — `x` [nodes, F] node features, `edge_index`
    /// [2, E] (both directions of each edge, node indices global over the batch), `batch` [nodes]
    /// (the graph of each node), `ptr` [G + 1] (graph g's nodes are ptr[g]..<ptr[g + 1]) and
    /// `num_nodes` [G].
    public static func dataset(_ data: Dataset<Double>) -> NPZWriter {
        var w = NPZWriter()
        switch data.inputs {
        case .dense(let x):
            w.add("x", .float64(x.scalars, shape: x.shape))
        case .graphs(let g):
            let f = g.features.shape[2], n = g.nodesPerGraph, fs = g.features.scalars
            var features: [Double] = [], sources: [Int] = [], targets: [Int] = [], batch: [Int] = [], ptr = [0]
            for b in 0..<g.count {
                let offset = ptr[b], nodes = g.nodeCounts[b]
                for i in 0..<nodes { features += fs[((b * n + i) * f)..<((b * n + i + 1) * f)]; batch.append(b) }
                for (s, t) in g.edges(ofGraph: b) { sources.append(offset + s); targets.append(offset + t) }
                ptr.append(offset + nodes)
            }
            w.add("x", .float64(features, shape: [ptr.last!, f]))
            w.add("edge_index", .int64(sources + targets, shape: [2, sources.count]))
            w.add("batch", .int64(batch, shape: [batch.count]))
            w.add("ptr", .int64(ptr, shape: [ptr.count]))
            w.add("num_nodes", .int64(g.nodeCounts, shape: [g.count]))
        }
        w.add("y", .float64(data.labels.scalars, shape: [data.count]))
        w.add("y_clean", .float64(data.cleanLabels.scalars, shape: [data.count]))
        let parameters = (["class": data.className].merging(data.parameters) { a, _ in a })
        let json = "{" + parameters.sorted { $0.key < $1.key }.map { "\(jsonQuote($0.key)): \(jsonQuote($0.value))" }.joined(separator: ", ") + "}"
        w.add("parameters", .text(json))
        return w
    }
}
