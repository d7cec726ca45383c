using System.Management.Automation;
using TbPowerShell.Core.Imaging;

namespace TbPowerShell.Internal;

/// <summary>The one mapping from the core's image problems to PowerShell error ids and categories.</summary>
internal static class ImageErrors
{
    /// <summary>The error record for <paramref name="e"/>; its offending value is the target, else <paramref name="fallbackTarget"/>.</summary>
    public static ErrorRecord Record(ImageFormatException e, object? fallbackTarget)
    {
        var (id, category) = e.Error switch
        {
            ImageError.InvalidShape => (ErrorIds.InvalidImageShape, ErrorCategory.InvalidArgument),
            ImageError.ShapeMismatch => (ErrorIds.ShapeMismatch, ErrorCategory.InvalidArgument),
            ImageError.InvalidChannelCount => (ErrorIds.InvalidChannelCount, ErrorCategory.InvalidArgument),
            ImageError.TooLarge => (ErrorIds.ImageTooLarge, ErrorCategory.LimitsExceeded),
            _ => (ErrorIds.ImageUnreadable, ErrorCategory.InvalidData),
        };
        return new ErrorRecord(e, id, category, e.OffendingValue ?? fallbackTarget);
    }
}
