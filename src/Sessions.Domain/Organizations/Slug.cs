using Sessions.Domain.Common;

namespace Sessions.Domain.Organizations;

/// <summary>The URL name of an organization or workspace: lowercase letters, digits and hyphens.</summary>
public static class Slug
{
    /// <summary>The rule as the contract writes it, for messages; <see cref="IsValid"/> applies it exactly.</summary>
    public const string Pattern = "^[a-z0-9][a-z0-9-]{0,62}$";

    /// <summary>What a refused slug is told: the rule in words, then as the contract writes it.</summary>
    public static readonly string Requirement = $"must be 1 to {FieldLimits.Slug} characters of a-z, 0-9 and '-', not starting with '-' ({Pattern})";

    /// <summary>
    /// Whether <paramref name="value"/> matches <see cref="Pattern"/> as a whole string. Read
    /// character by character: a .NET regex's <c>$</c> also matches before a final newline.
    /// </summary>
    public static bool IsValid(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > FieldLimits.Slug || value[0] == '-')
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                return false;
            }
        }

        return true;
    }
}
