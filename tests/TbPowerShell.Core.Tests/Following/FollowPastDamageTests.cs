using TbPowerShell.Core.Model;

namespace TbPowerShell.Core.Tests.Following;

/// <summary>
/// The follower's view of the same damage the readers read past: a file whose first header is damaged is followed
/// (not skipped as "not an event file"), a lying length mid-file is reported and the values after it come, and a
/// record being written at the tail is waited for, never reported as damage.
/// </summary>
public sealed class FollowPastDamageTests
{
    [Fact]
    public void AFileWhoseFirstHeaderIsDamagedIsFollowedPastTheDamage()
    {
        using var temp = new TempDir();
        var file = DamagedFile.FirstHeaderDamaged();
        file.WriteTo(temp.Path);
        using var recorder = new FollowRecorder(temp.Path);
        recorder.WaitUntil(r => r.Count(ReadItemKind.Scalar) == file.Steps.Count, "every intact value");
        recorder.WaitCaughtUp();
        recorder.Stop();

        Assert.Equal(0, recorder.Count(ReadItemKind.NotEventFile));
        var damage = Assert.Single(recorder.Items, i => i.Kind == ReadItemKind.Damaged);
        Assert.Equal(EventReadErrorKind.LengthCrc, damage.Error!.Kind);
        Assert.Equal(file.Steps, recorder.Scalars.Select(i => i.Scalar.Step).ToList());
    }

    [Fact]
    public void ALyingLengthIsDamageButARecordBeingWrittenIsWaitedFor()
    {
        using var temp = new TempDir();
        var file = DamagedFile.LyingLengthMidFile();
        string path = file.WriteTo(temp.Path);
        using var recorder = new FollowRecorder(temp.Path);
        recorder.WaitUntil(r => r.Count(ReadItemKind.Scalar) == file.Steps.Count, "every intact value");

        // A writer writes the next record in two pieces: between them it runs past the end, which is no damage.
        byte[] next = HandFramed.Scalar("loss", 50, 50);
        HandFramed.Append(path, next.AsSpan(0, 25));
        Thread.Sleep(300); // several polls see the half-written record
        HandFramed.Append(path, next.AsSpan(25));
        recorder.WaitUntil(r => r.Count(ReadItemKind.Scalar) == file.Steps.Count + 1, "the record once it is whole");
        recorder.Stop();

        var damage = Assert.Single(recorder.Items, i => i.Kind == ReadItemKind.Damaged);
        Assert.Equal(EventReadErrorKind.LengthBeyondEnd, damage.Error!.Kind);
        Assert.Equal(file.Damage[0].Offset, damage.Error.Offset);
        Assert.Equal(file.Steps.Append(50).ToList(), recorder.Scalars.Select(i => i.Scalar.Step).ToList());
    }

    [Fact]
    public void ManyLyingHeadersAreFollowedAsOneRegionEachAndTheTailIsWaitedFor()
    {
        using var temp = new TempDir();
        var file = DamagedFile.ManyLyingHeaders(groups: 10, perGroup: 100);
        file.WriteTo(temp.Path);
        using var recorder = new FollowRecorder(temp.Path);
        recorder.WaitUntil(r => r.Count(ReadItemKind.Scalar) == file.Steps.Count, "every intact value");
        recorder.WaitCaughtUp();
        Thread.Sleep(200);
        recorder.Stop();

        var damage = recorder.Items.Where(i => i.Kind == ReadItemKind.Damaged).Select(i => (i.Error!.Offset, i.Error.SkippedBytes)).ToList();
        Assert.Equal(file.Damage, damage);
        Assert.Equal(file.Steps, recorder.Scalars.Select(i => i.Scalar.Step).ToList());
    }
}
