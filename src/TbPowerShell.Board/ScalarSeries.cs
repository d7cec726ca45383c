namespace TbPowerShell.Board;

/// <summary>
/// One run's values of one scalar tag, kept compactly (parallel arrays, no object per point) in step order, with
/// the statistics of the whole series kept up to date as points arrive.
/// </summary>
internal sealed class ScalarSeries
{
    private long[] _steps = new long[16];
    private double[] _walls = new double[16];
    private double[] _values = new double[16];
    private bool _sorted = true;

    public int Count { get; private set; }

    public double Last { get; private set; } = double.NaN;

    public double Min { get; private set; } = double.NaN;

    public double Max { get; private set; } = double.NaN;

    public long StepAtMin { get; private set; }

    public void Add(long step, double wall, double value)
    {
        if (Count == _steps.Length)
        {
            var size = Math.Max(16, Count * 2);
            Array.Resize(ref _steps, size);
            Array.Resize(ref _walls, size);
            Array.Resize(ref _values, size);
        }
        if (Count > 0 && step < _steps[Count - 1]) _sorted = false;
        _steps[Count] = step;
        _walls[Count] = wall;
        _values[Count] = value;
        Count++;
        if (!_sorted || step >= LastStep) { Last = value; LastStep = step; }
        if (!double.IsNaN(value))
        {
            if (double.IsNaN(Min) || value < Min) { Min = value; StepAtMin = step; }
            if (double.IsNaN(Max) || value > Max) Max = value;
        }
    }

    private long LastStep { get; set; } = long.MinValue;

    /// <summary>Drops the spare capacity left by growth (after a first full read).</summary>
    public void Trim()
    {
        if (_steps.Length - Count < 1024) return;
        Array.Resize(ref _steps, Count);
        Array.Resize(ref _walls, Count);
        Array.Resize(ref _values, Count);
    }

    /// <summary>The points in step order (a stable sort, done once after out-of-order points arrived).</summary>
    public (ReadOnlyMemory<long> Steps, ReadOnlyMemory<double> Walls, ReadOnlyMemory<double> Values) View()
    {
        if (!_sorted)
        {
            var order = new int[Count];
            for (var i = 0; i < Count; i++) order[i] = i;
            var steps = _steps;
            Array.Sort(order, (a, b) => steps[a] != steps[b] ? steps[a].CompareTo(steps[b]) : a.CompareTo(b));
            _steps = order.Select(i => steps[i]).ToArray();
            var walls = _walls; _walls = order.Select(i => walls[i]).ToArray();
            var values = _values; _values = order.Select(i => values[i]).ToArray();
            _sorted = true;
        }
        return (_steps.AsMemory(0, Count), _walls.AsMemory(0, Count), _values.AsMemory(0, Count));
    }
}
