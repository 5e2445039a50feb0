// Moving elements without arithmetic. Generic Swift code called from another module runs
// unspecialized, where even `pointer.update(from:count:)` copies one element at a time through
// value witnesses. Moves don't need to know the element type — only its size — so they are
// done here on raw bytes (memcpy/memset) or on same-sized unsigned integers, which are concrete
// types and compile to tight loops.

/// dst[0..<n] = src[0..<n] (memmove).
@inline(__always)
public func copyElements<S>(from src: UnsafePointer<S>, to dst: UnsafeMutablePointer<S>, count n: Int) {
    if n > 0 { UnsafeMutableRawPointer(dst).copyMemory(from: UnsafeRawPointer(src), byteCount: n * MemoryLayout<S>.stride) }
}

/// p[0..<n] = 0 (all-zero bits are +0.0 for IEEE floating point).
@inline(__always)
public func zeroElements<S: TensorScalar>(_ p: UnsafeMutablePointer<S>, count n: Int) {
    if n > 0 { UnsafeMutableRawPointer(p).initializeMemory(as: UInt8.self, repeating: 0, count: n * MemoryLayout<S>.stride) }
}

/// The β to pass to gemm after doing its β = 0 here: C's m×n block (row stride ldc) is zeroed
/// with memset and the product then accumulates onto it with β = 1 — the same result bit for bit,
/// but OpenBLAS 0.3.21's own β = 0 pass (?gemm_beta) is several times slower than memset (11% of
/// the bench-core f32 step for two 256×512 outputs). Called inside the BLAS timer: the zeroing is
/// the product's β = 0, timed with it as OpenBLAS's β pass was.
@inline(__always)
func zeroingForGemm<S: TensorScalar>(_ c: UnsafeMutablePointer<S>, m: Int, n: Int, k: Int, ldc: Int, beta: S) -> S {
    guard beta == 0 && m > 0 && n > 0 && k > 0 else { return beta }
    if ldc == n { zeroElements(c, count: m * n) } else { for i in 0..<m { zeroElements(c + i * ldc, count: n) } }
    return 1
}

/// Typed-by-size element moves: strided gathers for transposes and permutations.
enum ElementMover {
    /// Calls `body` with the buffers reinterpreted as unsigned integers of the element's size.
    static func withBits<S>(_: S.Type, _ src: UnsafePointer<S>, _ dst: UnsafeMutablePointer<S>, _ body8: (UnsafePointer<UInt64>, UnsafeMutablePointer<UInt64>) -> Void,
                            _ body4: (UnsafePointer<UInt32>, UnsafeMutablePointer<UInt32>) -> Void) {
        switch MemoryLayout<S>.stride {
        case 8: body8(UnsafeRawPointer(src).assumingMemoryBound(to: UInt64.self), UnsafeMutableRawPointer(dst).assumingMemoryBound(to: UInt64.self))
        case 4: body4(UnsafeRawPointer(src).assumingMemoryBound(to: UInt32.self), UnsafeMutableRawPointer(dst).assumingMemoryBound(to: UInt32.self))
        default: fatalError("ElementMover: unsupported element size \(MemoryLayout<S>.stride)")
        }
    }

    /// dst (n×m) = transpose of src (m×n), blocked so both sides stay in cache.
    static func transpose<S>(_ src: UnsafePointer<S>, _ dst: UnsafeMutablePointer<S>, rows m: Int, cols n: Int) {
        withBits(S.self, src, dst, { transposeBits($0, $1, m, n) }, { transposeBits($0, $1, m, n) })
    }

    @inline(__always)
    static func transposeBits<T>(_ a: UnsafePointer<T>, _ b: UnsafeMutablePointer<T>, _ m: Int, _ n: Int) {
        let bs = 32
        for i0 in stride(from: 0, to: m, by: bs) {
            let i1 = Swift.min(i0 + bs, m)
            for j0 in stride(from: 0, to: n, by: bs) {
                let j1 = Swift.min(j0 + bs, n)
                for i in i0..<i1 { for j in j0..<j1 { b[j * m + i] = a[i * n + j] } }
            }
        }
    }

    /// General permutation: odometer over the output's outer axes, a strided run along its last.
    static func permute<S>(_ src: UnsafePointer<S>, _ dst: UnsafeMutablePointer<S>, outShape: [Int], strides: [Int]) {
        withBits(S.self, src, dst, { permuteBits($0, $1, outShape, strides) }, { permuteBits($0, $1, outShape, strides) })
    }

    @inline(__always)
    static func permuteBits<T>(_ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, _ outShape: [Int], _ strides: [Int]) {
        let rank = outShape.count, total = outShape.reduce(1, *)
        guard total > 0 else { return }
        let last = rank - 1, n = outShape[last], s = strides[last]
        var index = [Int](repeating: 0, count: rank)
        var off = 0, o = 0
        for _ in 0..<(total / n) {
            for j in 0..<n { dst[o + j] = src[off + j * s] }
            o += n
            var d = last - 1
            while d >= 0 {
                index[d] += 1; off += strides[d]
                if index[d] < outShape[d] { break }
                off -= strides[d] * index[d]; index[d] = 0; d -= 1
            }
        }
    }
}
