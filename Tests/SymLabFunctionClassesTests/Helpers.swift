import SymLabCore
import SymLabFunctionClasses
import SymLabNumerics

/// Builds a registered class or stops the test with the error.
func make(_ name: String, _ options: [String: String] = [:]) -> any FunctionClass {
    do { return try FunctionClassRegistry.make(name, options: options) } catch { fatalError("\(name): \(error)") }
}

func moments(_ t: Tensor<Double>) -> LabelMoments { LabelMoments(of: t.scalars) }

func maxAbsDifference(_ a: Tensor<Double>, _ b: Tensor<Double>) -> Double {
    zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
}
