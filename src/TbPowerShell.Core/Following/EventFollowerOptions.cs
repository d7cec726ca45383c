using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;

namespace TbPowerShell.Core.Following;

/// <summary>What an <see cref="EventFollower"/> produces and how often it looks for new data.</summary>
public sealed class EventFollowerOptions
{
    /// <summary>The default time between looks for new data: 500 ms, as <c>Get-Content -Wait</c>.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Time between looks for new data, new files and new runs (also with a watcher: polling alone is correct).</summary>
    public TimeSpan PollInterval { get; set; } = DefaultPollInterval;

    /// <summary>The interval used instead of a shorter <see cref="PollInterval"/> when a target is in an object store: each look is one listing request there.</summary>
    public static readonly TimeSpan DefaultStorePollInterval = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The least time between two looks at an object store (s3://, az://): one LIST request per log directory per look
    /// (the listing gives every object's length; no request per file), then ranged reads of the new bytes only.
    /// </summary>
    public TimeSpan StorePollInterval { get; set; } = DefaultStorePollInterval;

    /// <summary>
    /// Also wake early when a file-system watcher reports a change (at most every 50 ms). If a
    /// watcher cannot be made (the system's limit on watches, say), polling alone goes on.
    /// </summary>
    public bool WakeOnChange { get; set; } = true;

    /// <summary>Which kinds of values to produce.</summary>
    public EventKinds Kinds { get; set; } = EventKinds.Scalar;

    /// <summary>Which runs to follow, by run name; null for all. Asked once per run directory.</summary>
    public Func<string, bool>? RunFilter { get; set; }

    /// <summary>Which tags to produce; null for all. Asked once per tag per file and poll.</summary>
    public Func<string, bool>? TagFilter { get; set; }

    /// <summary>
    /// Names a run from its directory's full path, replacing the target's naming root; null to
    /// name runs as <see cref="LogDirectory.RelativeName"/> does from <see cref="FollowTarget.NamingRoot"/>.
    /// </summary>
    public Func<string, string>? RunName { get; set; }

    internal void Validate()
    {
        if (PollInterval <= TimeSpan.Zero || PollInterval > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(PollInterval), PollInterval, "The poll interval must be above zero and at most one hour.");
        }
    }
}
