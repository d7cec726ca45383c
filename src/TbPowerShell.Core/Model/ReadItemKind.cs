namespace TbPowerShell.Core.Model;

/// <summary>
/// What an item of a read carries: one vocabulary for a multi-run read (<c>RunReadItem</c>) and for
/// following live runs (<c>FollowItem</c>). Each reader gives the kinds its documentation lists.
/// </summary>
public enum ReadItemKind
{
    /// <summary>A scalar value.</summary>
    Scalar,

    /// <summary>A non-scalar value (image, audio, text, histogram, tensor).</summary>
    Value,

    /// <summary>A damaged region, or one value of an intact record that could not be decoded, was skipped (what is wrong and where is in the item's error); reading of the file goes on.</summary>
    Damaged,

    /// <summary>The file ends inside a record (a writer may be mid-write); the item's offset is where to resume. Ends the file.</summary>
    Truncated,

    /// <summary>The file ends cleanly at the item's offset (where to resume when it grows). Ends the file.</summary>
    EndOfFile,

    /// <summary>
    /// The file's name contains <c>tfevents</c> but no record in it verifies (neither its first record header nor any
    /// intact record further on): it is not read as an event file. Ends the file (a follower checks it again once it
    /// becomes shorter than it was).
    /// </summary>
    NotEventFile,

    /// <summary>
    /// Opening or reading the file (for a follower, also a directory) failed with an I/O or access error, carried
    /// by the item; the values before it were delivered. Ends the file (a follower tries again once its length changes).
    /// </summary>
    Unreadable,

    /// <summary>
    /// A followed file became shorter than what was already read from it (it was truncated or replaced): it is read
    /// again from byte 0, so values already produced from it may come again.
    /// </summary>
    FileRestarted,

    /// <summary>A follower has read everything that existed when following started; later items are new data. Produced once.</summary>
    CaughtUp,

    /// <summary>The summary of a whole run (from a run summary scan only); the run's last item.</summary>
    Summary,
}
