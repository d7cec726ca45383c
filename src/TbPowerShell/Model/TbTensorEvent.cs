using System.Management.Automation;
using TbPowerShell.Core.Model;

namespace TbPowerShell;

/// <summary>Any other tensor value: its plugin, dtype, shape and values.</summary>
public sealed class TbTensorEvent : TbEvent
{
    internal TbTensorEvent(string run, string file, TensorRecord r)
        : base(run, r, file)
    {
        Plugin = r.Plugin;
        DType = r.DType;
        Shape = "[" + string.Join(",", r.Shape) + "]";
        Dimensions = r.Shape;
        Values = r.Values;
        StringBytes = r.Bytes;
        PluginContent = r.PluginContent;
        RawTensor = r.RawTensor;
    }

    // Run, Tag, Step, WallTime and File are declared again, where PowerShell has always listed them (see TbEvent).

    /// <inheritdoc />
    public override string Run => base.Run;

    /// <inheritdoc />
    public override string Tag => base.Tag;

    /// <inheritdoc />
    public override long Step => base.Step;

    /// <inheritdoc />
    public override string WallTime => base.WallTime;

    /// <summary>The plugin named by the tag's metadata ("" for none).</summary>
    public string Plugin { get; }

    /// <summary>TensorFlow's dtype name, e.g. DT_FLOAT.</summary>
    public string DType { get; }

    /// <summary>The shape, e.g. "[2,3]".</summary>
    public string Shape { get; }

    /// <summary>The shape as numbers, one per dimension.</summary>
    [Hidden]
    public long[] Dimensions { get; }

    /// <summary>The values, flattened: double[] for numbers, string[] for strings.</summary>
    [Hidden]
    public Array Values { get; }

    /// <summary>For string tensors, each element's raw bytes.</summary>
    [Hidden]
    public byte[][]? StringBytes { get; }

    /// <summary>The plugin's content bytes (e.g. a serialized plugin-data message).</summary>
    [Hidden]
    public byte[] PluginContent { get; }

    /// <summary>
    /// The stored tensor (a serialized <c>TensorProto</c>) when <see cref="Values"/> cannot reproduce
    /// it, e.g. complex numbers; null otherwise. <c>Add-TbEvent</c> writes it back as it was.
    /// </summary>
    [Hidden]
    public byte[]? RawTensor { get; }

    /// <inheritdoc />
    [Hidden]
    public override string File => base.File;

    /// <inheritdoc />
    public override string ToString() => $"{Run} {Tag} @{Step}: {Plugin} {DType}{Shape}";
}
