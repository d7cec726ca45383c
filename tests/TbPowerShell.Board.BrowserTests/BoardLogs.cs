using TbPowerShell.Core.Imaging;
using TbPowerShell.Core.Summaries;

namespace TbPowerShell.Board.BrowserTests;

/// <summary>Log directories written for the browser tests through the core's writer, with values known in advance.</summary>
internal static class BoardLogs
{
    /// <summary>The scalar tag of the generated runs.</summary>
    public const string LossTag = "loss";

    /// <summary>The image tag (run adam_seed=1).</summary>
    public const string ImageTag = "samples";

    /// <summary>The text tag as written; the reader names it <see cref="TextTagRead"/>.</summary>
    public const string TextTag = "notes";

    /// <summary>The text tag as the board lists it (TensorBoard's suffix added by the writer).</summary>
    public const string TextTagRead = "notes/text_summary";

    /// <summary>The runs: two seeds of one optimiser and another optimiser.</summary>
    public static readonly string[] Runs = ["adam_seed=1", "adam_seed=2", "sgd"];

    /// <summary>Steps of the loss curves: 0 to 49.</summary>
    public const int Steps = 50;

    /// <summary>Markdown that would run script if it reached the page as HTML.</summary>
    public const string HostileMarkdown =
        "**bold words**\n\n<script>alert('script')</script>\n\n<img src=\"x\" onerror=\"alert('onerror')\">\n\n" +
        "[a link](javascript:alert('link'))\n\n<a href=\"#\" onclick=\"alert('click')\">click</a>";

    /// <summary>The loss logged by run <paramref name="run"/> at <paramref name="step"/> (noisy, decreasing).</summary>
    public static double Loss(int run, long step) => Math.Exp(-step / 15.0) * (1 + 0.1 * run) + 0.05 * Math.Sin(step * 1.7 + run);

    /// <summary>The loss as stored and read back (the writer keeps 32-bit floats).</summary>
    public static double StoredLoss(int run, long step) => (float)Loss(run, step);

    /// <summary>Writes the three runs' loss curves, three images (one colour each) and the hostile text in adam_seed=1.</summary>
    public static void Write(string logDir)
    {
        for (int r = 0; r < Runs.Length; r++)
        {
            using var writer = new TbWriter(Path.Combine(logDir, Runs[r]));
            for (long step = 0; step < Steps; step++)
            {
                writer.AddScalar(LossTag, Loss(r, step), step);
            }
            if (r == 0)
            {
                for (int k = 0; k < ImageColors.Length; k++)
                {
                    writer.AddValue(SummaryValues.Image(ImageTag, SolidPng(ImageColors[k]), 16, 16, 3), step: k * 10);
                }
                writer.AddValue(SummaryValues.Text(TextTag, HostileMarkdown), step: 0);
            }
        }
    }

    /// <summary>The colours of the images at steps 0, 10 and 20.</summary>
    public static readonly (byte R, byte G, byte B)[] ImageColors = [(220, 30, 30), (30, 180, 40), (40, 60, 230)];

    private static byte[] SolidPng((byte R, byte G, byte B) color)
    {
        var pixels = new byte[16 * 16 * 3];
        for (int i = 0; i < pixels.Length; i += 3)
        {
            (pixels[i], pixels[i + 1], pixels[i + 2]) = color;
        }
        return PngCodec.Encode(new ImagePixels(16, 16, 3, pixels));
    }
}
