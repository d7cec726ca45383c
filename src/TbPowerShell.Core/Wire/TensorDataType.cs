namespace TbPowerShell.Core.Wire;

/// <summary>TensorFlow's <c>DataType</c> numbers that the fast decoder needs.</summary>
internal static class TensorDataType
{
    public const int Float = 1;
    public const int Double = 2;
    public const int Int32 = 3;
    public const int UInt8 = 4;
    public const int Int16 = 5;
    public const int Int8 = 6;
    public const int Int64 = 9;
    public const int BFloat16 = 14;
    public const int UInt16 = 17;
    public const int Half = 19;
    public const int UInt32 = 22;
    public const int UInt64 = 23;
}
