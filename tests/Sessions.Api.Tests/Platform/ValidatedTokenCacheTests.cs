using System.Text;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using Sessions.Api.Security;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>The bearer token handler's memory: what it keeps, for how long, and what it never keeps.</summary>
public sealed class ValidatedTokenCacheTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    private static readonly TokenValidationParameters Parameters = new()
    {
        ValidIssuer = TestTokens.Issuer,
        ValidAudience = TestTokens.Audience,
        IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestTokens.SigningKey)),
        ClockSkew = TimeSpan.Zero,
    };

    [Fact]
    public async Task AValidToken_IsAnsweredFromMemory_UntilItExpires()
    {
        var cache = new ValidatedTokenCache(_clock);
        var token = TestTokens.Create(Guid.NewGuid(), ["sessions:read"], expires: _clock.GetUtcNow().UtcDateTime.AddSeconds(20));

        var first = await cache.ValidateTokenAsync(token, Parameters);
        var again = await cache.ValidateTokenAsync(token, Parameters);
        _clock.Advance(TimeSpan.FromSeconds(21));
        var afterExpiry = await cache.ValidateTokenAsync(token, Parameters);

        Assert.True(first.IsValid);
        Assert.Same(first, again);
        Assert.NotSame(first, afterExpiry);
    }

    [Fact]
    public async Task ALongLivedToken_IsCheckedAgain_AfterTheCachesLifetime()
    {
        var cache = new ValidatedTokenCache(_clock);
        var token = TestTokens.Create(Guid.NewGuid(), ["sessions:read"]);

        var first = await cache.ValidateTokenAsync(token, Parameters);
        _clock.Advance(ValidatedTokenCache.Lifetime - TimeSpan.FromSeconds(1));
        var within = await cache.ValidateTokenAsync(token, Parameters);
        _clock.Advance(TimeSpan.FromSeconds(2));
        var after = await cache.ValidateTokenAsync(token, Parameters);

        Assert.Same(first, within);
        Assert.NotSame(first, after);
        Assert.True(after.IsValid);
    }

    [Fact]
    public async Task AnInvalidToken_IsNeverKept()
    {
        var cache = new ValidatedTokenCache(_clock);
        var forged = TestTokens.Create(Guid.NewGuid(), ["sessions:read"], signingKey: "another-signing-key-0123456789abcdef-xyz");

        var first = await cache.ValidateTokenAsync(forged, Parameters);
        var again = await cache.ValidateTokenAsync(forged, Parameters);

        Assert.False(first.IsValid);
        Assert.False(again.IsValid);
        Assert.NotSame(first, again);
    }

    [Fact]
    public async Task WhenFull_ANewTokenIsValidatedWithoutBeingKept_UntilKeptOnesLapse()
    {
        var cache = new ValidatedTokenCache(_clock);
        for (var i = 0; i < ValidatedTokenCache.Capacity; i++)
        {
            Assert.True((await cache.ValidateTokenAsync(TestTokens.Create(Guid.NewGuid(), ["sessions:read"]), Parameters)).IsValid);
        }

        var token = TestTokens.Create(Guid.NewGuid(), ["sessions:read"]);
        var whileFull = await cache.ValidateTokenAsync(token, Parameters);
        var stillFull = await cache.ValidateTokenAsync(token, Parameters);
        _clock.Advance(ValidatedTokenCache.Lifetime);
        var roomAgain = await cache.ValidateTokenAsync(token, Parameters);
        var kept = await cache.ValidateTokenAsync(token, Parameters);

        Assert.True(whileFull.IsValid);
        Assert.NotSame(whileFull, stillFull);
        Assert.Same(roomAgain, kept);
    }
}
