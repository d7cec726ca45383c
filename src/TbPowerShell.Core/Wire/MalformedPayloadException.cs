namespace TbPowerShell.Core.Wire;

/// <summary>Thrown when bytes are not a well-formed protobuf message.</summary>
public sealed class MalformedPayloadException : Exception
{
    /// <summary>Creates the exception with a message saying what was malformed.</summary>
    public MalformedPayloadException(string message) : base(message)
    {
    }
}
