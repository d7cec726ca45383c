using System.Text.RegularExpressions;
using TbPowerShell.Core.Model;
using TbPowerShell.Core.Proto;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Core.Tests.Writing;

/// <summary>
/// <see cref="TbWriter.AddScalars"/>: PyTorch's sub-run layout against the scalars_multi fixture,
/// and the one-run layout with its custom-scalars charts.
/// </summary>
public class ScalarsLayoutTests
{
    private static double Wall(long step) => 1_700_000_000.0 + step;

    /// <summary>kind_scalars_multi, call for call.</summary>
    private static void WriteScalarsMulti(TbWriter writer)
    {
        for (int s = 0; s < 10; s++)
        {
            writer.AddScalars("multi", [new("sin", Math.Sin(s / 3.0)), new("cos", Math.Cos(s / 3.0)), new("lin", s / 10.0)], s, new TbTimestamp(Wall(s)));
        }
        writer.AddScalars("group/inner", [new("a", 1.0), new("b", 2.0)], 0, new TbTimestamp(Wall(0)));
    }

    [Fact]
    public void SubRunsAreNamedAndFilledAsPyTorchsAddScalars()
    {
        using var temp = new TempDir();
        using (var writer = new TbWriter(temp.Path))
        {
            WriteScalarsMulti(writer);
        }

        // Our runs are the fixture's, relative to scalars_multi.
        var expected = Expected.Scalars("pytorch.raw.jsonl").Where(e => e.Run.StartsWith("scalars_multi/", StringComparison.Ordinal)).ToList();
        var expectedRuns = Expected.Runs("pytorch.raw.jsonl").Where(r => r == "scalars_multi" || r.StartsWith("scalars_multi/", StringComparison.Ordinal))
            .Select(r => r == "scalars_multi" ? "." : r["scalars_multi/".Length..]).ToList();
        var runs = LogDirectory.FindRuns(temp.Path);
        Assert.Equal(expectedRuns, runs.Select(r => r.Name));
        Assert.Equal([".", "group_inner_a", "group_inner_b", "multi_cos", "multi_lin", "multi_sin"], runs.Select(r => r.Name));

        var read = ReadValues.Tree(temp.Path);
        Assert.DoesNotContain(read, i => i.Run == ".");
        foreach (var run in expectedRuns.Where(r => r != "."))
        {
            var theirs = expected.Where(e => e.Run == "scalars_multi/" + run).ToList();
            var ours = read.Where(i => i.Run == run).Select(i => Assert.IsType<ScalarRecord>(i.Record)).ToList();
            Assert.NotEmpty(theirs);
            Assert.Equal(theirs.Count, ours.Count);
            for (int i = 0; i < theirs.Count; i++)
            {
                string where = $"{run} #{i}";
                // The tag is the main tag; the series name is in the run.
                Assert.Equal(theirs[i].Tag, ours[i].Tag);
                Assert.Equal(theirs[i].Step, ours[i].Step);
                Bits.Equal(theirs[i].Value, ours[i].Value, where + " value");
                Bits.Equal(theirs[i].WallTime, ours[i].WallTime, where + " wall time");
            }
        }
        Assert.Equal(expected.Count, read.Count);
    }

    [Fact]
    public void SubWritersAreFlushedAndClosedWithTheParent()
    {
        using var temp = new TempDir();
        var writer = new TbWriter(temp.Path, new TbWriterOptions { FlushInterval = TimeSpan.FromHours(1) });
        TbWriter sub;
        try
        {
            writer.AddScalars("m", [new("a", 1.5)], 4, new TbTimestamp(Wall(4)));
            sub = writer.SubWriter("m_a");
            Assert.Same(sub, writer.SubWriter("m_a"));
            Assert.Equal(Path.Combine(temp.Path, "m_a"), sub.LogDir);
            Assert.Contains(sub, TbWriter.OpenWriters);

            // Flush reaches the sub-writer: its scalar is on disk while both are open.
            writer.Flush();
            var scalar = Assert.IsType<ScalarRecord>(Assert.Single(ReadValues.File(sub.Path)));
            Assert.Equal(new ScalarRecord("m", 4, Wall(4), 1.5), scalar);

            writer.AddScalars("m", [new("a", 2.5)], 5, new TbTimestamp(Wall(5)));
        }
        finally
        {
            writer.Close();
        }
        Assert.True(sub.IsClosed);
        Assert.DoesNotContain(sub, TbWriter.OpenWriters);
        Assert.Throws<TbWriterClosedException>(() => sub.AddScalar("m", 1, 6));
        Assert.Throws<TbWriterClosedException>(() => writer.SubWriter("m_a"));
        Assert.Equal([1.5, 2.5], ReadValues.File(sub.Path).Cast<ScalarRecord>().Select(s => s.Value));
    }

    /// <summary>Python's <c>re.match</c> (anchored at the start only) with .NET's engine, fine for these patterns.</summary>
    private static bool PythonReMatch(string pattern, string text) =>
        Regex.Match(text, "^(?:" + pattern + ")", RegexOptions.CultureInvariant).Success;

