namespace Sessions.Application.Common.Security;

/// <summary>The authenticated principal of the current request, read from its token.</summary>
public interface ICurrentUser
{
    bool IsAuthenticated { get; }

    /// <summary>The <c>sub</c> claim, when it is a UUID other than the nil UUID.</summary>
    Guid? Id { get; }

    string? Email { get; }

    string? Name { get; }

    string? Username { get; }

    IReadOnlySet<string> Scopes { get; }

    bool HasScope(string scope) => Scopes.Contains(scope);
}
