using System.Text.Json;
using System.Text.RegularExpressions;
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
}
