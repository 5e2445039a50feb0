import Foundation
import SymLabCore
import SymLabFeatureLearning
import SymLabFunctionClasses
import SymLabModels
import SymLabOptim
import SymLabTraining

/// The spec reference (`symlab reference`, docs/spec-reference.md): every key of a spec with its
/// default, allowed values and meaning, then every function class, model and scheme with its
/// options and defaults, taken from the registries.
///
/// The keys' help sits here, beside the readers' key lists it documents (``RunConfig/topLevelKeys``,
/// ``RunConfig/dataKeys``, ``TrainingSetup/trainingKeys``, ``OptimizerConfig/keys``,
/// ``SchemeConfig/keys``); `SpecReferenceTests` fails when a section's documented keys and its
/// reader's list differ, and when docs/spec-reference.md is not this text, so neither can drift.
public enum SpecReference {
    /// One documented key.
    public struct Key: Sendable {
        public let key: String
        public let defaultText: String
        public let allowed: String
        public let help: String
        init(_ key: String, _ defaultText: String, _ allowed: String, _ help: String) {
            self.key = key; self.defaultText = defaultText; self.allowed = allowed; self.help = help
        }
    }

    /// A spec section (`""` is the top level) and its keys.
    public static let sections: [(section: String, keys: [Key])] = [
        ("", [
            Key("name", "required", "letters, digits, `-`, `_`, `.`; ≤ 100 characters; not starting with `.`",
                "the experiment's name: the results directory (`results/NAME/`) and how runs, figures and overrides (`NAME:key=value`) find it"),
            Key("description", "\"\"", "text", "free text for people; part of the stored config, so changing it changes the run ids"),
            Key("data", "required", "a mapping", "what the network learns: a function class and the split sizes (below)"),
            Key("model", "required without `scheme:`", "a mapping", "the network trained by the trainer (below)"),
            Key("optimizer", "adam, lr 0.001", "a mapping", "the optimizer and its learning-rate schedule (below)"),
            Key("training", "required without `scheme:`", "a mapping", "steps, batches, evaluation and stopping rules (below)"),
            Key("scheme", "none", "a mapping", "a feature-learning training scheme instead of model/optimizer/training (below); f64 only"),
            Key("precision", Precision.f64.rawValue, Precision.allCases.map(\.rawValue).joined(separator: ", "), "the floating-point type of training (schemes: f64 only)"),
            Key("threads", "1", "1…256", "BLAS threads of each run (recorded with the run; results are bit-identical per thread count)"),
            Key("seeds", "0", "an integer (that one seed), a list `[0, 1, 2]`, `0,1,2` or a range `0..4`", "one run per seed and sweep point; the seed fixes the target, the data and the initial weights"),
            Key("sweep", "none", "a block `{product: {KEY.PATH: [values]}, zip: {…}}` or a list of blocks", "product axes take every combination, zip axes go together (equal lengths); lists of blocks concatenate"),
            Key("tags", "none", "a list of tags, each \(RunTag.rule)",
                "labels given to every run of the spec (`runs list --tag T`, `runs tag`); kept beside the runs, not in the config, so tagging a spec changes no run id and re-runs nothing"),
        ]),
        ("data", [
            Key("class", "required", "a function class (below)", "the class targets are drawn from"),
            Key("options", "{}", "the class's options (below)", "options of the class, e.g. `{n: 16}`"),
            Key("n_train", "required", "1…10⁸", "training samples"),
            Key("n_val", "0", "0…10⁸", "validation samples (early stopping watches their loss; `patience` needs n_val > 0)"),
            Key("n_test", "required", "1…10⁸", "test samples (the final test error)"),
        ]),
        ("model", [
            Key("name", "required", "a model (below)", "the network"),
            Key("options", "{}", "the model's options (below)", "e.g. `{depth: 2, width: 32}`"),
        ]),
        ("optimizer", [
            Key("name", OptimizerConfig.Name.adam.rawValue, OptimizerConfig.Name.allCases.map(\.rawValue).joined(separator: ", "), "the update rule (PyTorch's defaults for moments and ε)"),
            Key("lr", "0.001", "0…10⁶", "learning rate"),
            Key("weight_decay", "0", "0…10⁶", "L2 weight decay (decoupled for adamw)"),
            Key("momentum", "0.9", "0…1", "momentum of momentum and nesterov"),
            Key("lr_log_uniform_factor", "none", "[low, high] with 0 < low ≤ high", "multiplies lr by a factor drawn log-uniformly from [low, high] with the run's seed (Kiani et al. Fig. 4)"),
            Key("schedule", OptimizerConfig.ScheduleName.constant.rawValue, OptimizerConfig.ScheduleName.allCases.map(\.rawValue).joined(separator: ", "), "learning-rate schedule over the run's steps"),
            Key("warmup_steps", "0", "0…10⁸", "linear warm-up steps of warmup-cosine"),
            Key("step_every", "1000", "1…10⁸", "steps between decays of the step schedule"),
            Key("step_factor", "0.1", "0…1", "factor of each decay of the step schedule"),
        ]),
        ("training", [
            Key("steps", "required", "1…10⁸", "optimizer steps"),
            Key("batch_size", "0 (full batch)", "0…10⁸", "minibatch size; 0 trains on the whole training split each step"),
            Key("eval_every", "50", "1…10⁸", "steps between evaluations (the curves' resolution)"),
            Key("patience", "0 (off)", "0…10⁶", "early stopping: evaluations without a better validation loss before stopping; needs data.n_val > 0"),
            Key("stop_train_mse", "none (off)", "0…10³⁰⁰", "stop at the first evaluation whose training MSE is at most this"),
            Key("zero_one_error", "false", "true, false", "also record the 0-1 error (fraction with f(x)·y ≤ 0, for ±1 labels): curves `error` per split, final train_error, validation_error, test_error"),
            Key("stop_train_error", "none (off)", "0…1", "stop at the first evaluation whose training 0-1 error is at most this (implies zero_one_error; 0: every training sign right)"),
            Key("checkpoint_every", "none (off)", "1…10⁸", "save a checkpoint (parameters, optimizer state, batch order, curves so far) at the first evaluation at least this many steps after the last; an interrupted run continues from it, bit-identical to an uninterrupted run; not part of the run id"),
            Key("save_weights", "false", "true, false", "write the trained parameters of each finished run to weights/RUN_ID.npz beside the results database (one array per layer, named as the model names it); not part of the run id"),
            Key("loss", LossKind.mse.rawValue, LossKind.allCases.map(\.rawValue).joined(separator: ", "), "training loss (logistic: for ±1 labels; reconstruction: a vector output against the input, model autoencoder)"),
        ]),
        ("scheme", [
            Key("name", "required", "a scheme (below)", "the training scheme"),
            Key("options", "{}", "the scheme's options (below)", "e.g. `{width: 1000}`"),
        ]),
    ]

