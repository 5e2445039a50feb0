import SymLabAutodiff
import SymLabNumerics

/// A cyclic 1-D convolution layer: the input is read "as if it were a ring", so the layer is
/// exactly equivariant to cyclic shifts of the positions.
///
///     y[b, o, t] = c · Σ_i Σ_k W[o, i, k] · x[b, i, (t + k) mod L] + bias[o]
///
/// x is [B, Cin, L], W is [Cout, Cin, K] with 1 ≤ K ≤ L, bias [Cout] or absent, and c the
/// parameterization multiplier for the fan-in Cin·K. One im2col gemm (``CircularConv1D``).
public struct CircularConv<S: TensorScalar> {
    public let name: String
    public let inputChannels: Int
    public let outputChannels: Int
    public let kernelWidth: Int
    public let weight: ParameterID
    public let bias: ParameterID?
    public let multiplier: Double

    public init(_ name: String, group: String, inputChannels: Int, outputChannels: Int, kernelWidth: Int, bias: Bool,
                scheme: InitScheme, store: ParameterStore<S>, rng: inout RandomStream) {
        precondition(inputChannels >= 1 && outputChannels >= 1 && kernelWidth >= 1,
                     "CircularConv \(name): channels and kernel width must be ≥ 1, got \(inputChannels) → \(outputChannels), width \(kernelWidth)")
        let fan = inputChannels * kernelWidth
        self.name = name
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelWidth = kernelWidth
        self.weight = store.add(name + ".weight", scheme.weight([outputChannels, inputChannels, kernelWidth], fanIn: fan, rng: &rng), group: group)
        self.bias = bias ? store.add(name + ".bias", Tensor(shape: [outputChannels]), group: group) : nil
        self.multiplier = scheme.parameterization.multiplier(fanIn: fan, isOutput: false)
    }

    public var parameterIDs: [ParameterID] { [weight] + (bias.map { [$0] } ?? []) }
    public var parameterCount: Int { outputChannels * inputChannels * kernelWidth + (bias == nil ? 0 : outputChannels) }

    /// x [B, Cin, L] → [B, Cout, L], parameters [W, bias?].
    public func apply(_ x: Variable<S>, parameters p: [Variable<S>]) -> Variable<S> {
        // The multiplier scales the (small) kernel, not the (large) feature map.
        let w = multiplier == 1 ? p[0] : p[0] * S(multiplier)
        let y = Variable.circularConv1d(x, w)
        guard bias != nil else { return y }
        return y + p[1].reshaped([1, outputChannels, 1])
    }

    public func callAsFunction(_ x: Variable<S>, _ bind: Binding<S>) -> Variable<S> {
        apply(x, parameters: bind(parameterIDs))
    }

    /// σ(conv(x)) for a channels-last x [B, L, Cin] → [B, L, Cout]: the circular windows of x
    /// times the kernel laid out as [K·Cin, Cout], with bias, multiplier and σ fused into one
    /// ``Variable/dense(_:bias:scale:activation:)`` node. Same function as ``apply(_:parameters:)``
    /// on the transposed layout; the models use this one (no permutes, fewer passes).
    public func applyChannelsLast(_ x: Variable<S>, parameters p: [Variable<S>], activation: Activation = .identity) -> Variable<S> {
        guard x.shape.count == 3, x.shape[2] == inputChannels else {
            tensorFailure("CircularConv \(name)", "input \(x.shape) should be [B, L, \(inputChannels)] (channels last)")
        }
        let (b, l) = (x.shape[0], x.shape[1])
        if let relu = directActivation(activation) {
            return Variable.circularConvolution(x, weight: p[0], bias: bias == nil ? nil : p[1], scale: S(multiplier), relu: relu)
        }
        let kernel = p[0].permuted([2, 1, 0]).reshaped([kernelWidth * inputChannels, outputChannels])
        let y = Variable.dense([(x.circularWindows(width: kernelWidth), kernel)], bias: bias == nil ? nil : p[1],
                               scale: S(multiplier), activation: activation.pointwise)
        return y.reshaped([b, l, outputChannels])
    }

    public func callAsFunction(channelsLast x: Variable<S>, _ bind: Binding<S>, activation: Activation = .identity) -> Variable<S> {
        applyChannelsLast(x, parameters: bind(parameterIDs), activation: activation)
    }

    /// Whether the direct kernel computes this layer with `activation`: ReLU → true, the identity →
    /// false; nil (the windows path) for other activations and for kernels above
    /// ``CircularConv1D/directKernelLimit``.
    func directActivation(_ activation: Activation) -> Bool? {
        guard kernelWidth * inputChannels * outputChannels <= CircularConv1D.directKernelLimit else { return nil }
        switch activation {
        case .relu: return true
        case .identity: return false
        default: return nil
        }
    }

    /// The layer followed by the sum or mean over positions, channels-last x [B, L, Cin] → [B, Cout],
    /// as one direct-kernel node (the [B, L, Cout] maps are never pooled or broadcast in separate
    /// passes); nil when the direct kernel does not apply (see `directActivation`).
    public func pooledChannelsLast(_ x: Variable<S>, _ bind: Binding<S>, activation: Activation, pooling: CircularConv1D.Pooling) -> Variable<S>? {
        guard let relu = directActivation(activation) else { return nil }
        guard x.shape.count == 3, x.shape[2] == inputChannels else {
            tensorFailure("CircularConv \(name)", "input \(x.shape) should be [B, L, \(inputChannels)] (channels last)")
        }
        let p = bind(parameterIDs)
        return Variable.circularConvolution(x, weight: p[0], bias: bias == nil ? nil : p[1], scale: S(multiplier), relu: relu, pooling: pooling)
    }

    var kind: String {
        "circular conv \(inputChannels)→\(outputChannels), width \(kernelWidth)\(bias == nil ? " no bias" : "")\(multiplier == 1 ? "" : ", c=\(shortNumber(multiplier))")"
    }
}
