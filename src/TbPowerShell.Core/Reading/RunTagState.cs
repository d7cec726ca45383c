namespace TbPowerShell.Core.Reading;

/// <summary>
/// What a run has said about its tags so far. As in TensorBoard, a time series takes its plugin
/// from the first value of its tag that carries metadata, in any file of the run.
/// </summary>
public sealed class RunTagState
{
    private readonly Dictionary<string, (string Plugin, byte[] Content)> _pluginByTag = new(StringComparer.Ordinal);

    /// <summary>The plugin named by the first metadata of <paramref name="tag"/>, or null.</summary>
    public string? PluginOf(string tag) => _pluginByTag.TryGetValue(tag, out var entry) ? entry.Plugin : null;

    /// <summary>The plugin content of the first metadata of <paramref name="tag"/>, or empty.</summary>
    public byte[] PluginContentOf(string tag) => _pluginByTag.TryGetValue(tag, out var entry) ? entry.Content : Array.Empty<byte>();

    /// <summary>True once <paramref name="tag"/> has had metadata.</summary>
    public bool Knows(string tag) => _pluginByTag.ContainsKey(tag);

    /// <summary>Remembers <paramref name="plugin"/> for <paramref name="tag"/> unless one is known already.</summary>
    public void NotePlugin(string tag, string plugin) => NotePlugin(tag, plugin, ReadOnlySpan<byte>.Empty);

    /// <summary>Remembers the plugin and its content for <paramref name="tag"/> unless known already.</summary>
    public void NotePlugin(string tag, string plugin, ReadOnlySpan<byte> content)
    {
        if (!_pluginByTag.ContainsKey(tag))
        {
            _pluginByTag[tag] = (plugin, content.ToArray());
        }
    }
}
