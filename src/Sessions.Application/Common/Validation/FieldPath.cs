using System.Globalization;
using System.Text;

namespace Sessions.Application.Common.Validation;

/// <summary>Turns member names into the wire's snake_case and property chains into path segments.</summary>
public static class FieldPath
{
    /// <summary><c>ToolCallId</c> becomes <c>tool_call_id</c>, as the JSON naming policy writes it.</summary>
    public static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]))))
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Splits a property chain or a System.Text.Json path into names and indexes:
    /// <c>messages[3].tool_calls[0].id</c> and <c>$.messages[3]['odd.key']</c> become
    /// <c>["messages", 3, "tool_calls", 0, "id"]</c> and <c>["messages", 3, "odd.key"]</c>.
    /// </summary>
    public static IReadOnlyList<object> Parse(string path)
    {
        var segments = new List<object>();
        var i = path.StartsWith('$') ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = i + 1;
                while (end < path.Length && path[end] != '.' && path[end] != '[')
                {
                    end++;
                }

                segments.Add(path[(i + 1)..end]);
                i = end;
            }
            else if (path[i] == '[' && i + 1 < path.Length && path[i + 1] == '\'')
            {
                var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                end = end == -1 ? path.Length : end;
                segments.Add(path[(i + 2)..end]);
                i = Math.Min(end + 2, path.Length);
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                end = end == -1 ? path.Length : end;
                var text = path[(i + 1)..end];
                segments.Add(int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : text);
                i = end + 1;
            }
            else
            {
                var end = path.IndexOfAny(['.', '['], i);
                end = end == -1 ? path.Length : end;
                segments.Add(path[i..end]);
                i = end;
            }
        }

        return segments;
    }
}
