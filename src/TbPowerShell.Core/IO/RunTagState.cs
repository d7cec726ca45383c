namespace TbPowerShell.Core.IO;

/// <summary>
/// What a run has said about its tags so far. As in TensorBoard, a time series takes its plugin
/// from the first value of its tag that carries metadata, in any file of the run.
/// </summary>
public sealed class RunTagState
{
    private readonly Dictionary<string, string> _pluginByTag = new(StringComparer.Ordinal);

    /// <summary>The plugin named by the first metadata of <paramref name="tag"/>, or null.</summary>
    public string? PluginOf(string tag) => _pluginByTag.TryGetValue(tag, out var plugin) ? plugin : null;

    /// <summary>Remembers <paramref name="plugin"/> for <paramref name="tag"/> unless one is known already.</summary>
    public void NotePlugin(string tag, string plugin) => _pluginByTag.TryAdd(tag, plugin);
}
