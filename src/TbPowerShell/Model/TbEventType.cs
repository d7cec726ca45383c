namespace TbPowerShell;

/// <summary>Which kinds of values <c>Get-TbEvent</c> emits.</summary>
public enum TbEventType
{
    /// <summary>Scalars, in the old (<c>simple_value</c>) and new (scalar tensor) encodings alike.</summary>
    Scalar,
}
