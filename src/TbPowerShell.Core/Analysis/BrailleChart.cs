using System.Globalization;
using System.Text;

namespace TbPowerShell.Core.Analysis;

/// <summary>
/// A line chart drawn as lines of text for a console: y labels and axis on the left, the x axis and its
/// labels below, then a legend line per series. Lines are drawn in Unicode braille (2 x 4 dots per
/// character) when they are coloured or alone; otherwise (several lines without colour, or ASCII) each
/// series gets its own marker, one per character. Points are downsampled per dot column to the first,
/// last, smallest and largest value there, drawn as a vertical stroke joined to its neighbours, so
/// every spike shows however many points share a column. A pure function: series in, text out.
/// </summary>
public static class BrailleChart
{
    /// <summary>The markers of series in marker mode, in order.</summary>
    public const string Markers = "*+xo#@%&";

    /// <summary>The ANSI foreground colours of series, in order.</summary>
    private static readonly int[] Palette = { 33, 34, 31, 36, 35, 32, 93, 94, 91, 96, 95, 92 };

    private const string Reset = "\u001b[0m";

    /// <summary>The ANSI escape sequence that starts the colour of series <paramref name="index"/>.</summary>
    public static string ColourOf(int index) => $"\u001b[{Palette[index % Palette.Length]}m";

