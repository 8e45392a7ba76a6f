namespace Sessions.Application.Common.Security;

/// <summary>Holds the <see cref="Caller"/> of the current request scope.</summary>
public sealed class CallerContext
{
    private Caller? _caller;

    /// <summary>The caller; reading it before the authorization behavior ran is a programming error.</summary>
    public Caller Current => _caller ?? throw new InvalidOperationException("The caller is established by the authorization behavior before any handler runs.");

    public void Set(Caller caller) => _caller = caller;
}
