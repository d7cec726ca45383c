using System.Runtime.CompilerServices;
namespace TbPowerShell.Board;

/// <summary>
/// One run's values of one scalar tag, kept compactly in step order: parallel arrays, no object per point, steps as
/// int and values as float while every one fits exactly (widened to long/double the first time one does not), so
/// a typical point costs 16 bytes. The statistics of the whole series are kept up to date as points arrive.
/// </summary>
internal sealed class ScalarSeries
{
    private int[]? _steps32 = new int[16];
    private long[]? _steps64;
    private float[]? _values32 = new float[16];
    private double[]? _values64;
    private double[] _walls = new double[16];
    private bool _sorted = true;
    private long _lastStep = long.MinValue;

    public int Count { get; private set; }

    public double Last { get; private set; } = double.NaN;

    public double Min { get; private set; } = double.NaN;

    public double Max { get; private set; } = double.NaN;

    public long StepAtMin { get; private set; }

    /// <summary>True while every value is a float (what simple_value stores): such values can be written in float's shortest form.</summary>
    public bool FloatValues => _values32 is not null;

    private int Capacity => _walls.Length;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long StepAt(int i) => _steps32 is { } s ? s[i] : _steps64![i];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double ValueAt(int i) => _values32 is { } v ? v[i] : _values64![i];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double WallAt(int i) => _walls[i];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(long step, double wall, double value)
    {
        if (Count == Capacity) Resize(Math.Max(16, Count * 2));
        if (_steps32 is not null && step is < int.MinValue or > int.MaxValue)
        {
            _steps64 = new long[Capacity];
            for (var i = 0; i < Count; i++) _steps64[i] = _steps32[i];
            _steps32 = null;
        }
        if (_values32 is not null && (double)(float)value != value && !double.IsNaN(value))
        {
            _values64 = new double[Capacity];
            for (var i = 0; i < Count; i++) _values64[i] = _values32[i];
            _values32 = null;
        }
        if (Count > 0 && step < StepAt(Count - 1)) _sorted = false;
        if (_steps32 is not null) _steps32[Count] = (int)step;
        else _steps64![Count] = step;
        if (_values32 is not null) _values32[Count] = (float)value;
        else _values64![Count] = value;
        _walls[Count] = wall;
        Count++;
        if (step >= _lastStep)
        {
            Last = value;
            _lastStep = step;
        }
        if (!double.IsNaN(value))
        {
            if (double.IsNaN(Min) || value < Min) { Min = value; StepAtMin = step; }
            if (double.IsNaN(Max) || value > Max) Max = value;
        }
    }

    private void Resize(int size)
    {
        if (_steps32 is not null) Array.Resize(ref _steps32, size);
        else Array.Resize(ref _steps64, size);
        if (_values32 is not null) Array.Resize(ref _values32, size);
        else Array.Resize(ref _values64, size);
        Array.Resize(ref _walls, size);
    }

    /// <summary>
    /// Makes room for <paramref name="count"/> points in all, at once: a long file read from its start reserves what
    /// its length promises, instead of doubling its way there (each doubling of a large array is a copy and, past
    /// 85 kB, a full garbage collection's worth of work).
    /// </summary>
    public void Reserve(int count)
    {
        if (count > Capacity) Resize(count);
    }

    /// <summary>
    /// Drops the spare capacity left by growth (after a first full read) when it is worth a copy: an eighth of the
    /// arrays or more (doubling leaves up to half). What a reservation from the file's length leaves (a few percent)
    /// stays: copying every array of a large read to save that would double the memory for a moment.
    /// </summary>
    public void Trim()
    {
        if (Capacity - Count >= Math.Max(1024, Capacity / 8)) Resize(Count);
    }

    /// <summary>Puts the points in step order (a stable sort, done once after out-of-order points arrived).</summary>
    public void EnsureSorted()
    {
        if (_sorted) return;
        var order = new int[Count];
        for (var i = 0; i < Count; i++) order[i] = i;
        var steps = Enumerable.Range(0, Count).Select(StepAt).ToArray();
        Array.Sort(order, (a, b) => steps[a] != steps[b] ? steps[a].CompareTo(steps[b]) : a.CompareTo(b));
        if (_steps32 is not null) _steps32 = order.Select(i => _steps32[i]).ToArray();
        else _steps64 = order.Select(i => _steps64![i]).ToArray();
        if (_values32 is not null) _values32 = order.Select(i => _values32[i]).ToArray();
        else _values64 = order.Select(i => _values64![i]).ToArray();
        _walls = order.Select(i => _walls[i]).ToArray();
        _sorted = true;
    }
}
