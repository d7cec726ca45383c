using System.Text;

namespace TbPowerShell.Core.Wire;

/// <summary>
/// Turns the UTF-8 bytes of tags and plugin names into strings without allocating a new string for
/// every event: a log holds few distinct tags, each repeated many times.
/// </summary>
internal sealed class Utf8StringCache
{
    private const int MaxEntries = 4096;
    private readonly Dictionary<int, Entry[]> _byHash = new();
    private int _count;

    private readonly struct Entry
    {
        public Entry(byte[] utf8, string text)
        {
            Utf8 = utf8;
            Text = text;
        }

        public byte[] Utf8 { get; }

        public string Text { get; }
    }

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return string.Empty;
        }
        var hasher = new HashCode();
        hasher.AddBytes(utf8);
        int hash = hasher.ToHashCode();
        if (_byHash.TryGetValue(hash, out var entries))
        {
            foreach (var entry in entries)
            {
                if (utf8.SequenceEqual(entry.Utf8))
                {
                    return entry.Text;
                }
            }
        }

        string text = Encoding.UTF8.GetString(utf8);
        if (_count < MaxEntries)
        {
            var added = new Entry(utf8.ToArray(), text);
            _byHash[hash] = entries is null ? new[] { added } : entries.Append(added).ToArray();
            _count++;
        }
        return text;
    }
}
