using TbPowerShell.Core.IO;

namespace TbPowerShell.Core.Analysis;

/// <summary>
/// Finds which scalar series are constant (every value equal to the first), which TensorBoard draws
/// unsmoothed. A scalar-only pass: other payloads are skipped without being decoded.
/// </summary>
public static class SeriesConstancy
{
    /// <summary>For each (run name, tag) with scalars in the files, whether all its values are equal.</summary>
    /// <param name="runs">Each run's name and its event files, in reading order.</param>
    /// <param name="tagFilter">Which tags to look at; null for all.</param>
    /// <param name="cancellation">Stops the pass.</param>
    public static Dictionary<(string Run, string Tag), bool> Scan(IEnumerable<(string Run, IReadOnlyList<string> Files)> runs,
                                                                  Func<string, bool>? tagFilter, CancellationToken cancellation = default)
    {
        var result = new Dictionary<(string Run, string Tag), bool>();
        var first = new Dictionary<(string Run, string Tag), double>();
        foreach (var (run, files) in runs)
        {
            var state = new RunTagState();
            foreach (string file in files)
            {
                try
                {
                    using var reader = new EventFileReader(file, tagFilter, state, 0, EventKinds.Scalar, cancellation);
                    EventReadResult status;
                    while ((status = reader.Next()) is EventReadResult.Scalar or EventReadResult.Error or EventReadResult.Value)
                    {
                        if (status != EventReadResult.Scalar)
                        {
                            continue;
                        }
                        var r = reader.Current;
                        var key = (run, r.Tag);
                        if (!first.TryGetValue(key, out double f))
                        {
                            first[key] = r.Value;
                            result[key] = r.Value == r.Value; // NaN equals nothing, as in JavaScript
                        }
                        else if (result[key] && !(r.Value == f))
                        {
                            result[key] = false;
                        }
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The reading pass reports unreadable files; here they simply add nothing.
                }
            }
        }
        return result;
    }
}
