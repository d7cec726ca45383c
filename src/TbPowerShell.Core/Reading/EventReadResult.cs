namespace TbPowerShell.Core.Reading;

/// <summary>What <see cref="EventFileReader.Next"/> produced.</summary>
public enum EventReadResult
{
    /// <summary>A scalar value is in <see cref="EventFileReader.Current"/>.</summary>
    Scalar,

    /// <summary>A non-scalar value is in <see cref="EventFileReader.CurrentValue"/>.</summary>
    Value,

    /// <summary>A damaged region, or one value that could not be decoded, was skipped; see <see cref="EventFileReader.LastError"/>.</summary>
    Error,

    /// <summary>The file ends inside a record; <see cref="EventFileReader.Offset"/> is where to resume.</summary>
    Truncated,

    /// <summary>The file ends after a whole record; <see cref="EventFileReader.Offset"/> is where to go on if it grows.</summary>
    EndOfData,

    /// <summary>
    /// A value of one of <see cref="EventFileReader.CountedKinds"/> was seen but not decoded; its tag, step and kind
    /// are in <see cref="EventFileReader.CurrentHeader"/>. Only readers given counted kinds produce it.
    /// </summary>
    Counted,
}
