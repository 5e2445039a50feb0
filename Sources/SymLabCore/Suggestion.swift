/// "Did you mean …?" for a name that is not known: the registries (classes, models, schemes),
/// spec keys and choice values all suggest through this one function, so a typo such as
/// `init_scale`, `erparity`, `GNN` or `adamm` gets the same kind of hint everywhere.
///
/// Hand-written (a plain edit distance): no package in our mirror offers one, and
/// swift-argument-parser's own is internal to it.
public enum Suggestion {
    /// The known name closest to `name`, or nil when none is close: first a name equal up to
    /// case and `-`/`_`/`.` separators, then the smallest edit distance, accepted when it
    /// is at most max(1, ⌊|name| / 3⌋) (one typo in a short word, more in a long one).
    public static func closest(to name: String, among known: [String]) -> String? {
        func folded(_ s: String) -> String { String(s.lowercased().filter { !"-_.".contains($0) }) }
        let f = folded(name)
        if let same = known.first(where: { folded($0) == f && $0 != name }) { return same }
        let limit = Swift.max(1, name.count / 3)
        var best: (name: String, distance: Int)? = nil
        for k in known where k != name {
            let d = distance(Array(name.lowercased()), Array(k.lowercased()))
            if d <= limit, d < (best?.distance ?? .max) { best = (k, d) }
        }
        return best?.name
    }

    /// " (did you mean 'x'?)" when a known name is close, "" otherwise: appended to the error
    /// right after the unknown name.
    public static func hint(for name: String, among known: [String]) -> String {
        closest(to: name, among: known).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// Edit distance with adjacent transpositions (optimal string alignment: `widht` is one edit
    /// from `width`), three rows of the table.
    public static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var before = [Int](repeating: 0, count: b.count + 1), previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { current[j] = Swift.min(current[j], before[j - 2] + 1) }
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }
}
