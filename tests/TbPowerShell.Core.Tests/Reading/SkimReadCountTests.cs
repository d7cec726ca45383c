using TbPowerShell.Core.Model;
using TbPowerShell.Core.Reading;
using TbPowerShell.Core.Records;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Core.Tests.Reading;

public sealed class SkimReadCountTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ScalarsBetweenSkippedImagesTakeOneReadEach()
    {
        // A regular log: 120 scalars (about 7 kB, more than the reader's first read after a skip), then a 64 kB image, 40 times over.
        string dir = _dir.Sub("regular");
        var random = new Random(5);
        var image = new byte[64 * 1024];
        using (var writer = new TbWriter(dir))
        {
            for (int step = 0; step < 400; step++)
            {
                var at = new TbTimestamp(1.7e9 + step);
                for (int s = 0; s < 12; s++)
                {
                    writer.AddScalar($"metric/{s}", step + s * 0.5, step, at);
                }
                if (step % 10 == 9)
                {
                    random.NextBytes(image);
                    writer.AddValue(SummaryValues.Image("samples", image, 128, 128, 3), step, at);
                }
            }
        }
        string path = Directory.GetFiles(dir).Single();
        long fileLength = new FileInfo(path).Length;

        var stream = new CountingStream(RecordReader.OpenShared(path));
        int scalars = 0;
        using (var reader = new EventFileReader(stream, path, null, null, 0, EventKinds.Scalar))
        {
            EventReadResult result;
            while ((result = reader.Next()) != EventReadResult.EndOfData)
            {
                Assert.Equal(EventReadResult.Scalar, result);
                scalars++;
            }
        }
        Assert.Equal(4800, scalars);
        // Once the reader has seen the pattern, the scalars after one image and the head of the next come in one
        // read (a few more while it learns it), and the images themselves are not read.
        Assert.InRange(stream.Reads, 40, 40 + 6);
        Assert.True(stream.BytesRead < fileLength / 5, $"{stream.BytesRead} of {fileLength} bytes read");
    }
}