    /// <summary>Draws <paramref name="series"/> as text lines: <see cref="ChartOptions.Height"/> chart lines, then one legend line per series.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is below <see cref="ChartOptions.MinWidth"/> x <see cref="ChartOptions.MinHeight"/>.</exception>
    public static IReadOnlyList<string> Draw(IReadOnlyList<ChartSeries> series, ChartOptions options)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Width < ChartOptions.MinWidth)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Width, $"A chart needs a width of {ChartOptions.MinWidth} characters or more.");
        }
        if (options.Height < ChartOptions.MinHeight)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Height, $"A chart needs a height of {ChartOptions.MinHeight} lines or more.");
        }
        bool markers = options.Ascii || (!options.Colour && series.Count > 1);
        int sx = markers ? 1 : 2, sy = markers ? 1 : 4;
        int rows = options.Height - 2;
        var (xMin, xMax, yMin, yMax) = Ranges(series);

        int[] labelRows = Ticks(rows, Math.Max(1, (rows - 1) / 4));
        var labelValues = labelRows.Select(r => yMax - (yMax - yMin) * r / (rows - 1)).ToArray();
        var labels = AxisLabels.Format(labelValues);
        int labelWidth = labels.Max(l => l.Length);
        int columns = options.Width - labelWidth - 2;
        if (columns < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Width, "The width leaves no room for the plot beside the y labels.");
        }

        var grid = new Raster(columns * sx, rows * sy, xMin, xMax, yMin, yMax);
        var cells = new byte[series.Count][];
        for (int s = 0; s < series.Count; s++)
        {
            grid.Clear();
            grid.Plot(series[s]);
            cells[s] = grid.ToCells(columns, rows, sx, sy);
        }

        var lines = new List<string>(options.Height + series.Count);
        char vertical = options.Ascii ? '|' : '│', tick = options.Ascii ? '+' : '┤';
        var line = new StringBuilder();
        for (int r = 0; r < rows; r++)
        {
            line.Clear();
            int labelIndex = Array.IndexOf(labelRows, r);
            line.Append((labelIndex >= 0 ? labels[labelIndex] : "").PadLeft(labelWidth)).Append(' ').Append(labelIndex >= 0 ? tick : vertical);
            int colour = -1;
            for (int c = 0; c < columns; c++)
            {
                int bits = 0, owner = -1;
                for (int s = 0; s < series.Count; s++)
                {
                    byte b = cells[s][r * columns + c];
                    if (b != 0)
                    {
                        bits |= b;
                        owner = s;
                    }
                }
                int want = options.Colour && owner >= 0 ? owner : -1;
                if (want != colour)
                {
                    line.Append(want >= 0 ? ColourOf(want) : Reset);
                    colour = want;
                }
                line.Append(owner < 0 ? ' ' : markers ? Markers[owner % Markers.Length] : (char)(0x2800 + bits));
            }
            if (colour >= 0)
            {
                line.Append(Reset);
            }
            lines.Add(line.ToString().TrimEnd());
        }

        AddXAxis(lines, options.Ascii, labelWidth, columns, xMin, xMax);

        for (int s = 0; s < series.Count; s++)
        {
            string sample = markers ? new string(Markers[s % Markers.Length], 2) : options.Ascii ? "--" : "━━";
            lines.Add(options.Colour ? $"{ColourOf(s)}{sample}{Reset} {series[s].Name}" : $"{sample} {series[s].Name}");
        }
        return lines;
    }

    private static void AddXAxis(List<string> lines, bool ascii, int labelWidth, int columns, double xMin, double xMax)
    {
        // The first and last x at the ends, round numbers between them where they fit.
        var ticks = new List<(int Column, double Value)> { (0, xMin) };
        if (xMax > xMin)
        {
            double step = NiceStep((xMax - xMin) / Math.Max(1, columns / 12));
            for (double v = Math.Ceiling(xMin / step) * step; v < xMax; v += step)
            {
                int column = (int)Math.Round((v - xMin) / (xMax - xMin) * (columns - 1), MidpointRounding.AwayFromZero);
                if (v > xMin && column > 0 && column < columns - 1)
                {
                    ticks.Add((column, v));
                }
            }
            ticks.Add((columns - 1, xMax));
        }
        var texts = AxisLabels.FormatX(ticks.Select(t => t.Value).ToArray());
        var axis = new StringBuilder().Append(' ', labelWidth + 1).Append(ascii ? '+' : '└').Append(ascii ? '-' : '─', columns);
        var under = new StringBuilder().Append(' ', labelWidth + 2 + columns);
        // The last label is placed first, so a round number never pushes it out.
        int end = columns;
        if (ticks.Count > 1)
        {
            end = Place(axis, under, ascii, labelWidth, columns - texts[^1].Length, ticks[^1].Column, texts[^1]) - 1;
        }
        int free = 0;   // the first column of the label line not yet taken (a gap after the label before)
        for (int i = 0; i < ticks.Count - (ticks.Count > 1 ? 1 : 0); i++)
        {
            string text = texts[i];
            int start = i == 0 ? 0 : ticks[i].Column - text.Length / 2;
            if (start < free || start + text.Length > end)
            {
                continue;
            }
            free = Place(axis, under, ascii, labelWidth, start, ticks[i].Column, text) + text.Length + 1;
        }
        lines.Add(axis.ToString());
        lines.Add(under.ToString().TrimEnd());
    }

    /// <summary>Writes a label from plot column <paramref name="start"/> and its tick mark; returns <paramref name="start"/>.</summary>
    private static int Place(StringBuilder axis, StringBuilder under, bool ascii, int labelWidth, int start, int column, string text)
    {
        axis[labelWidth + 2 + column] = ascii ? '+' : '┬';
        for (int k = 0; k < text.Length; k++)
        {
            under[labelWidth + 2 + start + k] = text[k];
        }
        return start;
    }

    /// <summary>The round step (1, 2 or 5 times a power of ten) at least <paramref name="rough"/>.</summary>
    private static double NiceStep(double rough)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        foreach (double m in new double[] { 1, 2, 5, 10 })
        {
            if (m * power >= rough)
            {
                return m * power;
            }
        }
        return 10 * power;
    }

    /// <summary><paramref name="intervals"/> + 1 evenly spread positions over 0 .. <paramref name="length"/> - 1.</summary>
    private static int[] Ticks(int length, int intervals)
    {
        intervals = Math.Min(intervals, Math.Max(1, length - 1));
        return Enumerable.Range(0, intervals + 1).Select(k => (k * (length - 1) + intervals / 2) / intervals).Distinct().ToArray();
    }

    private static (double XMin, double XMax, double YMin, double YMax) Ranges(IReadOnlyList<ChartSeries> series)
    {
        double xMin = double.PositiveInfinity, xMax = double.NegativeInfinity, yMin = double.PositiveInfinity, yMax = double.NegativeInfinity;
        foreach (var s in series)
        {
            for (int i = 0; i < s.Y.Count; i++)
            {
                double x = s.X[i], y = s.Y[i];
                if (double.IsFinite(x) && double.IsFinite(y))
                {
                    xMin = Math.Min(xMin, x);
                    xMax = Math.Max(xMax, x);
                    yMin = Math.Min(yMin, y);
                    yMax = Math.Max(yMax, y);
                }
            }
        }
        if (xMin > xMax)
        {
            return (0, 1, 0, 1);
        }
        if (yMin == yMax)
        {
            // A flat line is drawn across the middle.
            double pad = yMin == 0 ? 1 : Math.Abs(yMin) / 10;
            yMin -= pad;
            yMax += pad;
        }
        return (xMin, xMax, yMin, yMax);
    }

    /// <summary>Dots of one series: a bitmap of the plot area, top row first.</summary>
    private sealed class Raster
    {
        private readonly bool[] _dots;
        private readonly int _width, _height;
        private readonly double _xMin, _xMax, _yMin, _yMax;

        public Raster(int width, int height, double xMin, double xMax, double yMin, double yMax)
        {
            _width = width;
            _height = height;
            _dots = new bool[width * height];
            (_xMin, _xMax, _yMin, _yMax) = (xMin, xMax, yMin, yMax);
        }

        public void Clear() => Array.Clear(_dots);

        public void Plot(ChartSeries series)
        {
            var order = Enumerable.Range(0, series.Y.Count);
            if (!Sorted(series.X))
            {
                order = order.OrderBy(i => series.X[i]);   // stable: points of one step keep their order
            }
            int column = -1, first = 0, last = 0, low = 0, high = 0;
            int previousColumn = -1, previousLast = 0;
            foreach (int i in order)
            {
                double x = series.X[i], y = series.Y[i];
                if (!double.IsFinite(x) || !double.IsFinite(y))
                {
                    continue;
                }
                int c = Column(x), p = Row(y);
                if (c != column)
                {
                    if (column >= 0)
                    {
                        Stroke(column, low, high, previousColumn, previousLast, first);
                        (previousColumn, previousLast) = (column, last);
                    }
                    (column, first, last, low, high) = (c, p, p, p, p);
                    continue;
                }
                last = p;
                low = Math.Min(low, p);
                high = Math.Max(high, p);
            }
            if (column >= 0)
            {
                Stroke(column, low, high, previousColumn, previousLast, first);
            }
        }

        /// <summary>The braille bits (or 1 for any dot, in marker mode) of each character cell.</summary>
        public byte[] ToCells(int columns, int rows, int sx, int sy)
        {
            var cells = new byte[columns * rows];
            for (int py = 0; py < _height; py++)
            {
                for (int px = 0; px < _width; px++)
                {
                    if (_dots[py * _width + px])
                    {
                        cells[py / sy * columns + px / sx] |= sx == 1 ? (byte)1 : BrailleBit(px % 2, py % 4);
                    }
                }
            }
            return cells;
        }

        private static byte BrailleBit(int dx, int dy) => (dx, dy) switch
        {
            (0, 3) => 0x40,
            (1, 3) => 0x80,
            (0, _) => (byte)(1 << dy),
            _ => (byte)(8 << dy),
        };

        private static bool Sorted(IReadOnlyList<double> x)
        {
            for (int i = 1; i < x.Count; i++)
            {
                if (x[i] < x[i - 1])
                {
                    return false;
                }
            }
            return true;
        }

        private int Column(double x) => _xMax == _xMin ? (_width - 1) / 2 : (int)Math.Round((x - _xMin) / (_xMax - _xMin) * (_width - 1), MidpointRounding.AwayFromZero);

        private int Row(double y) => (int)Math.Round((_yMax - y) / (_yMax - _yMin) * (_height - 1), MidpointRounding.AwayFromZero);

        /// <summary>A column's points (rows <paramref name="low"/> to <paramref name="high"/>), joined to the last point of the column before.</summary>
        private void Stroke(int column, int low, int high, int fromColumn, int fromRow, int toRow)
        {
            Fill(column, low, high);
            if (fromColumn < 0)
            {
                return;
            }
            // The segment from the previous column's last point to this column's first: each column it
            // crosses gets the rows the segment passes through in that column's width.
            int span = column - fromColumn;
            for (int c = fromColumn; c <= column; c++)
            {
                double a = fromRow + (toRow - fromRow) * Math.Max(0, c - fromColumn - 0.5) / span;
                double b = fromRow + (toRow - fromRow) * Math.Min(span, c - fromColumn + 0.5) / span;
                int ra = (int)Math.Round(a, MidpointRounding.AwayFromZero), rb = (int)Math.Round(b, MidpointRounding.AwayFromZero);
                Fill(c, Math.Min(ra, rb), Math.Max(ra, rb));
            }
        }

        private void Fill(int column, int fromRow, int toRow)
        {
            for (int r = fromRow; r <= toRow; r++)
            {
                _dots[r * _width + column] = true;
            }
        }
    }
}
