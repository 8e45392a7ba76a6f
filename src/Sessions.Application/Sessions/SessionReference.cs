namespace Sessions.Application.Sessions;

/// <summary>
/// A <c>{session_id}</c> path segment: a full UUID in any letter case, or a prefix of at least
/// <see cref="MinPrefixLength"/> characters of the canonical lowercase hyphenated form.
/// </summary>
public readonly record struct SessionReference
{
    public const int MinPrefixLength = 4;

    private const int CanonicalLength = 36;

    private SessionReference(Guid? id, string? prefix)
    {
        Id = id;
        Prefix = prefix;
    }

    /// <summary>Set when the segment is a full UUID.</summary>
    public Guid? Id { get; }

    /// <summary>Set (lowercase) when the segment is a prefix.</summary>
    public string? Prefix { get; }

    public static bool TryParse(string? value, out SessionReference reference)
    {
        reference = default;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        if (TryParseFullId(value, out var id))
        {
            reference = new SessionReference(id, null);
            return true;
        }

        if (value.Length < MinPrefixLength)
        {
            return false;
        }

        // Stryker disable once Equality : 36 characters that pass the loop below are a canonical id, which TryParseFullId took above
        if (value.Length >= CanonicalLength)
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var valid = IsHyphenPosition(i) ? c == '-' : char.IsAsciiHexDigit(c);
            if (!valid)
            {
                return false;
            }
        }

        reference = new SessionReference(null, value.ToLowerInvariant());
        return true;
    }

    /// <summary>
    /// A full UUID as CONTRACT 4 writes one: 36 characters with hyphens, any letter case, nothing
    /// around it (<see cref="Guid.TryParseExact(string, string, out Guid)"/> alone trims white space).
    /// Every UUID of a path or query is read by it.
    /// </summary>
    public static bool TryParseFullId(string? value, out Guid id)
    {
        id = default;
        return value is { Length: CanonicalLength } && Guid.TryParseExact(value, "D", out id);
    }

    /// <summary>
    /// The half-open range [<paramref name="lower"/>, <paramref name="upper"/>) of canonical ids that
    /// start with the prefix, for an ordinal index range scan: no character acts as a wildcard.
    /// </summary>
    public static void PrefixRange(string prefix, out string lower, out string upper)
    {
        lower = prefix;
        upper = string.Concat(prefix.AsSpan(0, prefix.Length - 1), ((char)(prefix[^1] + 1)).ToString());
    }

    private static bool IsHyphenPosition(int index) => index is 8 or 13 or 18 or 23;
}