    [Fact]
    public void OneRunWritesSeriesAsTagsAndOneChartPerMainTag()
    {
        using var temp = new TempDir();
        string path;
        using (var writer = new TbWriter(temp.Path))
        {
            path = writer.Path;
            writer.AddScalars("loss", [new("train", 1.0), new("val", 2.0)], 0, new TbTimestamp(Wall(0)), oneRun: true);
            writer.AddScalars("loss", [new("train", 0.5), new("val", 1.5)], 1, new TbTimestamp(Wall(1)), oneRun: true);
            writer.AddScalars("acc", [new("train", 0.25), new("val", 0.125)], 0, new TbTimestamp(Wall(0)), oneRun: true);
            writer.AddScalars("group/inner", [new("a", 3.0)], 2, new TbTimestamp(Wall(2)), oneRun: true);
            writer.AddScalars("a.b (x)", [new("c", 4.0)], 3, new TbTimestamp(Wall(3)), oneRun: true);
            writer.AddScalars("loss", [new("test", 7.0)], 2, new TbTimestamp(Wall(2)), oneRun: true);
            // Tags a chart must not pick up.
            foreach (string decoy in new[] { "loss", "loss/x/y", "lossy/train", "my_loss/train", "acc_loss/train", "group/inner", "group/inner/a/b", "aXb (x)/c", "a.b (x)" })
            {
                writer.AddScalar(decoy, -1, 9, new TbTimestamp(Wall(9)));
            }
        }

        // One run, no sub-directories.
        Assert.Equal(".", Assert.Single(LogDirectory.FindRuns(temp.Path)).Name);
        var items = ReadValues.File(path);
        var scalars = items.OfType<ScalarRecord>().Where(s => s.Step != 9).ToList();
        Assert.Equal(
        [
            new ScalarRecord("loss/train", 0, Wall(0), 1.0), new ScalarRecord("loss/val", 0, Wall(0), 2.0),
            new ScalarRecord("loss/train", 1, Wall(1), 0.5), new ScalarRecord("loss/val", 1, Wall(1), 1.5),
            new ScalarRecord("acc/train", 0, Wall(0), 0.25), new ScalarRecord("acc/val", 0, Wall(0), 0.125),
            new ScalarRecord("group/inner/a", 2, Wall(2), 3.0),
            new ScalarRecord("a.b (x)/c", 3, Wall(3), 4.0),
            new ScalarRecord("loss/test", 2, Wall(2), 7.0),
        ], scalars);

        // A layout each time a main tag first appears, with every chart so far; at step 0.
        var layouts = items.OfType<LayoutRecord>().ToList();
        Assert.Equal(4, layouts.Count);
        Assert.All(layouts, t =>
        {
            Assert.Equal(SummaryValues.CustomScalarsLayoutTag, t.Tag);
            Assert.Equal(0, t.Step);
        });
        string[] mainTags = ["loss", "acc", "group/inner", "a.b (x)"];
        for (int i = 0; i < layouts.Count; i++)
        {
            var layout = CustomScalarLayouts.ToProto(layouts[i].Categories);
            var category = Assert.Single(layout.Category);
            Assert.Equal(CustomScalarLayouts.GroupedCategory, category.Title);
            Assert.Equal(mainTags.Take(i + 1), category.Chart.Select(c => c.Title));
            Assert.All(category.Chart, c => Assert.Equal(Chart.ContentOneofCase.Multiline, c.ContentCase));
        }
        Assert.Equal(Wall(0), layouts[0].WallTime);

        // Only the first layout value carries the plugin metadata.
        var raw = RawValues.Of(path).Where(v => v.Tag == SummaryValues.CustomScalarsLayoutTag)
            .Select(v => Summary.Types.Value.Parser.ParseFrom(v.Bytes)).ToList();
        Assert.Equal(4, raw.Count);
        Assert.Equal("custom_scalars", raw[0].Metadata.PluginData.PluginName);
        Assert.All(raw.Skip(1), v => Assert.Null(v.Metadata));

        // Each chart's regular expression matches exactly its main tag's series among every tag of the run.
        var allTags = items.OfType<ScalarRecord>().Select(s => s.Tag).Distinct().ToList();
        var final = CustomScalarLayouts.ToProto(layouts[^1].Categories).Category[0];
        foreach (var chart in final.Chart)
        {
            string pattern = Assert.Single(chart.Multiline.Tag);
            var matched = allTags.Where(t => PythonReMatch(pattern, t)).Order(StringComparer.Ordinal).ToList();
            var series = scalars.Select(s => s.Tag).Distinct().Where(t => t.StartsWith(chart.Title + "/", StringComparison.Ordinal) && t.IndexOf('/', chart.Title.Length + 1) < 0)
                .Order(StringComparer.Ordinal).ToList();
            Assert.NotEmpty(series);
            Assert.True(series.SequenceEqual(matched), $"chart '{chart.Title}' /{pattern}/ matched [{string.Join(", ", matched)}], its series are [{string.Join(", ", series)}]");
        }
        Assert.Equal(["loss/[^/]*$", "acc/[^/]*$", "group/inner/[^/]*$", @"a\.b\ \(x\)/[^/]*$"], final.Chart.Select(c => c.Multiline.Tag[0]));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a/b-c_d", "a/b-c_d")]
    [InlineData("x.y*z+?", @"x\.y\*z\+\?")]
    [InlineData("[0] {1} (2) ^$|\\", @"\[0\]\ \{1\}\ \(2\)\ \^\$\|\\")]
    [InlineData("损失 Ω", @"损失\ Ω")]
    public void RegexEscapingIsLiteralForPythonAndDotNet(string text, string escaped)
    {
        Assert.Equal(escaped, CustomScalarLayouts.EscapeRegex(text));
        // Only ASCII punctuation is escaped: Python's re rejects escaped ASCII letters and digits.
        Assert.DoesNotMatch(@"\\[A-Za-z0-9]", CustomScalarLayouts.EscapeRegex(text));
        Assert.Matches("^(?:" + CustomScalarLayouts.EscapeRegex(text) + ")$", text);
    }
}
