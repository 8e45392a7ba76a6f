using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Sessions.Api.Security;

/// <summary>
/// The bearer token handler, remembering what it validated: a client sends the same token with
/// every request, and parsing it and checking its signature again was a twentieth of a GET. A
/// token that validated is answered from memory until the earlier of its own expiry and
/// <see cref="Lifetime"/> after it was checked; a token that failed is checked again every time
/// (its reason is what the 401 says). At most <see cref="Capacity"/> tokens are kept: when full,
/// the lapsed ones are dropped (looked for at most once a second), and if none has lapsed a new
/// token is validated without being kept.
/// The cached identity is shared by the requests that carry the same token, which are one principal.
/// </summary>
internal sealed class ValidatedTokenCache(TimeProvider clock) : JsonWebTokenHandler
{
    /// <summary>How long a validated token is trusted without checking it again (signing keys may rotate).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    public const int Capacity = 1024;

    private readonly ConcurrentDictionary<string, (TokenValidationResult Result, DateTimeOffset Until)> _validated = new(StringComparer.Ordinal);

    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = clock.GetUtcNow();
        if (_validated.TryGetValue(token, out var known))
        {
            if (known.Until > now)
            {
                return known.Result;
            }

            _validated.TryRemove(token, out _);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is { } validated)
        {
            var expires = new DateTimeOffset(DateTime.SpecifyKind(validated.ValidTo, DateTimeKind.Utc));
            var until = expires < now + Lifetime ? expires : now + Lifetime;
            if (until > now && HasRoom(now))
            {
                _validated[token] = (result, until);
            }
        }

        return result;
    }

    /// <summary>Room for one more token; when full, the lapsed ones are swept out, at most once a second.</summary>
    private bool HasRoom(DateTimeOffset now)
    {
        if (_validated.Count < Capacity)
        {
            return true;
        }

        lock (_validated)
        {
            if (now < _nextSweep)
            {
                return false;
            }

            _nextSweep = now + TimeSpan.FromSeconds(1);
            foreach (var (token, entry) in _validated)
            {
                if (entry.Until <= now)
                {
                    _validated.TryRemove(token, out _);
                }
            }
        }

        return _validated.Count < Capacity;
    }
}
