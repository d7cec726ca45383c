using System.Runtime.InteropServices;

namespace TbPowerShell.Core.Following;

/// <summary>
/// Which file a path names, on Linux: the device, inode and birth time (the birth time tells a new file
/// from a deleted one whose inode number it got). A different identity under the same path is a file
/// that replaced it (renamed over it, or deleted and made again). <see cref="Unknown"/> elsewhere: there
/// a change of length or modification time is what makes the follower check the file's bytes.
/// </summary>
internal readonly record struct FileIdentity(ulong Device, ulong Index, long Birth)
{
    /// <summary>The identity of a file the system does not identify; never equal to a known one.</summary>
    public static readonly FileIdentity Unknown = default;

    public bool IsKnown => this != Unknown;

    /// <summary>True when both are known and differ; an unknown identity differs from nothing.</summary>
    public bool DiffersFrom(FileIdentity other) => IsKnown && other.IsKnown && this != other;
}

/// <summary>What one look at a path found: its length, when it was last written, and which file it is.</summary>
internal readonly record struct FileLook(long Length, long LastWrite, FileIdentity Identity);

/// <summary>
/// Looks at files cheaply enough to do it for every followed file at every poll: one <c>statx</c> call
/// on Linux (length, modification time and identity at once, the cost of the <c>stat</c> that
/// <see cref="FileInfo"/> makes), a <see cref="FileInfo"/> elsewhere (no identity).
/// </summary>
internal static class FileProbe
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const uint StatxMtime = 0x40;
    private const uint StatxSize = 0x200;
    private const uint StatxIno = 0x100;
    private const uint StatxBtime = 0x800;
    private const int StatxBufferSize = 256;
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;

    // statx is in glibc since 2.28 and musl since 1.2.5; without it (or where a sandbox refuses it) the
    // FileInfo path below is used, which is what every look did before identities were kept.
    private static volatile bool s_statxWorks = OperatingSystem.IsLinux();

    /// <summary>
    /// Looks at <paramref name="path"/>; throws as <see cref="FileInfo.Length"/> does (FileNotFoundException when it is not
    /// there). An object in a store is looked at with one request (no identity: a store's objects are not replaced in place).
    /// </summary>
    public static FileLook Look(string path)
    {
        if (Storage.LogLocation.IsStore(path))
        {
            var stat = Storage.LogLocation.Stat(path) ?? throw new FileNotFoundException($"'{path}' is not there any more.", path);
            return new FileLook(stat.Length, stat.LastWrite.UtcTicks, FileIdentity.Unknown);
        }
        if (s_statxWorks)
        {
            Span<byte> buffer = stackalloc byte[StatxBufferSize];
            int errno = Statx(AtFdCwd, path, 0, buffer);
            if (errno == 0 && IsDirectory(buffer))
            {
                errno = ENOENT; // as FileInfo has it: no file by that name
            }
            if (errno == 0)
            {
                return FromStatx(buffer);
            }
            if (errno is ENOENT or ENOTDIR)
            {
                throw new FileNotFoundException($"Could not find file '{path}'.", path);
            }
            // Anything else (access refused, say): FileInfo reports it the usual way.
        }
        var info = new FileInfo(path);
        long length = info.Length;
        return new FileLook(length, info.LastWriteTimeUtc.Ticks, FileIdentity.Unknown);
    }

    /// <summary>statx(2); the errno, 0 on success. Turns itself off for good when the call is missing or refused.</summary>
    private static int Statx(int directory, string path, int flags, Span<byte> buffer)
    {
        int result;
        try
        {
            result = NativeStatx(directory, path, flags, StatxType | StatxSize | StatxMtime | StatxIno | StatxBtime, ref MemoryMarshal.GetReference(buffer));
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            s_statxWorks = false;
            return -1;
        }
        if (result == 0)
        {
            return 0;
        }
        int errno = Marshal.GetLastPInvokeError();
        if (errno is 1 or 38)
        {
            // EPERM (a container's seccomp filter) or ENOSYS (an old kernel): never going to work.
            s_statxWorks = false;
        }
        return errno == 0 ? -1 : errno;
    }

    /// <summary>Reads struct statx (native byte order), whose layout is the same on every Linux architecture.</summary>
    private static FileLook FromStatx(ReadOnlySpan<byte> b)
    {
        uint mask = U32(b, 0);
        ulong inode = U64(b, 32);
        long size = (long)U64(b, 40);
        long birth = (mask & StatxBtime) != 0 ? Nanoseconds(b, 80) : 0;
        long mtime = Nanoseconds(b, 112);
        ulong device = ((ulong)U32(b, 136) << 32) | U32(b, 140);
        var identity = (mask & StatxIno) != 0 ? new FileIdentity(device, inode, birth) : FileIdentity.Unknown;
        return new FileLook(size, mtime, identity);
    }

    private static bool IsDirectory(ReadOnlySpan<byte> b) => (MemoryMarshal.Read<ushort>(b.Slice(28)) & 0xF000) == 0x4000;

    private static long Nanoseconds(ReadOnlySpan<byte> b, int at) =>
        unchecked(I64(b, at) * 1_000_000_000 + U32(b, at + 8));

    private static uint U32(ReadOnlySpan<byte> b, int at) => MemoryMarshal.Read<uint>(b.Slice(at));

    private static ulong U64(ReadOnlySpan<byte> b, int at) => MemoryMarshal.Read<ulong>(b.Slice(at));

    private static long I64(ReadOnlySpan<byte> b, int at) => MemoryMarshal.Read<long>(b.Slice(at));

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int NativeStatx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, ref byte buffer);
}
