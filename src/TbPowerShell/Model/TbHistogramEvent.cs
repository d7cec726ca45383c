using System.Management.Automation;
using TbPowerShell.Core.Model;
using TbPowerShell.Internal;

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
        CountValue = r.Count;
        Sum = r.Sum;
        SumSquares = r.SumSquares;
        Buckets = Array.ConvertAll(r.Buckets, b => new TbHistogramBucket(b.Left, b.Right, b.Count));
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

    /// <summary>The smallest value.</summary>
    public double Min { get; }

    /// <summary>The largest value.</summary>
    public double Max { get; }

    /// <summary>How many values: an Int64 when whole, as counts are (so <c>ConvertTo-Json</c> writes 1000, not 1000.0), else the stored double.</summary>
    public object Count => Counts.WholeOrDouble(CountValue);

    /// <summary>How many values, as stored.</summary>
    [Hidden]
    [Newtonsoft.Json.JsonIgnore]
    public double CountValue { get; }

    /// <summary>Their sum (NaN when the encoding does not store it).</summary>
    public double Sum { get; }

    /// <summary>The sum of their squares (NaN when the encoding does not store it).</summary>
    public double SumSquares { get; }

    /// <summary>The buckets, left to right.</summary>
    [Hidden]
    public TbHistogramBucket[] Buckets { get; }

    /// <inheritdoc />
    [Hidden]
    public override string File => base.File;

    /// <summary>The mean (NaN when the sum is not stored).</summary>
    public double Mean => CountValue > 0 ? Sum / CountValue : double.NaN;

    /// <inheritdoc />
    public override string ToString() => $"{Run} {Tag} @{Step}: {CountValue} values in [{Min}, {Max}]";
}

/// <summary>One bucket of a <see cref="TbHistogramEvent"/>: <see cref="Count"/> values in [<see cref="Left"/>, <see cref="Right"/>).</summary>
public sealed class TbHistogramBucket
{
    /// <summary>Creates a bucket.</summary>
    public TbHistogramBucket(double left, double right, double count)
    {
        Left = left;
        Right = right;
        CountValue = count;
    }

    /// <summary>The left edge.</summary>
    public double Left { get; }

    /// <summary>The right edge.</summary>
    public double Right { get; }

    /// <summary>How many values fell in it: an Int64 when whole, as counts are (<c>ConvertTo-Json</c> writes 5, not 5.0), else the stored double.</summary>
    public object Count => Counts.WholeOrDouble(CountValue);

    /// <summary>How many values fell in it, as stored.</summary>
    [Hidden]
    [Newtonsoft.Json.JsonIgnore]
    public double CountValue { get; }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"[{Left}, {Right}): {CountValue}");
}
