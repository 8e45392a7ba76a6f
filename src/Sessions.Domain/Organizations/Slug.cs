using System.Text.RegularExpressions;

namespace Sessions.Domain.Organizations;

/// <summary>The URL name of an organization or workspace: lowercase letters, digits and hyphens.</summary>
public static partial class Slug
{
    public const string Pattern = "^[a-z0-9][a-z0-9-]{0,62}$";

    public static bool IsValid(string? value) => value is not null && SlugRegex().IsMatch(value);

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex SlugRegex();
}
