using System.Data.Common;

namespace Sessions.Infrastructure.Persistence;

/// <summary>
/// The tags EF Core writes before a query's SQL (<c>TagWith</c>), one comment line each: how an
/// interceptor recognizes the queries it acts on, whatever other tags they carry.
/// </summary>
internal static class QueryTags
{
    /// <summary>Whether <paramref name="tag"/> is one of the comment lines that open the command's text.</summary>
    public static bool Has(DbCommand command, string tag)
    {
        var text = command.CommandText.AsSpan();
        while (text.StartsWith("-- ", StringComparison.Ordinal))
        {
            var end = text.IndexOf('\n');
            var line = (end < 0 ? text : text[..end])[3..].TrimEnd('\r');
            if (line.SequenceEqual(tag))
            {
                return true;
            }

            if (end < 0)
            {
                return false;
            }

            text = text[(end + 1)..];
        }

        return false;
    }
}
