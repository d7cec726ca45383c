using System.Globalization;
using System.Text.RegularExpressions;

namespace TbPowerShell.Core.Tests.Model;

public class TbTimestampTests
{
    [Theory]
    [InlineData(0.0, "1970-01-01T00:00:00.0000000+00:00")]
    [InlineData(1_700_000_000.0, "2023-11-14T22:13:20.0000000+00:00")]
    [InlineData(1_700_000_000.5, "2023-11-14T22:13:20.5000000+00:00")]
    [InlineData(1_700_000_000.25, "2023-11-14T22:13:20.2500000+00:00")]
    [InlineData(1.0000001, "1970-01-01T00:00:01.0000001+00:00")]
    [InlineData(-1.5, "1969-12-31T23:59:58.5000000+00:00")]
    public void ToStringIsIso8601WithSevenDigitsInUtc(double seconds, string expected)
    {
        Assert.Equal(expected, new TbTimestamp(seconds).ToString());
    }

    [Fact]
    public void ToStringIgnoresTheCurrentCulture()
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("ar-SA");
            Assert.Equal("2023-11-14T22:13:20.5000000+00:00", new TbTimestamp(1_700_000_000.5).ToString());
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            Assert.Equal(new TbTimestamp(1_700_000_000.5), TbTimestamp.Parse("1700000000.5"));
            Assert.False(TbTimestamp.TryParse("1700000000,5", out _));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void ParseOfToStringIsWithin100Nanoseconds()
    {
        var random = new Random(42);
        var iso = new Regex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}\+00:00$");
        var worst = 0.0;
        for (int i = 0; i < 20_000; i++)
        {
            // Times around now (where a double's own resolution is ~240 ns), and earlier ones.
            double seconds = i % 2 == 0
                ? 1_700_000_000 + random.NextDouble() * 100_000_000
                : random.NextDouble() * 1_000_000_000;
            var t = new TbTimestamp(seconds);
            string text = t.ToString();
            Assert.Matches(iso, text);
            var back = TbTimestamp.Parse(text);
            worst = Math.Max(worst, Math.Abs(back.UnixSeconds - seconds));
        }
        Assert.True(worst <= 100e-9, $"worst round trip error {worst * 1e9:F1} ns");
    }

    [Fact]
    public void TextOfATimestampIsStable()
    {
        // Reading a written form and writing it again gives the same text.
        var random = new Random(7);
        for (int i = 0; i < 5_000; i++)
        {
            string text = new TbTimestamp(1_700_000_000 + random.NextDouble() * 1e8).ToString();
            Assert.Equal(text, TbTimestamp.Parse(text).ToString());
        }
    }

    [Theory]
    [InlineData("1700000000", 1_700_000_000.0)]
    [InlineData("1700000000.25", 1_700_000_000.25)]
    [InlineData(" 1.7e9 ", 1_700_000_000.0)]
    [InlineData("-2.5", -2.5)]
    [InlineData("2023-11-14T22:13:20.5000000+00:00", 1_700_000_000.5)]
    [InlineData("2023-11-15T00:13:20.5+02:00", 1_700_000_000.5)]
    [InlineData("2023-11-14T22:13:20Z", 1_700_000_000.0)]
    [InlineData("2023-11-14T22:13:20", 1_700_000_000.0)] // no offset: UTC, not local
    [InlineData("2023-11-14", 1_699_920_000.0)]
    public void ParseAcceptsIsoAndNumericSeconds(string text, double expected)
    {
        Assert.Equal(expected, TbTimestamp.Parse(text).UnixSeconds);
        Assert.True(TbTimestamp.TryParse(text, out var t));
        Assert.Equal(expected, t.UnixSeconds);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("yesterday")]
    [InlineData("2023-13-45")]
    public void ParseRejectsOtherText(string? text)
    {
        Assert.False(TbTimestamp.TryParse(text, out _));
        if (text is not null)
        {
            var e = Assert.Throws<FormatException>(() => TbTimestamp.Parse(text));
            Assert.Contains(text, e.Message);
        }
    }

    [Fact]
    public void ConvertsAndComparesWithDateTimeAndDateTimeOffset()
    {
        var dto = new DateTimeOffset(2023, 11, 14, 22, 13, 20, 500, TimeSpan.Zero);
        TbTimestamp fromDto = dto;
        Assert.Equal(1_700_000_000.5, fromDto.UnixSeconds);
        DateTimeOffset backDto = fromDto;
        Assert.Equal(dto, backDto);
        Assert.Equal(TimeSpan.Zero, backDto.Offset);

        var utc = new DateTime(2023, 11, 14, 22, 13, 20, 500, DateTimeKind.Utc);
        TbTimestamp fromUtc = utc;
        Assert.Equal(fromDto, fromUtc);
        DateTime backUtc = fromUtc;
        Assert.Equal(DateTimeKind.Utc, backUtc.Kind);
        Assert.Equal(utc, backUtc);

        // A DateTime of unspecified kind is local time, as PowerShell takes it.
        var unspecified = new DateTime(2023, 11, 14, 22, 13, 20, DateTimeKind.Unspecified);
        Assert.Equal(new DateTimeOffset(unspecified, TimeZoneInfo.Local.GetUtcOffset(unspecified)).ToUnixTimeSeconds(),
            (long)TbTimestamp.FromDateTime(unspecified).UnixSeconds);
        var local = utc.ToLocalTime();
        Assert.Equal(fromUtc, TbTimestamp.FromDateTime(local));
        Assert.Equal(local, fromUtc.LocalDateTime);

        // An offset other than UTC is the same instant.
        Assert.Equal(fromDto, (TbTimestamp)dto.ToOffset(TimeSpan.FromHours(-5)));

        Assert.Equal(0, fromDto.CompareTo(dto));
        Assert.Equal(0, fromDto.CompareTo(utc));
        Assert.True(fromDto.CompareTo(dto.AddMicroseconds(1)) < 0); // a tick is below a double's resolution here
        Assert.True(fromDto.CompareTo(utc.AddSeconds(-1)) > 0);
        Assert.True(fromDto.CompareTo((object)new TbTimestamp(0)) > 0);
        Assert.True(fromDto.CompareTo(null) > 0);
        Assert.Throws<ArgumentException>(() => fromDto.CompareTo("2023"));

        Assert.True(new TbTimestamp(1) < new TbTimestamp(2));
        Assert.True(new TbTimestamp(2) >= new TbTimestamp(2));
        Assert.True(new TbTimestamp(3) > (TbTimestamp)DateTimeOffset.UnixEpoch);
        Assert.True(new TbTimestamp(2) != new TbTimestamp(2.0000001));
        Assert.Equal(TimeSpan.FromSeconds(1.5), new TbTimestamp(3) - new TbTimestamp(1.5));
        Assert.Equal(new TbTimestamp(5).GetHashCode(), new TbTimestamp(5).GetHashCode());
        Assert.True(new TbTimestamp(5).Equals((object)new TbTimestamp(5)));
        Assert.False(new TbTimestamp(5).Equals((object)5.0));
    }

    [Fact]
    public void KeepsTheStoredSecondsExactly()
    {
        double stored = 1_700_000_000.123456789;
        var t = new TbTimestamp(stored);
        Assert.Equal(BitConverter.DoubleToInt64Bits(stored), BitConverter.DoubleToInt64Bits(t.UnixSeconds));
        // The double is exactly 1700000000.1234567165374755859375; the DateTimeOffset view rounds
        // that to the nearest 100 ns.
        Assert.Equal(new DateTimeOffset(2023, 11, 14, 22, 13, 20, TimeSpan.Zero).AddTicks(1_234_567), t.DateTimeOffset);
        Assert.Equal("2023-11-14T22:13:20.1234567+00:00", t.ToString());
    }

    [Fact]
    public void NonFiniteAndOutOfRangeValuesStayPrintable()
    {
        Assert.Equal("NaN", new TbTimestamp(double.NaN).ToString());
        Assert.Equal("Infinity", new TbTimestamp(double.PositiveInfinity).ToString());
        Assert.Equal(DateTimeOffset.MaxValue, new TbTimestamp(1e300).DateTimeOffset);
        Assert.Equal(DateTimeOffset.MinValue, new TbTimestamp(-1e300).DateTimeOffset);
        Assert.Equal(DateTimeOffset.MinValue, new TbTimestamp(double.NegativeInfinity).DateTimeOffset);
    }

    [Fact]
    public void FormatsWithACustomFormat()
    {
        var t = new TbTimestamp(1_700_000_000.5);
        Assert.Equal("2023-11-14 22:13", t.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        Assert.Equal(t.ToString(), t.ToString(null, CultureInfo.InvariantCulture));
        Assert.Equal(t.ToString(), t.ToString(""));
    }

    [Fact]
    public void NowIsNow()
    {
        var before = DateTimeOffset.UtcNow;
        var now = TbTimestamp.Now;
        var after = DateTimeOffset.UtcNow;
        Assert.InRange(now.UnixSeconds, before.ToUnixTimeMilliseconds() / 1000.0 - 0.001, after.ToUnixTimeMilliseconds() / 1000.0 + 0.001);
    }

    [Theory]
    [InlineData("2026-12-07T14:23:42.1234567+00:00")]
    [InlineData("1970-01-01T00:00:00.0000001+00:00")]
    [InlineData("2024-02-29T23:59:59.9999999+05:30")]
    [InlineData("2024-03-01T00:00:00.5000000-08:00")]
    [InlineData("2001-09-09T01:46:40.0000000+14:00")]
    [InlineData("9999-12-31T23:59:59.9999999+00:00")]
    [InlineData("0001-01-01T00:00:00.0000000+00:00")]
    public void ItsOwnFormIsReadToTheSameInstantAsTheGeneralDateParserReadsIt(string text)
    {
        // TryParse reads this form by hand (fast, for CSV rows); the BCL's parser is the reference.
        Assert.True(TbTimestamp.TryParse(text, out var parsed));
        var reference = TbTimestamp.FromDateTimeOffset(DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(BitConverter.DoubleToInt64Bits(reference.UnixSeconds), BitConverter.DoubleToInt64Bits(parsed.UnixSeconds));
        // And what it writes, it reads back.
        Assert.Equal(parsed, TbTimestamp.Parse(parsed.ToString()));
    }

    [Theory]
    [InlineData("2023-02-29T00:00:00.0000000+00:00")]
    [InlineData("2024-01-01T00:00:00.0000000+15:00")]
    [InlineData("2024-13-01T00:00:00.0000000+00:00")]
    [InlineData("2024-01-01T24:00:00.0000000+00:00")]
    [InlineData("2024-01-01T00:60:00.0000000+00:00")]
    public void ANonsenseDateInItsOwnFormIsRefusedAsTheGeneralParserRefusesIt(string text)
    {
        Assert.False(DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _));
        Assert.False(TbTimestamp.TryParse(text, out _));
    }
}
