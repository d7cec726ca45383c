using System.Runtime.CompilerServices;

namespace TbPowerShell.Torch;

/// <summary>
/// One hooked module: what was hooked, how, and what it has done (calls, logs, skipped outputs,
/// errors). Remove it with <see cref="Remove"/> (or Unregister-TbHook); closing its writer removes it.
/// </summary>
public sealed class TbHookRegistration
{
    private readonly TbHookOptions _options;
    private readonly HookWorker _worker;
    // What the hook logs, by Kind: one of the two is set.
    private readonly ActivationHook? _activations;
    private readonly GradientHook? _gradients;
    private Action? _remove;
    private long _calls;
    private long _logs;
    private long _skipped;
    private long _errors;
    private long _lastLoggedStep = long.MinValue;

    internal TbHookRegistration(string name, string tagPrefix, string moduleType, TbWriter writer, TbHookOptions options)
    {
        Name = name;
        TagPrefix = tagPrefix;
        ModuleType = moduleType;
        Writer = writer;
        _options = options;
        _worker = HookWorker.For(writer);
        if (options.Kind == TbHookKind.Gradient)
        {
            _gradients = new GradientHook(this);
        }
        else
        {
            _activations = new ActivationHook(this, options);
        }
    }

    /// <summary>The module's dotted name in <c>named_modules()</c>.</summary>
    public string Name { get; }

    /// <summary>The module's type, e.g. Conv2d.</summary>
    public string ModuleType { get; }

    /// <summary>Forward, ForwardPre or Gradient.</summary>
    public TbHookKind Kind => _options.Kind;

    /// <summary>What is logged (None for gradient hooks, which always log a histogram and a norm).</summary>
    public TbHookLog Log => Kind == TbHookKind.Gradient ? TbHookLog.None : _options.Log;

    /// <summary>The tags' prefix: the name without a wrapper's <c>module.</c>.</summary>
    public string TagPrefix { get; }

    /// <summary>Logging steps are multiples of this.</summary>
    public long Every => _options.Every;

    /// <summary>Times the hook ran.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Times it logged (steps on which values were sent to the writer).</summary>
    public long Logs => Interlocked.Read(ref _logs);

    /// <summary>Outputs it could not draw (ranks other than 2 and 4, non-tensors).</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Exceptions inside the hook (training went on).</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>The last exception, if any.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>The writer values go to.</summary>
    public TbWriter Writer { get; }

    /// <summary>True until removed.</summary>
    public bool IsRegistered => _remove is not null;

    /// <summary>Removes the hook (writing a pending gradient first). Safe to call twice.</summary>
    public void Remove()
    {
        var remove = Interlocked.Exchange(ref _remove, null);
        if (remove is null)
        {
            return;
        }
        remove();
        WriteGradients();
        ModuleHooks.Forget(this);
    }

    /// <summary>
    /// Gradient hooks: reads the <c>.grad</c> of the output kept at the last logging step (call it
    /// after <c>backward()</c>) and logs its histogram and norm at that step. Otherwise nothing.
    /// </summary>
    public void WriteGradients() => _gradients?.WriteRetained();

    internal void Attach(Action remove) => _remove = remove;

    /// <summary>Records a failure: counted, kept, and reported by the writer's next cmdlet call.</summary>
    internal void Fail(Exception e)
    {
        Interlocked.Increment(ref _errors);
        LastError = e;
        Writer.ReportFeedError(new InvalidOperationException($"The {Kind} hook on '{Name}' failed: {e.Message}", e));
    }

    /// <summary>Counts a step on which values were sent to the writer.</summary>
    internal void CountLog() => Interlocked.Increment(ref _logs);

    /// <summary>Counts a value the hook could not log.</summary>
    internal void CountSkip() => Interlocked.Increment(ref _skipped);

    /// <summary>Runs <paramref name="work"/> (drawing, binning, writing) on the writer's hook thread.</summary>
    internal void Post(Action work)
    {
        if (!_worker.Post(this, work))
        {
            work(); // the writer is closing: write on this thread
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void OnForward(object? input, object? output)
    {
        Interlocked.Increment(ref _calls);
        long step = Writer.GlobalStep;
        if (_gradients is not null && _gradients.HasRetainedOtherThan(step))
        {
            _gradients.WriteRetained(); // a new step: backward() of the step that kept it has run by now
        }
        if (step % _options.Every != 0 || step == _lastLoggedStep)
        {
            return; // the cheap path on non-logging steps
        }
        _lastLoggedStep = step;
        try
        {
            _options.Action?.Invoke(Name, input, output, step);
            if (_gradients is not null)
            {
                _gradients.Retain(output, step);
            }
            else
            {
                _activations?.Log(Kind == TbHookKind.ForwardPre ? input : output, step);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Fail(e);
        }
    }
}
