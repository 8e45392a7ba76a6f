using System.Globalization;
using Microsoft.Net.Http.Headers;
using Sessions.Application.Sessions.Update;

namespace Sessions.Api.Controllers;

/// <summary>Reads <c>If-Match</c>: <c>*</c>, or strong ETags of session versions. Weak or foreign tags never match.</summary>
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
        var versions = tags
            .Where(tag => !tag.IsWeak)
            .Select(tag => long.TryParse(tag.Tag.AsSpan().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : -1)
            .Where(version => version >= 0)
            .ToList();
        return new VersionCondition(any, versions);
    }
}
