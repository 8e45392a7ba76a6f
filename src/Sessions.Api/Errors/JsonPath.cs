using System.Globalization;

namespace Sessions.Api.Errors;

/// <summary>Splits a System.Text.Json path (<c>$.messages[0]['odd.key']</c>) into names and indexes.</summary>
public static class JsonPath
{
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
                end = end < 0 ? path.Length : end;
                segments.Add(path[(i + 2)..end]);
                i = Math.Min(end + 2, path.Length);
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                end = end < 0 ? path.Length : end;
                var text = path[(i + 1)..end];
                segments.Add(int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : text);
                i = end + 1;
            }
            else
            {
                var end = path.IndexOfAny(['.', '['], i);
                end = end < 0 ? path.Length : end;
                segments.Add(path[i..end]);
                i = end;
            }
        }

        return segments;
    }
}
