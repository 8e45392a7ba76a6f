namespace Sessions.Application.Common.Security;

/// <summary>
/// Declares which scopes a message needs: the caller must hold at least one of them, else the
/// authorization behavior answers 403. A message without the attribute needs only authentication.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RequiresScopeAttribute(params string[] anyOf) : Attribute
{
    public IReadOnlyList<string> AnyOf { get; } = anyOf;
}
