/// Sums and products of sizes that saturate at `Int.max` instead of trapping: memory estimates
/// multiply sizes that come from users (a spec's `n_train: 100000000` with a wide model), and an
/// estimate too large to represent must still be refused with a message, not crash the check.
/// Exact whenever the true value fits; `Int.max` otherwise (every term is a size, ≥ 0).
public func saturatingSum(_ xs: [Int]) -> Int {
    var t = 0
    for x in xs {
        let (s, o) = t.addingReportingOverflow(x)
        if o { return Int.max }
        t = s
    }
    return t
}

/// See ``saturatingSum(_:)``.
public func saturatingProduct(_ xs: [Int]) -> Int {
    var t = 1
    for x in xs {
        let (s, o) = t.multipliedReportingOverflow(by: x)
        if o { return Int.max }
        t = s
    }
    return t
}
