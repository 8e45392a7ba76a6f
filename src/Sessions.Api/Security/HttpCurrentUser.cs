using System.Security.Claims;
using Sessions.Application.Common.Security;

namespace Sessions.Api.Security;

/// <summary>The request's principal, read from the validated token's claims (names as issued, not remapped).</summary>
public sealed class HttpCurrentUser(IHttpContextAccessor accessor) : ICurrentUser
{
    private ClaimsPrincipal? Principal => accessor.HttpContext?.User;

    public bool IsAuthenticated => Principal?.Identity?.IsAuthenticated == true;

    public Guid? Id => IdOf(Principal);

    /// <summary>The <c>email</c> claim; an empty or blank one (some providers send it for users without an address) is none.</summary>
    public string? Email => Claim("email") is { } email && !string.IsNullOrWhiteSpace(email) ? email : null;

    public string? Name => Claim("name");

    public string? Username => Claim("preferred_username");

    public IReadOnlySet<string> Scopes => field ??= ReadScopes();

    /// <summary>
    /// The user a principal's <c>sub</c> names, in any spelling of the id; null without one, and for
    /// the nil UUID, which names no user (a member cannot be given that id either).
    /// </summary>
    public static Guid? IdOf(ClaimsPrincipal? principal) =>
        Guid.TryParse(principal?.FindFirst("sub")?.Value, out var id) && id != Guid.Empty ? id : null;

    private string? Claim(string type) => Principal?.FindFirst(type)?.Value;

    private HashSet<string> ReadScopes() =>
        Principal?.Claims
            .Where(c => c.Type is "scope" or "scp")
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToHashSet(StringComparer.Ordinal) ?? [];
}
