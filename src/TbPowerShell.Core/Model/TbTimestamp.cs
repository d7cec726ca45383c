using System.Globalization;

namespace TbPowerShell;

/// <summary>
/// An event's wall time: the exact double seconds since the Unix epoch stored on disk, shown and
/// parsed as an ISO 8601 date with seven fractional digits. It compares with, and converts to and
/// from, <see cref="DateTimeOffset"/> and <see cref="DateTime"/>, so PowerShell can compare and
/// format it like a date, while <c>Export-Csv</c> (which calls <c>ToString()</c>) writes a form that
/// reads back to the microsecond.
/// </summary>
public readonly struct TbTimestamp : IComparable, IComparable<TbTimestamp>, IEquatable<TbTimestamp>, IFormattable
{
    /// <summary>The ISO 8601 form used by <see cref="ToString()"/>: UTC, seven fractional digits.</summary>
    public const string IsoFormat = "yyyy-MM-ddTHH:mm:ss.fffffffzzz";

    private const double TicksPerSecond = TimeSpan.TicksPerSecond;

    // The whole Unix seconds a DateTimeOffset can hold (year 1 to year 9999).
    private const long MinUnixSeconds = -62_135_596_800;
    private const long MaxUnixSeconds = 253_402_300_799;

    /// <summary>Creates a timestamp from seconds since 1970-01-01T00:00:00Z, kept exactly.</summary>
    public TbTimestamp(double unixSeconds)
    {
        UnixSeconds = unixSeconds;
    }

    /// <summary>Seconds since 1970-01-01T00:00:00Z, exactly as stored in the event file.</summary>
    public double UnixSeconds { get; }

    /// <summary>The time as a <see cref="System.DateTimeOffset"/> in UTC, rounded to 100 ns.</summary>
    public DateTimeOffset DateTimeOffset
    {
        get
        {
            if (!double.IsFinite(UnixSeconds))
            {
                return UnixSeconds < 0 ? System.DateTimeOffset.MinValue : System.DateTimeOffset.MaxValue;
            }
            // In integers: a double holds ticks since year 1 (about 6.4e17) only to 128 ticks
            // (12.8 us), so the whole seconds and the fraction are converted separately.
            double whole = Math.Floor(UnixSeconds);
            if (whole < MinUnixSeconds)
            {
                return System.DateTimeOffset.MinValue;
            }
            if (whole > MaxUnixSeconds)
            {
                return System.DateTimeOffset.MaxValue;
            }
            long ticks = System.DateTimeOffset.UnixEpoch.Ticks + (long)whole * TimeSpan.TicksPerSecond
                + (long)Math.Round((UnixSeconds - whole) * TicksPerSecond);
            return new DateTimeOffset(Math.Clamp(ticks, System.DateTimeOffset.MinValue.Ticks, System.DateTimeOffset.MaxValue.Ticks), TimeSpan.Zero);
        }
    }

    /// <summary>The time as a UTC <see cref="DateTime"/>.</summary>
    public DateTime UtcDateTime => DateTimeOffset.UtcDateTime;

    /// <summary>The time as a local <see cref="DateTime"/>.</summary>
    public DateTime LocalDateTime => DateTimeOffset.LocalDateTime;

    /// <summary>Now, from the system clock (UTC), to the tick.</summary>
    public static TbTimestamp Now => FromDateTimeOffset(System.DateTimeOffset.UtcNow);

    /// <summary>Converts a <see cref="System.DateTimeOffset"/> (100 ns precision).</summary>
    public static TbTimestamp FromDateTimeOffset(DateTimeOffset value)
    {
        // Whole seconds exactly plus the fraction, so the result is the double nearest the instant
        // (ticks since 1970 as a double are only exact to 2 ticks).
        long ticks = value.UtcTicks - System.DateTimeOffset.UnixEpoch.Ticks;
        long seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out long remainder);
        if (remainder < 0)
        {
            seconds--;
            remainder += TimeSpan.TicksPerSecond;
        }
        return new TbTimestamp(seconds + remainder / TicksPerSecond);
    }

    /// <summary>Converts a <see cref="DateTime"/>; an unspecified kind is taken as local time, as PowerShell does.</summary>
    public static TbTimestamp FromDateTime(DateTime value) =>
        FromDateTimeOffset(value.Kind == DateTimeKind.Utc ? new DateTimeOffset(value) : new DateTimeOffset(value.ToUniversalTime()));

    /// <summary>
    /// Parses an ISO 8601 date (any offset; no offset means UTC) or a number of Unix seconds,
    /// with the invariant culture.
    /// </summary>
    public static TbTimestamp Parse(string text) =>
        TryParse(text, out var result)
            ? result
            : throw new FormatException($"'{text}' is neither an ISO 8601 date nor a number of Unix seconds.");

    /// <summary>Parses like <see cref="Parse(string)"/>; false when the text is neither form.</summary>
    public static bool TryParse(string? text, out TbTimestamp result)
    {
        result = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        text = text.Trim();
        if (TryParseOwnForm(text, out result))
        {
            return true;
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
        {
            result = new TbTimestamp(seconds);
            return true;
        }
        if (System.DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var dto))
        {
            result = FromDateTimeOffset(dto);
            return true;
        }
        return false;
    }

    /// <summary>
    /// A timestamp in its own form (<see cref="IsoFormat"/>: <c>2026-12-07T14:23:42.1234567+00:00</c>, what
    /// <see cref="ToString()"/> and so <c>Export-Csv</c> write), read by hand: the general date parser costs more than
    /// the rest of a CSV row. False for any other text (the general parser then reads it, to the same instant).
    /// </summary>
    private static bool TryParseOwnForm(string text, out TbTimestamp wallTime)
    {
        wallTime = default;
        if (text.Length != 33 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':'
            || text[19] != '.' || (text[27] != '+' && text[27] != '-') || text[30] != ':')
        {
            return false;
        }
        if (!TryDigits(text, 0, 4, out int year) || !TryDigits(text, 5, 2, out int month) || !TryDigits(text, 8, 2, out int day)
            || !TryDigits(text, 11, 2, out int hour) || !TryDigits(text, 14, 2, out int minute) || !TryDigits(text, 17, 2, out int second)
            || !TryDigits(text, 20, 7, out int fraction) || !TryDigits(text, 28, 2, out int offsetHours) || !TryDigits(text, 31, 2, out int offsetMinutes))
        {
            return false;
        }
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(year, 1), month) || hour > 23 || minute > 59 || second > 59
            || year < 1 || offsetHours > 14 || offsetMinutes > 59)
        {
            return false;
        }
        var offset = new TimeSpan(offsetHours, offsetMinutes, 0);
        if (text[27] == '-')
        {
            offset = -offset;
        }
        long localTicks = new DateTime(year, month, day, hour, minute, second).Ticks + fraction;
        long utcTicks = localTicks - offset.Ticks;
        if (offset.Duration() > TimeSpan.FromHours(14) || utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }
        wallTime = FromDateTimeOffset(new DateTimeOffset(localTicks, offset));
        return true;
    }

    private static bool TryDigits(string text, int start, int count, out int value)
    {
        value = 0;
        for (int i = start; i < start + count; i++)
        {
            int digit = text[i] - '0';
            if ((uint)digit > 9)
            {
                return false;
            }
            value = value * 10 + digit;
        }
        return true;
    }

    /// <summary>PowerShell and C# conversion from <see cref="System.DateTimeOffset"/>.</summary>
    public static implicit operator TbTimestamp(DateTimeOffset value) => FromDateTimeOffset(value);

    /// <summary>PowerShell and C# conversion from <see cref="DateTime"/>.</summary>
    public static implicit operator TbTimestamp(DateTime value) => FromDateTime(value);

    /// <summary>PowerShell and C# conversion to <see cref="System.DateTimeOffset"/>.</summary>
    public static implicit operator DateTimeOffset(TbTimestamp value) => value.DateTimeOffset;

    /// <summary>PowerShell and C# conversion to a UTC <see cref="DateTime"/>.</summary>
    public static implicit operator DateTime(TbTimestamp value) => value.UtcDateTime;

    /// <summary>The time between two timestamps.</summary>
    public static TimeSpan operator -(TbTimestamp left, TbTimestamp right) =>
        TimeSpan.FromSeconds(left.UnixSeconds - right.UnixSeconds);

    /// <summary>Compares two timestamps.</summary>
    public static bool operator <(TbTimestamp left, TbTimestamp right) => left.CompareTo(right) < 0;

    /// <summary>Compares two timestamps.</summary>
    public static bool operator >(TbTimestamp left, TbTimestamp right) => left.CompareTo(right) > 0;

    /// <summary>Compares two timestamps.</summary>
    public static bool operator <=(TbTimestamp left, TbTimestamp right) => left.CompareTo(right) <= 0;

    /// <summary>Compares two timestamps.</summary>
    public static bool operator >=(TbTimestamp left, TbTimestamp right) => left.CompareTo(right) >= 0;

    /// <summary>Equality of the stored seconds.</summary>
    public static bool operator ==(TbTimestamp left, TbTimestamp right) => left.Equals(right);

    /// <summary>Inequality of the stored seconds.</summary>
    public static bool operator !=(TbTimestamp left, TbTimestamp right) => !left.Equals(right);

    /// <inheritdoc />
    public int CompareTo(TbTimestamp other) => UnixSeconds.CompareTo(other.UnixSeconds);

    /// <inheritdoc />
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        TbTimestamp t => CompareTo(t),
        DateTimeOffset d => CompareTo(FromDateTimeOffset(d)),
        DateTime d => CompareTo(FromDateTime(d)),
        _ => throw new ArgumentException($"Cannot compare a {nameof(TbTimestamp)} with a {obj.GetType().Name}.", nameof(obj)),
    };

    /// <inheritdoc />
    public bool Equals(TbTimestamp other) => UnixSeconds.Equals(other.UnixSeconds);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TbTimestamp other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => UnixSeconds.GetHashCode();

    /// <summary>ISO 8601 in UTC with seven fractional digits, e.g. <c>2023-11-14T22:13:20.1234567+00:00</c>.</summary>
    public override string ToString() => ToString(null, CultureInfo.InvariantCulture);

    /// <summary>Formats like <see cref="System.DateTimeOffset"/>; no format means <see cref="IsoFormat"/>.</summary>
    public string ToString(string? format, IFormatProvider? formatProvider)
    {
        if (!double.IsFinite(UnixSeconds))
        {
            return UnixSeconds.ToString(CultureInfo.InvariantCulture);
        }
        return string.IsNullOrEmpty(format)
            ? DateTimeOffset.ToString(IsoFormat, CultureInfo.InvariantCulture)
            : DateTimeOffset.ToString(format, formatProvider);
    }

    /// <summary>Formats like <see cref="System.DateTimeOffset"/> with the current culture.</summary>
    public string ToString(string? format) => ToString(format, CultureInfo.CurrentCulture);
}
