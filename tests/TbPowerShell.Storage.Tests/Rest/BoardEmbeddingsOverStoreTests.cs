using System.Net.Http;
using System.Text;
using System.Text.Json;
using TbPowerShell.Board;
using TbPowerShell.Core.Storage;
using TbPowerShell.Core.Writing;

namespace TbPowerShell.Storage.Tests.Rest;

/// <summary>
/// The board's Embeddings tab (/api/embeddings, /api/embedding) and the offline report over a log directory in an
/// object store: the same answers as for the same runs on disk.
/// </summary>
public sealed class BoardEmbeddingsOverStoreTests() : MountedStoreTest("board")
{
    /// <summary>The same two runs (a scalar each, the test's embeddings in one) in a local folder and in the store.</summary>
    private (string Local, string Remote) WriteRuns()
    {
        string local = _dir.Sub("logs");
        string remote = _bucket.Combine("logs").ToString();
        foreach (string root in new[] { local, remote })
        {
            foreach (string run in new[] { "a", "b" })
            {
                using var writer = new TbWriter(LogLocation.Combine(root, run));
                writer.AddScalar("loss", 0.5, 1);
            }
            foreach (var data in EmbeddingsOverStoreTests.Embeddings())
            {
                ProjectorWriter.Write(LogLocation.Combine(root, "b"), data);
            }
        }
        return (local, remote);
    }

    private static async Task<string> Get(BoardServer board, string path)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{board.Port}/"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Tb-Token", board.Token);
        using var response = await http.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return body;
    }

    private static BoardServer Start(string logDir) =>
        BoardServer.Start(new BoardOptions { LogDirs = [logDir], PollInterval = TimeSpan.FromMilliseconds(200) });

    [Fact]
    public async Task The_embeddings_tab_over_a_store_lists_and_projects_what_it_shows_for_the_same_runs_on_disk()
    {
        var (local, remote) = WriteRuns();
        using var onDisk = Start(local);
        using var inStore = Start(remote);

        string listDisk = await Get(onDisk, "api/embeddings");
        string listStore = await Get(inStore, "api/embeddings");
        var list = JsonDocument.Parse(listStore).RootElement.EnumerateArray().ToList();
        Assert.Equal(["words", "plain"], list.Select(e => e.GetProperty("tag").GetString()));
        Assert.Equal([6, 3], list.Select(e => e.GetProperty("count").GetInt32()));
        Assert.Equal([3, 2], list.Select(e => e.GetProperty("dimension").GetInt32()));
        Assert.Equal(listDisk, listStore);

        foreach (var e in list)
        {
            string query = $"api/embedding?run={e.GetProperty("run").GetInt32()}&index={e.GetProperty("index").GetInt32()}";
            string projection = await Get(inStore, query);
            Assert.Equal(await Get(onDisk, query), projection);
            Assert.Equal(e.GetProperty("count").GetInt32(), JsonDocument.Parse(projection).RootElement.GetProperty("x").GetArrayLength());
        }
    }

    [Fact]
    public async Task An_embedding_added_to_a_store_while_the_board_runs_is_listed_at_the_next_request()
    {
        string remote = _bucket.Combine("live").ToString();
        using (var writer = new TbWriter(LogLocation.Combine(remote, "a")))
        {
            writer.AddScalar("loss", 1, 0);
        }
        using var board = Start(remote);
        Assert.Equal("[]", await Get(board, "api/embeddings"));
        ProjectorWriter.Write(LogLocation.Combine(remote, "a"), EmbeddingsOverStoreTests.Embeddings().Last());
        var e = Assert.Single(JsonDocument.Parse(await Get(board, "api/embeddings")).RootElement.EnumerateArray());
        Assert.Equal(("plain", "a"), (e.GetProperty("tag").GetString(), e.GetProperty("runName").GetString()));
    }

    [Fact]
    public void The_offline_report_of_a_store_holds_the_embeddings_the_report_of_the_same_runs_on_disk_holds()
    {
        var (local, remote) = WriteRuns();
        string Report(string logDir)
        {
            using var output = new MemoryStream();
            BoardReport.Write(output, new BoardOptions { LogDirs = [logDir] }, new ReportOptions { Title = "t" });
            string html = Encoding.UTF8.GetString(output.ToArray());
            int start = html.IndexOf("id=\"tb-report\"", StringComparison.Ordinal);
            Assert.True(start >= 0);
            start = html.IndexOf('>', start) + 1;
            var data = JsonDocument.Parse(html[start..html.IndexOf("</script>", start, StringComparison.Ordinal)]).RootElement;
            return data.GetProperty("embeddings").GetRawText();
        }
        string fromStore = Report(remote);
        Assert.Contains("\"words\"", fromStore);
        Assert.Contains("\"projections\"", fromStore);
        Assert.Equal(Report(local), fromStore);
    }
}
