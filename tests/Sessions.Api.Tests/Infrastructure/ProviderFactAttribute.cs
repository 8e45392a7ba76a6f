namespace Sessions.Api.Tests.Infrastructure;

/// <summary>
/// A test of one database's own behaviour (its plans, its SQL, its migrations): it runs when the
/// suite runs on that database (<c>SESSIONS_TEST_PROVIDER</c>) and is reported as skipped, not as
/// passed, on the other.
/// </summary>
public sealed class ProviderFactAttribute : FactAttribute
{
    public ProviderFactAttribute(string provider) => Skip = SkipUnless(provider);

    /// <summary>Why a test of <paramref name="provider"/> is skipped in this run, or null when the suite runs on it.</summary>
    internal static string? SkipUnless(string provider) =>
        string.Equals(TestDatabase.SuiteProvider, provider, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"Runs on {provider} only; this run is on {TestDatabase.SuiteProvider}.";
}

/// <summary>A <see cref="ProviderFactAttribute"/> with cases: each case runs on that database only.</summary>
public sealed class ProviderTheoryAttribute : TheoryAttribute
{
    public ProviderTheoryAttribute(string provider) => Skip = ProviderFactAttribute.SkipUnless(provider);
}
