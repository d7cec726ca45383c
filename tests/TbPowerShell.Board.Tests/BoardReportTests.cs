using System.Text.Json;
using System.Text.RegularExpressions;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Summaries;
using TbPowerShell.Core.Writing;

namespace TbPowerShell.Board.Tests;

public sealed class BoardReportTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write(ReportOptions options)
    {
        using var output = new MemoryStream();
        BoardReport.Write(output, new BoardOptions { LogDirs = [_dir.Path] }, options);
        return System.Text.Encoding.UTF8.GetString(output.ToArray());
    }

    [Fact]
    public void TheReportIsOneFileWithNoExternalReferencesHoldingEveryTag()
    {
        using (var w = new TbWriter(_dir.Sub("a")))
        {
            for (var i = 0; i < 20; i++) w.AddScalar("loss", 1.0 / (i + 1), i);
            w.AddValue(SummaryValues.Text("notes", "</script><script>alert(1)</script>"), 0);
        }
        using (var w = new TbWriter(_dir.Sub("b"))) w.AddScalar("acc", 0.5, 1);
        var html = Write(new ReportOptions { Title = "My <report>" });
        Assert.DoesNotContain("src=\"/", html);
        Assert.DoesNotContain("href=\"/", html);
        Assert.DoesNotMatch(new Regex("(src|href)=\"https?:"), html);
        Assert.Contains("<title>My &lt;report&gt;</title>", html);
        var data = Regex.Match(html, "<script type=\"application/json\" id=\"tb-report\">(.*?)</script>", RegexOptions.Singleline);
        Assert.True(data.Success);
        using var doc = JsonDocument.Parse(data.Groups[1].Value);
        var root = doc.RootElement;
        var tags = root.GetProperty("tags").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!, t => t.GetProperty("id").GetInt32());
        Assert.Equal(["acc", "loss", "notes/text_summary"], tags.Keys.Order());
        var loss = root.GetProperty("scalars").GetProperty(tags["loss"].ToString()).GetProperty("series")[0];
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (double)(float)(1.0 / (i + 1))), loss.GetProperty("value").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(2, root.GetProperty("runs").GetArrayLength());
        Assert.Single(root.GetProperty("text").EnumerateObject());
        // The only </script> sequences are the page's own: the text's cannot end the data early.
        Assert.DoesNotContain("</script", data.Groups[1].Value, StringComparison.OrdinalIgnoreCase);
        var notes = root.GetProperty("text").EnumerateObject().Single().Value[0];
        Assert.Equal("</script><script>alert(1)</script>", notes.GetProperty("markdown").GetString());
        Assert.Contains("\"tb/api.js\":\"data:text/javascript;base64,", html);
    }

    [Fact]
    public void TheReportKeepsOnlyTheRunsAndTagsAskedFor()
    {
        using (var w = new TbWriter(_dir.Sub("a"))) { w.AddScalar("loss", 1, 0); w.AddScalar("acc", 2, 0); }
        using (var w = new TbWriter(_dir.Sub("b"))) w.AddScalar("loss", 3, 0);
        var html = Write(new ReportOptions { Tags = ["loss"], Runs = ["b"], Title = "t" });
        var json = Regex.Match(html, "id=\"tb-report\">(.*?)</script>", RegexOptions.Singleline).Groups[1].Value;
        using var doc = JsonDocument.Parse(json);
        var tag = Assert.Single(doc.RootElement.GetProperty("tags").EnumerateArray());
        Assert.Equal("loss", tag.GetProperty("name").GetString());
        var run = Assert.Single(doc.RootElement.GetProperty("runs").EnumerateArray());
        Assert.Equal("b", run.GetProperty("name").GetString());
        var series = Assert.Single(doc.RootElement.GetProperty("scalars").GetProperty(tag.GetProperty("id").GetInt32().ToString()).GetProperty("series").EnumerateArray());
        Assert.Equal(3, series.GetProperty("value")[0].GetDouble());
    }

    [Theory]
    [InlineData(10, new long[] { 0, 10, 22, 32, 44, 54, 66, 76, 88, 98 })]
    [InlineData(3, new long[] { 0, 48, 98 })]
    [InlineData(1, new long[] { 98 })]
    [InlineData(0, null)]
    public void ALongRunsImagesAreCutToEvenlySpacedStepsWithTheFirstAndTheLastAndScalarsStayWhole(int max, long[]? expected)
    {
        var png = TbPowerShell.Core.Imaging.PngCodec.Encode(new TbPowerShell.Core.Imaging.ImagePixels(2, 2, 1, [0, 64, 128, 255]));
        using (var w = new TbWriter(_dir.Sub("a")))
        {
            for (var step = 0; step < 50; step++)
            {
                w.AddValue(SummaryValues.Image("pic", png, 2, 2, 1), step * 2);
                w.AddScalar("loss", step, step * 2);
            }
        }
        var html = Write(new ReportOptions { Title = "t", MaxMediaSteps = max });
        var json = Regex.Match(html, "id=\"tb-report\">(.*?)</script>", RegexOptions.Singleline).Groups[1].Value;
        using var doc = JsonDocument.Parse(json);
        var images = doc.RootElement.GetProperty("images").EnumerateObject().Single().Value;
        var steps = images.EnumerateArray().Select(i => i.GetProperty("step").GetInt64()).ToArray();
        Assert.Equal(expected ?? Enumerable.Range(0, 50).Select(i => (long)i * 2).ToArray(), steps);
        Assert.All(images.EnumerateArray(), i => Assert.StartsWith("data:image/png;base64,", i.GetProperty("media").GetString()));
        var loss = doc.RootElement.GetProperty("scalars").EnumerateObject().Single().Value.GetProperty("series")[0];
        Assert.Equal(50, loss.GetProperty("value").GetArrayLength());
    }

    [Fact]
    public void HistogramsWithManyBucketsAreDrawnAgainOnEqualBucketsKeepingCountsAndRange()
    {
        // Buckets growing wider away from zero, as PyTorch's: 1 in [0,1), 3 in [1,3), 6 in [3,9); 3 equal buckets of width 3.
        var buckets = new[] { new HistogramBucket(0, 1, 1), new HistogramBucket(1, 3, 3), new HistogramBucket(3, 9, 6), new HistogramBucket(9, 9, 0) };
        var histogram = new HistogramRecord("h", 3, 1.5, 0, 9, 10, 10, 20, buckets);
        var merged = BoardReport.Rebin(histogram, 3);
        Assert.Equal([(0.0, 3.0), (3.0, 6.0), (6.0, 9.0)], merged.Buckets.Select(b => (b.Left, b.Right)));
        // [0,3): 1 + 3; [3,6): half of 6; [6,9): the other half.
        Assert.Equal([4.0, 3.0, 3.0], merged.Buckets.Select(b => b.Count));
        Assert.Same(histogram, BoardReport.Rebin(histogram, 4));

        var many = Enumerable.Range(0, 550).Select(i => new HistogramBucket(i * 0.5, (i + 1) * 0.5, i % 7)).ToArray();
        var wide = BoardReport.Rebin(new HistogramRecord("h", 3, 1.5, 0, 275, many.Sum(b => b.Count), 10, 20, many), 30);
        Assert.Equal(30, wide.Buckets.Length);
        Assert.Equal(many.Sum(b => b.Count), wide.Buckets.Sum(b => b.Count), 6);
        Assert.Equal(0, wide.Buckets[0].Left);
        Assert.Equal(275, wide.Buckets[^1].Right);
        Assert.All(wide.Buckets.Zip(wide.Buckets.Skip(1)), p => Assert.Equal(p.First.Right, p.Second.Left, 9));

        // An infinite edge: neighbours summed instead, the total still exact.
        var open = many.Select((b, i) => i == 0 ? b with { Left = double.NegativeInfinity } : b).ToArray();
        var summed = BoardReport.Rebin(new HistogramRecord("h", 3, 1.5, 0, 275, 0, 0, 0, open), 30);
        Assert.Equal(many.Sum(b => b.Count), summed.Buckets.Sum(b => b.Count));

        using (var w = new TbWriter(_dir.Sub("a")))
        {
            var values = Enumerable.Range(0, 5000).Select(i => Math.Sin(i) * i).ToArray();
            w.AddValue(SummaryValues.Histogram("weights", HistogramBuilder.Build(values)), 0);
        }
        foreach (var (max, atMost) in new[] { (30, 30), (0, int.MaxValue) })
        {
            var html = Write(new ReportOptions { Title = "t", MaxHistogramBuckets = max });
            var json = Regex.Match(html, "id=\"tb-report\">(.*?)</script>", RegexOptions.Singleline).Groups[1].Value;
            using var doc = JsonDocument.Parse(json);
            var h = doc.RootElement.GetProperty("histograms").EnumerateObject().Single().Value[0];
            int count = h.GetProperty("buckets").GetArrayLength();
            Assert.InRange(count, 2, atMost);
            Assert.Equal(5000, h.GetProperty("buckets").EnumerateArray().Sum(b => b[2].GetDouble()), 6);
            if (max == 0) Assert.True(count > 30, $"{count} buckets");
        }
    }
}
