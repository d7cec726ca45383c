namespace TbPowerShell.Bench;

/// <summary>
/// The scalars every benchmark logs: what a training loop logs, four tags per step, with
/// values that change every event (so nothing compresses or caches unrealistically).
/// </summary>
internal static class ScalarWorkload
{
    public static readonly string[] Tags = { "train/loss", "train/accuracy", "train/learning_rate", "eval/loss" };

    public static string Tag(int i) => Tags[i & 3];

    public static long Step(int i) => i >> 2;

    public static double Value(int i) => 1.0 / (1 + (i >> 2)) + (i & 3);
}
