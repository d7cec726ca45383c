using System.Management.Automation;
using TbPowerShell.Core.Model;

namespace TbPowerShell;

/// <summary>
/// A histogram. The buckets (Left, Right, Count) are in the hidden <see cref="Buckets"/> property;
/// <c>Export-Csv</c> writes the summary numbers.
/// </summary>
public sealed class TbHistogramEvent : TbEvent
{
    internal TbHistogramEvent(string run, string file, HistogramRecord r)
        : base(run, r, file)
    {
        Min = r.Min;
        Max = r.Max;
        Count = r.Count;
        Sum = r.Sum;
        SumSquares = r.SumSquares;
        Buckets = r.Buckets;
    }

    // Run, Tag, Step, WallTime and File are declared again, where PowerShell has always listed them (see TbEvent).

    /// <inheritdoc />
    public override string Run => base.Run;

    /// <inheritdoc />
    public override string Tag => base.Tag;

    /// <inheritdoc />
    public override long Step => base.Step;

    /// <inheritdoc />
    public override TbTimestamp WallTime => base.WallTime;

    /// <summary>The smallest value.</summary>
    public double Min { get; }

    /// <summary>The largest value.</summary>
    public double Max { get; }

    /// <summary>How many values.</summary>
    public double Count { get; }

    /// <summary>Their sum (NaN when the encoding does not store it).</summary>
    public double Sum { get; }

    /// <summary>The sum of their squares (NaN when the encoding does not store it).</summary>
    public double SumSquares { get; }

    /// <summary>The buckets, left to right.</summary>
    [Hidden]
    public HistogramBucket[] Buckets { get; }

    /// <inheritdoc />
    [Hidden]
    public override string File => base.File;

    /// <summary>The mean (NaN when the sum is not stored).</summary>
    public double Mean => Count > 0 ? Sum / Count : double.NaN;

    /// <inheritdoc />
    public override string ToString() => $"{Run} {Tag} @{Step}: {Count} values in [{Min}, {Max}]";
}
