using Sessions.Application.Sessions;

namespace Sessions.Application.Tests.Sessions;

public sealed class SessionReferenceTests
{
    [Theory]
    [InlineData("0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B")]
    [InlineData("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")]
    public void TryParse_FullUuidInAnyCase_IsAnId(string value)
    {
        Assert.True(SessionReference.TryParse(value, out var reference));
        Assert.Equal(Guid.Parse(value), reference.Id);
        Assert.Null(reference.Prefix);
    }

    [Theory]
    [InlineData("ABCD", "abcd")]
    [InlineData("0190a1b2", "0190a1b2")]
    [InlineData("0190a1b2-", "0190a1b2-")]
    [InlineData("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5")]
    public void TryParse_CanonicalPrefix_IsALowercasePrefix(string value, string expected)
    {
        Assert.True(SessionReference.TryParse(value, out var reference));
        Assert.Equal(expected, reference.Prefix);
        Assert.Null(reference.Id);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("abcg")]
    [InlineData("ab%d")]
    [InlineData("ab_d")]
    [InlineData("0190a1b2c")]
    [InlineData("0190a1b2c3d47e5f8a9b0c1d2e3f4a5b")]
    [InlineData("{0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b}")]
    [InlineData("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5bz")]
    public void TryParse_AnythingElse_IsRejected(string? value)
    {
        Assert.False(SessionReference.TryParse(value, out _));
    }

    [Theory]
    [InlineData("abcd", "abce")]
    [InlineData("abcf", "abcg")]
    [InlineData("0199", "019:")]
    [InlineData("0190a1b2-", "0190a1b2.")]
    public void PrefixRange_IsTheHalfOpenRangeOfIdsStartingWithThePrefix(string prefix, string upper)
    {
        SessionReference.PrefixRange(prefix, out var lower, out var high);

        Assert.Equal(prefix, lower);
        Assert.Equal(upper, high);
        var inside = prefix + "ffff";
        Assert.True(string.CompareOrdinal(inside, lower) >= 0 && string.CompareOrdinal(inside, high) < 0);
    }
}
