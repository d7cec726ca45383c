using System.Diagnostics;
using System.Management.Automation;
using TbPowerShell.Completion;

using TbPowerShell.Internal;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;

namespace TbPowerShell.Commands;

/// <summary>
/// The parameters and run discovery shared by the cmdlets that summarize log directories: -Path (wildcards,
/// default the current location) or -LiteralPath (PSPath), and -Run/-Tag wildcard filters. Runs are named as
/// <c>Get-TbEvent</c> names them. Paths are gathered over the whole pipeline (a run's files may arrive one by
/// one) and scanned at the end, in parallel across runs.
/// </summary>
public abstract class TbLogReaderCommandBase : TbLogPathCommandBase
{

    private readonly List<EventRun> _runs = new();
    private readonly Dictionary<string, int> _runByDirectory = new(StringComparer.Ordinal);
    private readonly HashSet<string> _files = new(StringComparer.Ordinal);

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var (path, namingRoot) in ResolveInputsWithNamingRoots())
        {
            foreach (var run in RunsOf(path, namingRoot))
            {
                AddRun(run);
            }
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (Scan())
        {
            ReportUnmatchedNames(ValuesScanned);
        }
    }

    /// <summary>Scans the runs gathered and emits their summaries; false when Ctrl+C stopped it.</summary>
    private bool Scan()
    {
        if (_runs.Count == 0)
        {
            return true;
        }
        var runs = _runs.Select(r => r with { Files = r.Files.OrderBy(Core.Storage.LogLocation.FileName, StringComparer.Ordinal).ToArray() }).ToList();
        var scanner = new RunSummaryScanner(runs, new RunReadOptions { TagFilter = TagFilter }, KindsToScan);
        long totalBytes = runs.Sum(r => r.TotalBytes);
        bool showProgress = runs.Sum(r => r.Files.Count) > 1;
        var progress = new ProgressRecord(ProgressId, "Scanning event files", "Starting") { PercentComplete = 0 };
        var clock = Stopwatch.StartNew();
        var lastProgress = TimeSpan.Zero;
        long doneBytes = 0;
        int notEventFiles = 0;
        try
        {
            foreach (var item in scanner.Scan(Stopped))
            {
                switch (item.Kind)
                {
                    case ReadItemKind.Summary:
                        doneBytes += item.Run.TotalBytes;
                        // A run whose every file holds no record is no run: each file was reported as not an event file.
                        if (notEventFiles < item.Run.Files.Count)
                        {
                            Emit(item.Summary!);
                        }
                        notEventFiles = 0;
                        break;
                    case ReadItemKind.NotEventFile:
                        notEventFiles++;
                        WriteError(new ErrorRecord(
                            new InvalidDataException($"'{item.File}' is not an event file: no record in it verifies."),
                            ErrorIds.NoIntactRecords, ErrorCategory.InvalidData, item.File));
                        break;
                    default:
                        FileConditions.Report(this, item.Kind, item.File, item.Offset, item.Error, item.Exception);
                        break;
                }
                var now = clock.Elapsed;
                if (showProgress && now - lastProgress >= ProgressInterval)
                {
                    lastProgress = now;
                    progress.StatusDescription = item.Run.Name;
                    progress.PercentComplete = totalBytes > 0 ? (int)Math.Min(100, doneBytes * 100 / totalBytes) : 0;
                    WriteProgress(progress);
                }
            }
        }
        catch (OperationCanceledException) when (Stopped.IsCancellationRequested)
        {
            return false;
        }
        if (showProgress && lastProgress > TimeSpan.Zero)
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
        return true;
    }

    /// <summary>The kinds of values the scan summarizes (default all).</summary>
    protected virtual EventKinds KindsToScan => EventKinds.All;

    /// <summary>What -Tag values are looked for among, for the message of a tag not found (default "values").</summary>
    protected virtual string ValuesScanned => "values";

    /// <summary>Writes the objects for one scanned run.</summary>
    protected abstract void Emit(RunSummary summary);

    /// <summary>The cmdlet-facing type of a kind of value.</summary>
    protected static TbEventType TypeOf(EventKinds kind) => kind switch
    {
        EventKinds.Scalar => TbEventType.Scalar,
        EventKinds.Image => TbEventType.Image,
        EventKinds.Audio => TbEventType.Audio,
        EventKinds.Text => TbEventType.Text,
        EventKinds.Histogram => TbEventType.Histogram,
        EventKinds.Hyperparameters => TbEventType.Hyperparameter,
        EventKinds.Graph => TbEventType.Graph,
        EventKinds.Mesh => TbEventType.Mesh,
        EventKinds.PrCurve => TbEventType.PrCurve,
        EventKinds.Layout => TbEventType.Layout,
        _ => TbEventType.Tensor,
    };

    private void AddRun(EventRun run)
    {
        var newFiles = run.Files.Where(_files.Add).ToList();
        if (newFiles.Count == 0)
        {
            return;
        }
        long newBytes = newFiles.Sum(LogPaths.SafeLength);
        if (_runByDirectory.TryGetValue(run.Directory, out int index))
        {
            var known = _runs[index];
            _runs[index] = known with { Files = known.Files.Concat(newFiles).ToArray(), TotalBytes = known.TotalBytes + newBytes };
        }
        else
        {
            _runByDirectory[run.Directory] = _runs.Count;
            _runs.Add(run with { Files = newFiles, TotalBytes = newBytes });
        }
    }



}
