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

    /// <summary><c>messages[3].tool_calls[0].id</c> becomes <c>["messages", 3, "tool_calls", 0, "id"]</c>.</summary>
    public static IReadOnlyList<object> Parse(string propertyChain)
    {
        var segments = new List<object>();
        foreach (var part in propertyChain.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            segments.Add(bracket < 0 ? part : part[..bracket]);
            while (bracket >= 0)
            {
                var close = part.IndexOf(']', bracket);
                segments.Add(int.Parse(part.AsSpan(bracket + 1, close - bracket - 1), CultureInfo.InvariantCulture));
                bracket = part.IndexOf('[', close);
            }
        }

        return segments;
    }
}
