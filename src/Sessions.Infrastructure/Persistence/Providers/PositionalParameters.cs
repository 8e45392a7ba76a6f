using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;

namespace Sessions.Infrastructure.Persistence.Providers;

/// <summary>
/// Turns a command's named parameters (<c>@id</c>, as EF Core writes them) into PostgreSQL's
/// positional ones (<c>$1</c>), with the text of each statement rewritten once and remembered.
/// Npgsql sends a command of unnamed parameters as it is; given named ones, it scans the whole
/// text for them and writes a positional copy on every execution, prepared statements included
/// (ADR 0080). The rewrite follows Npgsql's reading of the text: a parameter is an <c>@</c> and
/// a name outside quotes and comments, numbered in the order names first appear, a name used twice
/// being one position. A text this reader does not cover (dollar quotes, backslashes, several
/// statements, a name no parameter has, a parameter the text never names, a <c>:name</c>) is left
/// to Npgsql as it was.
/// </summary>
internal static class PositionalParameters
{
    /// <summary>How many statement texts are remembered; texts past it are left to Npgsql.</summary>
    private const int Remembered = 256;

    private static readonly ConcurrentDictionary<string, Form?> Forms = new(StringComparer.Ordinal);

    /// <summary>A statement's positional text, and which parameter each position is.</summary>
    internal sealed record Form(string Text, string[] Names);

    /// <summary>
    /// Rewrites <paramref name="command"/> to positional parameters when its text is of a form
    /// this reader covers and its parameters are the ones the text names; otherwise leaves it
    /// unchanged.
    /// </summary>
    public static void Apply(DbCommand command)
    {
        var parameters = command.Parameters;
        if (parameters.Count == 0)
        {
            return;
        }

        var text = command.CommandText;
        if (!Forms.TryGetValue(text, out var form))
        {
            form = Rewrite(text, NamesOf(parameters));
            if (Forms.Count < Remembered)
            {
                Forms.TryAdd(text, form);
            }
        }

        if (form is null || form.Names.Length != parameters.Count)
        {
            return;
        }

        var ordered = new DbParameter[form.Names.Length];
        for (var i = 0; i < ordered.Length; i++)
        {
            var parameter = parameters[i];
            var position = PositionOf(form.Names, Trimmed(parameter.ParameterName.AsSpan()));
            if (position < 0 || ordered[position] is not null)
            {
                return;
            }

            ordered[position] = parameter;
        }

        parameters.Clear();
        foreach (var parameter in ordered)
        {
            parameter.ParameterName = string.Empty;
            parameters.Add(parameter);
        }

        command.CommandText = form.Text;
    }

    /// <summary>
    /// The positional form of <paramref name="text"/> whose parameters are named
    /// <paramref name="names"/> (without their <c>@</c>), or null where the text is not of a form
    /// this reader covers or two parameters share a name.
    /// </summary>
    internal static Form? Rewrite(string text, string[] names)
    {
        if (text.AsSpan().IndexOfAny('$', '\\') >= 0 || names.Distinct(StringComparer.Ordinal).Count() != names.Length)
        {
            return null;
        }

        var order = new List<string>();
        var written = new StringBuilder(text.Length);
        var copied = 0;
        var i = 0;
        while (i < text.Length)
        {
            var ch = text[i];
            switch (ch)
            {
                case '\'' or '"':
                    var close = text.IndexOf(ch, i + 1);
                    if (close < 0)
                    {
                        return null;
                    }

                    i = close + 1;
                    continue;
                case '-' when At(text, i + 1, '-'):
                    var end = text.IndexOf('\n', i);
                    i = end < 0 ? text.Length : end + 1;
                    continue;
                case '/' when At(text, i + 1, '*'):
                    var after = SkipBlockComment(text, i);
                    if (after < 0)
                    {
                        return null;
                    }

                    i = after;
                    continue;
                case ';':
                    return null;
                case ':' when i + 1 < text.Length && IsNameChar(text[i + 1]) && !At(text, i - 1, ':'):
                    return null;
                case '@' when i + 1 < text.Length && IsNameChar(text[i + 1]) && !At(text, i - 1, '@'):
                    var start = i + 1;
                    var stop = start;
                    while (stop < text.Length && IsNameChar(text[stop]))
                    {
                        stop++;
                    }

                    var name = text[start..stop];
                    if (!names.Contains(name))
                    {
                        return null;
                    }

                    // A name's position is where it first appears, counted from one.
                    var position = order.IndexOf(name) + 1;
                    if (position == 0)
                    {
                        order.Add(name);
                        position = order.Count;
                    }

                    written.Append(text, copied, i - copied).Append('$').Append(position);
                    copied = i = stop;
                    continue;
            }

            i++;
        }

        if (order.Count != names.Length)
        {
            return null;
        }

        written.Append(text, copied, text.Length - copied);
        return new Form(written.ToString(), [.. order]);
    }

    private static string[] NamesOf(DbParameterCollection parameters)
    {
        var names = new string[parameters.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = Trimmed(parameters[i].ParameterName.AsSpan()).ToString();
        }

        return names;
    }

    /// <summary>A parameter's name as the text names it: Npgsql takes <c>@id</c>, <c>:id</c> and <c>id</c> for one name.</summary>
    private static ReadOnlySpan<char> Trimmed(ReadOnlySpan<char> name) => name.Length > 0 && name[0] is '@' or ':' ? name[1..] : name;

    /// <summary>The position (from zero) of <paramref name="name"/> among a remembered text's names, or -1; compared in place, since it runs on every execution.</summary>
    private static int PositionOf(string[] names, ReadOnlySpan<char> name)
    {
        for (var i = 0; i < names.Length; i++)
        {
            if (name.SequenceEqual(names[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Where a block comment opening at <paramref name="open"/> ends (PostgreSQL's nest), or -1 if it does not.</summary>
    private static int SkipBlockComment(string text, int open)
    {
        var depth = 0;
        var i = open;
        while (i + 1 < text.Length)
        {
            if (text[i] == '/' && text[i + 1] == '*')
            {
                depth++;
                i += 2;
            }
            else if (text[i] == '*' && text[i + 1] == '/')
            {
                i += 2;
                if (--depth == 0)
                {
                    return i;
                }
            }
            else
            {
                i++;
            }
        }

        return -1;
    }

    private static bool At(string text, int index, char ch) => index >= 0 && index < text.Length && text[index] == ch;

    /// <summary>The characters Npgsql reads as part of a parameter's name.</summary>
    private static bool IsNameChar(char ch) => char.IsLetterOrDigit(ch) || ch is '_' or '.';
}
