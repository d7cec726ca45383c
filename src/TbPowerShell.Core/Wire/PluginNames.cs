namespace TbPowerShell.Core.Wire;

/// <summary>
/// The names TensorBoard's plugins go by in <c>SummaryMetadata.plugin_data.plugin_name</c>: what decides how a
/// tensor value is read, and what our writers put on the first value of each tag. Defined here only.
/// </summary>
public static class PluginNames
{
    /// <summary>Scalars (<c>add_scalar</c>; also a rank-0 tensor).</summary>
    public const string Scalars = "scalars";

    /// <summary>Images (<c>add_image</c>; a string tensor of width, height and encoded images).</summary>
    public const string Images = "images";

    /// <summary>Audio (<c>add_audio</c>; a string tensor of encoded clips and labels).</summary>
    public const string Audio = "audio";

    /// <summary>Histograms (<c>add_histogram</c>; a <c>[k, 3]</c> tensor of left edge, right edge and count).</summary>
    public const string Histograms = "histograms";

    /// <summary>Text (<c>add_text</c>; a string tensor of markdown).</summary>
    public const string Text = "text";

    /// <summary>Custom scalars (<c>add_custom_scalars</c>; a run's chart layout).</summary>
    public const string CustomScalars = "custom_scalars";

    /// <summary>Hyperparameters (<c>add_hparams</c>; values that are only metadata: experiment, session start and end).</summary>
    public const string HParams = "hparams";

    /// <summary>PR curves (<c>add_pr_curve</c>; a <c>[6, N]</c> float tensor of TP, FP, TN, FN, precision and recall).</summary>
    public const string PrCurves = "pr_curves";
}
