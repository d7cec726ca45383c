using System.Collections.Concurrent;

namespace TbPowerShell.Core.Writing;

/// <summary>
/// Failures of what feeds a writer from other threads (model hooks), kept until the next caller on
/// the user's thread takes them: background work never reports to the user by itself.
/// </summary>
internal sealed class FeedErrorMailbox
{
    private readonly ConcurrentQueue<Exception> _errors = new();

    /// <summary>Keeps a failure for the next <see cref="TakeAll"/>.</summary>
    public void Post(Exception error) => _errors.Enqueue(error);

    /// <summary>The failures posted since the last call; each is handed out once.</summary>
    public IReadOnlyList<Exception> TakeAll()
    {
        if (_errors.IsEmpty)
        {
            return Array.Empty<Exception>(); // the common case, on every cmdlet call: no allocation
        }
        var taken = new List<Exception>();
        while (_errors.TryDequeue(out var e))
        {
            taken.Add(e);
        }
        return taken;
    }
}
