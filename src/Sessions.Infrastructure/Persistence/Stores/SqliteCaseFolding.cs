using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query.SqlExpressions;

namespace Sessions.Infrastructure.Persistence.Stores;

/// <summary>
/// Case-insensitive search on SQLite for letters beyond ASCII. SQLite's <c>lower()</c> and
/// <c>LIKE</c> fold ASCII letters only, so a search text with no other letter that has case is
/// matched by them as the servers match it (lowered on both sides). A text with such a letter is
/// matched in one of two ways that fold every letter:
/// <list type="bullet">
/// <item>the FTS5 trigram index's own <c>MATCH</c> of the text as one phrase, which folds both sides
/// and is a substring match for three characters or more (the list's search, index-backed);</item>
/// <item><c>GLOB</c> with each letter written as the class of the letters that lower to the same
/// letter (<c>é</c> as <c>[éÉ]</c>): shorter texts in the list, and the transcript's search, which
/// reads one session's messages in any case.</item>
/// </list>
/// A character matches a letter of the search text when both lower to the same letter, as
/// <c>lower(text) LIKE lower(search)</c> decides on PostgreSQL.
/// </summary>
internal static class SqliteCaseFolding
{
    /// <summary>The trigram index matches a phrase of at least this many characters; shorter ones match nothing.</summary>
    private const int ShortestPhrase = 3;

    /// <summary>Whether <paramref name="text"/> has a letter beyond ASCII with another case, which SQLite's own folding would miss.</summary>
    public static bool FoldsBeyondAscii(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (!rune.IsAscii && (Rune.ToLowerInvariant(rune) != rune || Rune.ToUpperInvariant(rune) != rune))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the trigram index can match <paramref name="text"/> as a phrase (it is long enough).</summary>
    public static bool IsPhrase(string text) => text.EnumerateRunes().Skip(ShortestPhrase - 1).Any();

    /// <summary><paramref name="text"/> as one FTS5 phrase: in double quotes, each of its own doubled; nothing else is special in a phrase.</summary>
    public static string Phrase(string text) => $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    /// <summary>
    /// A <c>GLOB</c> pattern that finds <paramref name="text"/> anywhere in any case: each letter the
    /// class of its cases, <c>*</c>, <c>?</c> and <c>[</c> as classes of themselves (literal).
    /// </summary>
    public static string Glob(string text)
    {
        var pattern = new StringBuilder("*", text.Length + 2);
        foreach (var rune in text.EnumerateRunes())
        {
            var cases = Cases(rune);
            if (cases.Count > 1 || rune.Value is '*' or '?' or '[')
            {
                pattern.Append('[');
                foreach (var letter in cases)
                {
                    pattern.Append(letter.ToString());
                }

                pattern.Append(']');
            }
            else
            {
                pattern.Append(rune.ToString());
            }
        }

        return pattern.Append('*').ToString();
    }

    /// <summary>
    /// SQLite's <c>match(phrase, column)</c>, the function form of <c>column MATCH phrase</c>, which
    /// an FTS5 table answers from its index. It only exists in SQL.
    /// </summary>
    public static bool Matches(string column, string phrase) =>
        throw new InvalidOperationException($"{nameof(Matches)} is translated to SQL, not called.");

    /// <summary>Maps <see cref="Matches"/> to <c>match(phrase, column)</c>.</summary>
    public static void MapMatches(ModelBuilder modelBuilder) =>
        modelBuilder.HasDbFunction(typeof(SqliteCaseFolding).GetMethod(nameof(Matches))!)
            .HasTranslation(arguments => new SqlFunctionExpression(
                "match",
                [arguments[1], arguments[0]],
                nullable: false,
                argumentsPropagateNullability: [false, false],
                typeof(bool),
                typeMapping: null));

    /// <summary>The letters that lower to the letter <paramref name="rune"/> lowers to, <paramref name="rune"/> first.</summary>
    private static List<Rune> Cases(Rune rune)
    {
        var lower = Rune.ToLowerInvariant(rune);
        var cases = new List<Rune> { rune };
        foreach (var candidate in (ReadOnlySpan<Rune>)[lower, Rune.ToUpperInvariant(rune), Rune.ToUpperInvariant(lower)])
        {
            if (Rune.ToLowerInvariant(candidate) == lower && !cases.Contains(candidate))
            {
                cases.Add(candidate);
            }
        }

        return cases;
    }
}
