namespace TbPowerShell.Internal;

/// <summary>
/// An element of array input is not a number. The element is the error's target (not the whole array, which may hold
/// millions of numbers), and the message gives its index in the flattened data.
/// </summary>
internal sealed class NotANumberException : ArgumentException
{
    public NotANumberException(string message, object? element, long index) : base(message)
    {
        Element = element;
        Index = index;
    }

    /// <summary>The element that is not a number (null for a null element).</summary>
    public object? Element { get; }

    /// <summary>Its index among the numbers of the flattened data.</summary>
    public long Index { get; }
}
