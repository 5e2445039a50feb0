import Foundation
import SymLabBench
import Testing

@Suite struct PeerScriptsTests {
    /// The peer scripts a directory lacks are named in the order the libraries run, as the
    /// command reports the first one.
    @Test func missingPeerScriptsAreNamedInRunOrder() throws {
        let dir = NSTemporaryDirectory() + "/symlab-peers-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(PeerScripts(python: "python3", directory: dir).missingScripts == [dir + "/bench_torch.py", dir + "/bench_jax.py"])
        #expect(FileManager.default.createFile(atPath: dir + "/bench_torch.py", contents: Data()))
        #expect(PeerScripts(python: "python3", directory: dir).missingScripts == [dir + "/bench_jax.py"])
        #expect(PeerScripts(python: "/opt/py", directory: dir).python == "/opt/py")
    }
}
