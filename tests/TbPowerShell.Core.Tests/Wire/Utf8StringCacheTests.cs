using System.Text;
using TbPowerShell.Core.Wire;

namespace TbPowerShell.Core.Tests.Wire;

public sealed class Utf8StringCacheTests
{
    [Fact]
    public void GivesTheDecodedTextAndReusesIt()
    {
        var cache = new Utf8StringCache();
        // Tags alike in their first and last bytes, differing only in the middle, of every length up to 40.
        var tags = new List<string>();
        for (int layer = 0; layer < 300; layer++)
        {
            tags.Add($"model.layers.{layer}.attention.weight");
        }
        for (int length = 1; length <= 40; length++)
        {
            tags.Add(new string('x', length));
            tags.Add("é" + new string('y', length));
        }
        tags.Add("snowman ☃ and 𝄞");
        foreach (string tag in tags)
        {
            Assert.Equal(tag, cache.Get(Encoding.UTF8.GetBytes(tag)));
        }
        foreach (string tag in tags)
        {
            string first = cache.Get(Encoding.UTF8.GetBytes(tag));
            Assert.Equal(tag, first);
            Assert.Same(first, cache.Get(Encoding.UTF8.GetBytes(tag)));
        }
        Assert.Same(string.Empty, cache.Get(ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void InvalidUtf8DecodesAsEncodingDoesAndManyTagsStayCorrect()
    {
        var cache = new Utf8StringCache();
        byte[] invalid = [0x6C, 0xFF, 0xC3, 0x28, 0x80];
        Assert.Equal(Encoding.UTF8.GetString(invalid), cache.Get(invalid));
        // More distinct tags than the cache keeps: the ones past its limit are still decoded right.
        for (int i = 0; i < 6000; i++)
        {
            string tag = $"tag/{i}";
            Assert.Equal(tag, cache.Get(Encoding.UTF8.GetBytes(tag)));
        }
        for (int i = 5999; i >= 0; i--)
        {
            string tag = $"tag/{i}";
            Assert.Equal(tag, cache.Get(Encoding.UTF8.GetBytes(tag)));
        }
    }
}
