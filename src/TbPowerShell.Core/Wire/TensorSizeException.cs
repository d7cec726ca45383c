namespace TbPowerShell.Core.Wire;

/// <summary>
/// Thrown when a tensor claims a size it cannot honestly have: a negative dimension, a shape whose element count
/// overflows, <c>tensor_content</c> or a value list that disagrees with the shape, or TensorFlow's fill form
/// expanded past <see cref="TensorValues.MaxFillElements"/>. The reader reports it as an error of that one value
/// and goes on with the next.
/// </summary>
public sealed class TensorSizeException : Exception
{
    /// <summary>A tensor refused; <paramref name="tooLarge"/> when it claims more than a cap or its bytes allow, false when its sizes disagree.</summary>
    /// <param name="tooLarge">True for a claim over a cap (or one that overflows), false for sizes that contradict each other.</param>
    /// <param name="message">What the tensor claimed and why it was refused, as the end of a sentence about the value ("is a DT_FLOAT tensor whose ...").</param>
    public TensorSizeException(bool tooLarge, string message) : base(message)
    {
        TooLarge = tooLarge;
    }

    /// <summary>True when the tensor claims more than a cap (or more than can be counted); false when its sizes disagree with each other.</summary>
    public bool TooLarge { get; }
}
