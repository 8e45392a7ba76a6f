using System.Collections.Frozen;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query.SqlExpressions;

namespace Sessions.Infrastructure.Persistence.Stores;

/// <summary>
/// Case-insensitive search on SQLite for letters beyond ASCII, as PostgreSQL decides it: a character
/// matches a letter of the search text when both lower to the same letter (<c>lower(text) LIKE
/// lower(search)</c>). SQLite's <c>lower()</c> and <c>LIKE</c> fold ASCII letters only, so a search
/// text with no other letter that has case is matched by them. One with such a letter is matched by
/// <c>GLOB</c> with each letter written as the class of every letter that lowers as it does
/// (<c>é</c> as <c>[éÉ]</c>), which is exact; in the list, where that would read every session's
/// texts, the FTS5 trigram index narrows first by its own <c>MATCH</c> of the text as a phrase, where
/// it can (ADR 0040).
/// </summary>
internal static class SqliteCaseFolding
{
    /// <summary>The trigram index matches a phrase of at least this many characters; shorter ones match nothing.</summary>
    private const int ShortestPhrase = 3;

    /// <summary>Every letter that another letter lowers to, with all the letters that lower to it, itself first; built once, on first use.</summary>
    private static readonly Lazy<FrozenDictionary<Rune, Rune[]>> CasesByLower = new(BuildCases);

    /// <summary>Whether <paramref name="text"/> has a letter beyond ASCII with another case, which SQLite's own folding would miss.</summary>
    public static bool FoldsBeyondAscii(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (!rune.IsAscii && Cases(rune).Length > 1)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the trigram index's <c>MATCH</c> of <paramref name="text"/> finds every text that
    /// <see cref="Glob"/> finds: the text is long enough for a trigram, and each of its letters beyond
    /// ASCII lowers with the others of its case in a script whose cases the index's folding (Unicode
    /// 6.1's) already paired. The index folds some letters that lowering keeps apart (<c>ς</c> and
    /// <c>σ</c>), so its matches are a superset that <see cref="Glob"/> still narrows.
    /// </summary>
    public static bool IndexNarrows(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (!rune.IsAscii && !Array.TrueForAll(Cases(rune), PairedByTheIndex))
            {
                return false;
            }
        }

        return HoldsATrigram(text);
    }

    /// <summary>Whether <paramref name="text"/> has a trigram: the index narrows <c>LIKE</c> and <c>MATCH</c> by three characters at least.</summary>
    public static bool HoldsATrigram(string text) => text.EnumerateRunes().Skip(ShortestPhrase - 1).Any();

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
            if (cases.Length > 1 || rune.Value is '*' or '?' or '[')
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

    /// <summary>The letters that lower to the letter <paramref name="rune"/> lowers to (the lower one first), or <paramref name="rune"/> alone.</summary>
    private static Rune[] Cases(Rune rune) =>
        CasesByLower.Value.TryGetValue(Rune.ToLowerInvariant(rune), out var cases) ? cases : [rune];

    /// <summary>The end of the Supplementary Multilingual Plane: no code point after it has another case.</summary>
    private const int LastCodePointWithCase = 0x1FFFF;

    private static FrozenDictionary<Rune, Rune[]> BuildCases()
    {
        var byLower = new Dictionary<Rune, List<Rune>>();
        for (var value = 0; value <= LastCodePointWithCase; value++)
        {
            if (!Rune.TryCreate(value, out var rune))
            {
                continue;
            }

            var lower = Rune.ToLowerInvariant(rune);
            if (lower != rune)
            {
                if (!byLower.TryGetValue(lower, out var cases))
                {
                    byLower[lower] = cases = [lower];
                }

                cases.Add(rune);
            }
        }

        return byLower.ToFrozenDictionary(pair => pair.Key, pair => pair.Value.ToArray());
    }

    /// <summary>
    /// Letters whose cases the index's Unicode 6.1 folding pairs as lowering does today: ASCII, the
    /// Latin, Greek, Cyrillic and Armenian blocks as they stood then, and the sign letters that lower
    /// into them (Ω, K, Å). Greek's yot is left out (its capital came in Unicode 7.0), as are scripts
    /// whose cases were paired later (Georgian's Mtavruli, Cherokee's small letters, Latin Extended-D).
    /// </summary>
    private static bool PairedByTheIndex(Rune rune) => rune.Value switch
    {
        < 0x80 => true,
        >= 0xC0 and <= 0x24F => true,
        0x37F or 0x3F3 => false,
        >= 0x370 and <= 0x3FF => true,
        >= 0x400 and <= 0x4FF => true,
        >= 0x531 and <= 0x586 => true,
        >= 0x1E00 and <= 0x1FFF => true,
        0x2126 or 0x212A or 0x212B => true,
        _ => false,
    };
}
