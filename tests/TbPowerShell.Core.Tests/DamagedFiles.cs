using TbPowerShell.Core.Records;

namespace TbPowerShell.Core.Tests;

/// <summary>
/// Event files damaged the ways readers used to give up on: a damaged first header, a verified length that runs past
/// the end of the file (a lie when intact records follow it, a record still being written when none does), and many
/// such lies. Each file holds scalars of tag "loss" whose value is their step, so what a reader returns is checkable.
/// </summary>
internal sealed class DamagedFile
{
    /// <summary>What a lying header claims: far more than any file holds.</summary>
    public const ulong Lie = 1UL << 40;

    private readonly MemoryStream _bytes = new();
    private readonly List<long> _steps = new();

    /// <summary>The file's bytes.</summary>
    public byte[] Bytes => _bytes.ToArray();

    /// <summary>The steps of the intact scalars, in file order.</summary>
    public IReadOnlyList<long> Steps => _steps;

    /// <summary>Where each damaged region starts and how long it is, as readers should report it (the tail excluded).</summary>
    public List<(long Offset, long Length)> Damage { get; } = new();

    /// <summary>Where a record still being written starts, or -1.</summary>
    public long TailOffset { get; private set; } = -1;

    public long Length => _bytes.Length;

    /// <summary>The file_version record, its length field's CRC broken when <paramref name="damaged"/>.</summary>
    public DamagedFile FileVersion(bool damaged = false)
    {
        var record = HandFramed.FileVersion();
        if (damaged)
        {
            record[9] ^= 0x5A;
            Damage.Add((_bytes.Length, record.Length));
        }
        _bytes.Write(record);
        return this;
    }

    /// <summary>Intact scalars for steps <paramref name="first"/> .. first + count - 1.</summary>
    public DamagedFile Scalars(long first, int count)
    {
        for (long step = first; step < first + count; step++)
        {
            _bytes.Write(HandFramed.Scalar("loss", step, step));
            _steps.Add(step);
        }
        return this;
    }

    /// <summary><paramref name="count"/> back-to-back 12-byte headers whose length CRCs verify, each claiming <see cref="Lie"/> bytes.</summary>
    /// <param name="count">How many.</param>
    /// <param name="intactFollows">Whether intact records will follow them (then they are one damaged region).</param>
    public DamagedFile LyingHeaders(int count, bool intactFollows = true)
    {
        long start = _bytes.Length;
        var header = new byte[TfRecord.HeaderSize];
        BitConverter.TryWriteBytes(header.AsSpan(0, 8), Lie);
        BitConverter.TryWriteBytes(header.AsSpan(8, 4), MaskedCrc32C.ComputeMasked(header.AsSpan(0, 8)));
        for (int i = 0; i < count; i++)
        {
            _bytes.Write(header);
        }
        if (intactFollows)
        {
            Damage.Add((start, _bytes.Length - start));
        }
        else
        {
            TailOffset = start;
        }
        return this;
    }

    /// <summary>The first <paramref name="bytes"/> bytes of a scalar record of step <paramref name="step"/>: a record still being written.</summary>
    public DamagedFile HalfWritten(long step, int bytes)
    {
        TailOffset = _bytes.Length;
        _bytes.Write(HandFramed.Scalar("loss", step, step).AsSpan(0, bytes));
        return this;
    }

    /// <summary>Writes the file as <c>events.out.tfevents.*</c> in <paramref name="dir"/> and returns its path.</summary>
    public string WriteTo(string dir, string name = "events.out.tfevents.1700000000.test.1.0")
    {
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, Bytes);
        return path;
    }

    /// <summary>A damaged first header (the file_version record), then 61 intact scalars.</summary>
    public static DamagedFile FirstHeaderDamaged() => new DamagedFile().FileVersion(damaged: true).Scalars(0, 61);

    /// <summary>20 scalars, one lying header, 30 scalars.</summary>
    public static DamagedFile LyingLengthMidFile() => new DamagedFile().FileVersion().Scalars(0, 20).LyingHeaders(1).Scalars(20, 30);

    /// <summary>20 scalars, then a header that verifies and the first bytes of its payload: a writer is writing it.</summary>
    public static DamagedFile LyingLengthAtTail() => new DamagedFile().FileVersion().Scalars(0, 20).HalfWritten(20, 30);

    /// <summary>Groups of <paramref name="perGroup"/> lying headers, each followed by one scalar, then lying headers and nothing intact.</summary>
    public static DamagedFile ManyLyingHeaders(int groups = 40, int perGroup = 250)
    {
        var file = new DamagedFile().FileVersion().Scalars(0, 1);
        for (int g = 1; g <= groups; g++)
        {
            file.LyingHeaders(perGroup).Scalars(g, 1);
        }
        return file.LyingHeaders(perGroup, intactFollows: false);
    }
}
