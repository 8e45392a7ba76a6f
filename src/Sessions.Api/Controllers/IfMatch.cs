using System.Globalization;
using Microsoft.Net.Http.Headers;
using Sessions.Application.Sessions;

namespace Sessions.Api.Controllers;

/// <summary>
/// Reads <c>If-Match</c>: <c>*</c>, or ETags of session versions. A session's ETag is its version,
/// not a digest of the answer's bytes, so its weak form (<c>W/"8"</c>, which a proxy that compresses
/// answers makes of the service's <c>"8"</c>) names the same version and matches it (ADR 0054).
/// Foreign tags never match.
/// </summary>
public static class IfMatch
{
    public static VersionCondition? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        if (!EntityTagHeaderValue.TryParseList([header], out var tags))
        {
            return new VersionCondition(false, []);
        }

        var any = tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any));
        // Strong comparison is of the tags' text: "007" is not the ETag "7", so a tag is a version
        // only as the service writes one (digits, no leading zero).
        var versions = tags
            .Select(tag => Version(tag.Tag.AsSpan().Trim('"')))
            .Where(version => version >= 0)
            .ToList();
        return new VersionCondition(any, versions);
    }

    private static long Version(ReadOnlySpan<char> text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && (text.Length == 1 || text[0] != '0') ? version : -1;
}