    /// The key lists the spec readers accept, by section: what ``sections`` must document.
    public static let readerKeys: [String: [String]] = [
        "": RunConfig.topLevelKeys, "data": RunConfig.dataKeys, "model": TrainingSetup.modelKeys,
        "optimizer": OptimizerConfig.keys, "training": TrainingSetup.trainingKeys, "scheme": SchemeConfig.keys,
    ]

    /// The reference as Markdown.
    public static var markdown: String {
        var out = """
            # Spec reference

            Generated by `symlab reference` from the spec readers and the registries (a test keeps this
            file equal to its output). Keys are snake_case, names kebab-case; a key written with `-` is
            read as the `_` key with a note. Overrides on the command line: `key.path=value` (a mapping
            merges into the one there, as hydra does), `key.path:=value` (replaces), `NAME:key.path=value`
            (only the spec named NAME). The walkthrough (docs/walkthrough.md) shows them in use.

            """
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        for (section, keys) in sections {
            out += "\n## " + (section.isEmpty ? "Top level" : "`\(section):`") + "\n\n| key | default | allowed | meaning |\n|---|---|---|---|\n"
            for k in keys { out += "| `\(k.key)` | \(cell(k.defaultText)) | \(cell(k.allowed)) | \(cell(k.help)) |\n" }
        }
        func registry(_ title: String, _ text: String) -> String {
            "\n## \(title)\n\nEach entry, then its options as `key=default  meaning`.\n\n```text\n\(text)\n```\n"
        }
        out += registry("Function classes (`data.class`, `data.options`)", FunctionClassRegistry.helpText)
        out += registry("Models (`model.name`, `model.options`)", ModelRegistry.helpText)
        out += registry("Schemes (`scheme.name`, `scheme.options`)", SchemeRegistry.helpText)
        return out
    }
}
