namespace TbPowerShell.Core.Tests;

/// <summary>
/// What the linked payload-bomb catalogue needs from the core tests' support files: the board tests only write the
/// bomb files and never start the child reader, so the host is the plain dotnet on the path.
/// </summary>
internal static class CrashWriter
{
    public static string DotnetHost => Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
}
