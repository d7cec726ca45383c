using Azure.Core;
using Azure.Core.Pipeline;

namespace TbPowerShell.Storage.Azure;

/// <summary>
/// Gives each request a network timeout that grows with what it sends: <see cref="AzureObjectStore.NetworkTimeout"/> for a
/// request without a body, plus one second per <see cref="MinBytesPerSecond"/> bytes of body. A server that stopped
/// answering is then found in seconds for listings, looks and reads, while a 4 MiB block still goes up over a slow link
/// (about 1 Mbit/s) instead of timing out on every attempt.
/// </summary>
internal sealed class SizedTimeoutPolicy : HttpPipelineSynchronousPolicy
{
    /// <summary>The slowest upload rate a body is given time for: 128 KiB/s.</summary>
    public const int MinBytesPerSecond = 128 * 1024;

    /// <summary>The timeout of a request sending <paramref name="bodyBytes"/> bytes.</summary>
    public static TimeSpan TimeoutFor(long bodyBytes) => AzureObjectStore.NetworkTimeout + TimeSpan.FromSeconds((double)Math.Max(0, bodyBytes) / MinBytesPerSecond);

    /// <inheritdoc/>
    public override void OnSendingRequest(HttpMessage message)
    {
        if (message.Request.Content is { } content && content.TryComputeLength(out long length) && length > 0)
        {
            message.NetworkTimeout = TimeoutFor(length);
        }
    }
}
