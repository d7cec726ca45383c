using TbPowerShell.Torch.Demo;
using TorchSharp;
using static TorchSharp.torch;

namespace TbPowerShell.Torch.Tests.Hooks;

/// <summary>A writer in a fresh directory; closing it reads back what was written.</summary>
internal sealed class HookRun : IDisposable
{
    private readonly TempDir _dir = new();

    public HookRun()
    {
        Writer = new TbWriter(_dir.Path);
    }

    public TbWriter Writer { get; }

    public string LogDir => _dir.Path;

    /// <summary>Closes the writer (which removes its hooks and drains their work) and reads the run.</summary>
    public WrittenRun Close()
    {
        Writer.Close();
        return WrittenRun.Read(_dir.Path);
    }

    public void Dispose()
    {
        Writer.Dispose();
        foreach (var r in ModuleHooks.Registrations.Where(r => r.Writer == Writer))
        {
            r.Remove();
        }
        _dir.Dispose();
    }
}

internal static class Steps
{
    /// <summary>A batch of <paramref name="count"/> demo images (N×1×16×16).</summary>
    public static Tensor Images(int count = 2, int seed = 7) => new ShapesDataset(count, seed).Images(0, count);

    /// <summary>Forward passes (no backward) at the writer's steps <paramref name="steps"/>, each in a dispose scope.</summary>
    public static void Forward(nn.Module<Tensor, Tensor> model, TbWriter writer, Tensor input, IEnumerable<long> steps)
    {
        foreach (long step in steps)
        {
            writer.GlobalStep = step;
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            model.call(input);
        }
    }
}
