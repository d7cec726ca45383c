namespace TbPowerShell.Architecture.Tests;

/// <summary>
/// The layers of src/, each a set of namespaces (and, for the few public types kept at the module's root
/// namespace for PowerShell users, their full names). The picture in the README's Layout section is this
/// table drawn; the rules in <see cref="LayerRules"/> are the arrows that must not exist.
/// </summary>
public static class Layers
{
    /// <summary>A layer: its name and the namespaces (or full type names) that belong to it.</summary>
    public sealed record Layer(string Name, params string[] Members)
    {
        public override string ToString() => Name;

        /// <summary>True when the type (a Cecil full name: nested types after '/') belongs to this layer.</summary>
        public bool Holds(string fullName) => Members.Any(m => fullName == m
            || fullName.StartsWith(m + ".", StringComparison.Ordinal) || fullName.StartsWith(m + "/", StringComparison.Ordinal));
    }

    /// <summary>Where bytes live (local files, S3, Azure Blob): the bottom of the core, below even the record framing.</summary>
    public static readonly Layer Storage = new("Storage", "TbPowerShell.Core.Storage");

    public static readonly Layer Records = new("Records", "TbPowerShell.Core.Records");

    public static readonly Layer Wire = new("Wire", "TbPowerShell.Core.Wire", "TbPowerShell.Core.Proto");

    // TbTimestamp keeps the root namespace: users write [TbPowerShell.TbTimestamp].
    public static readonly Layer Model = new("Model", "TbPowerShell.Core.Model", "TbPowerShell.TbTimestamp");

    // TbWriter and its options and exceptions keep the root namespace: users hold [TbPowerShell.TbWriter].
    public static readonly Layer Writing = new("Writing", "TbPowerShell.Core.Writing",
        "TbPowerShell.TbWriter", "TbPowerShell.TbWriterOptions", "TbPowerShell.TbWriterException", "TbPowerShell.TbWriterClosedException",
        "TbPowerShell.TbWriterCreateException");

    public static readonly Layer Reading = new("Reading", "TbPowerShell.Core.Reading");

    public static readonly Layer Following = new("Following", "TbPowerShell.Core.Following");

    // The two results Test-TbEventFile and Repair-TbEventFile emit keep their published namespace, Core.IO.
    public static readonly Layer Repair = new("Repair", "TbPowerShell.Core.Repair", "TbPowerShell.Core.IO");

    public static readonly Layer Summaries = new("Summaries", "TbPowerShell.Core.Summaries");

    public static readonly Layer Imaging = new("Imaging", "TbPowerShell.Core.Imaging");

    public static readonly Layer Audio = new("Audio", "TbPowerShell.Core.Audio");

    public static readonly Layer Analysis = new("Analysis", "TbPowerShell.Core.Analysis");

    /// <summary>The board (Show-TbBoard's server and Export-TbReport's writer): above the core, below the cmdlets.</summary>
    public static readonly Layer Board = new("Board", "TbPowerShell.Board");

    /// <summary>Every layer of the core, bottom first.</summary>
    public static readonly Layer[] Core =
    {
        Storage, Records, Wire, Model, Writing, Reading, Following, Repair, Summaries, Imaging, Audio, Analysis,
    };

    /// <summary>The layers that do I/O on event files: the pure layers must never reach them.</summary>
    public static readonly Layer[] EventFileIO = { Writing, Reading, Following, Repair };

    /// <summary>Every layer above Wire: what Records, Wire and Model must never reach.</summary>
    public static readonly Layer[] AboveWire = { Model, Writing, Reading, Following, Repair, Summaries, Imaging, Audio, Analysis };
}
