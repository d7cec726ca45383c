namespace TbPowerShell.Core.Model;

/// <summary>Kinds of values a reader produces.</summary>
[Flags]
public enum EventKinds
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Scalars (<c>simple_value</c>, or rank-0 tensors of the scalars plugin).</summary>
    Scalar = 1,

    /// <summary>Images (<c>Summary.Image</c>, or string tensors of the images plugin).</summary>
    Image = 2,

    /// <summary>Audio (<c>Summary.Audio</c>, or string tensors of the audio plugin).</summary>
    Audio = 4,

    /// <summary>Text (string tensors of the text plugin).</summary>
    Text = 8,

    /// <summary>Histograms (<c>HistogramProto</c>, or k×3 tensors of the histograms plugin).</summary>
    Histogram = 16,

    /// <summary>Any other tensor value (pr curves, hparams, mesh, custom-scalar layouts, ...).</summary>
    Tensor = 32,

    /// <summary>Precision-recall curves (<c>[6, N]</c> float tensors of the pr_curves plugin).</summary>
    PrCurve = 64,

    /// <summary>Hyperparameters (the hparams plugin: experiment, session start and session end).</summary>
    Hyperparameters = 128,

    /// <summary>Graphs: <c>Event.graph_def</c>, <c>meta_graph_def</c> and <c>tagged_run_metadata</c> (<see cref="GraphRecord"/>).</summary>
    Graph = 512,

    /// <summary>Meshes (DT_FLOAT tensors of the mesh plugin, the components of one event grouped: <see cref="MeshRecord"/>).</summary>
    Mesh = 256,

    /// <summary>Custom-scalars layouts (the custom_scalars plugin's <c>Layout</c> proto).</summary>
    Layout = 1024,

    /// <summary>Every kind.</summary>
    All = Scalar | Image | Audio | Text | Histogram | Tensor | PrCurve | Hyperparameters | Mesh | Graph | Layout,
}
