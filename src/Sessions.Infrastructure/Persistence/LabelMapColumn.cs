using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Sessions.Domain.Sessions;

namespace Sessions.Infrastructure.Persistence;

/// <summary>
/// A session's label map in the <c>sessions.labels</c> column: the wire's JSON object of arrays
/// (<c>{"team":["red","blue"]}</c>), keys and values in the map's order (ADR 0075). A read answers
/// with it and never reads <c>session_labels</c>, whose rows listings filter by and filtered facets
/// count; the kept counts and the folded word are taken from the map (ADR 0076).
/// </summary>
internal static class LabelMapColumn
{
    /// <summary>The column's text for a session without labels, its default in every database.</summary>
    public const string Empty = "{}";

    private static readonly JsonWriterOptions Writing = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static ValueConverter<IReadOnlyDictionary<string, IReadOnlyList<string>>, string> Converter { get; } = new(map => Write(map), text => Read(text));

    /// <summary>
    /// Compares maps key by key and value by value, in order (the stored order is the answer's). The
    /// session replaces its map whenever its labels change and never changes one in place, so the
    /// snapshot is the map itself.
    /// </summary>
    public static ValueComparer<IReadOnlyDictionary<string, IReadOnlyList<string>>> Comparer { get; } = new(
        (a, b) => Same(a, b),
        map => map.Count,
        map => map);

    public static string Write(IReadOnlyDictionary<string, IReadOnlyList<string>> map)
    {
        if (map.Count == 0)
        {
            return Empty;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Writing))
        {
            writer.WriteStartObject();
            foreach (var (key, values) in map)
            {
                writer.WriteStartArray(key);
                foreach (var value in values)
                {
                    writer.WriteStringValue(value);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// The map of a column's text, written by <see cref="Write"/> or by the databases' JSON functions
    /// (the migration <c>LabelMapOnTheRow</c>, PostgreSQL's trigger), which space their text
    /// otherwise.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Read(string text)
    {
        if (text == Empty)
        {
            return SessionLabel.NoLabels;
        }

        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var reader = new Utf8JsonReader(rented.AsSpan(0, Encoding.UTF8.GetBytes(text, rented)));
            var map = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            Expect(ref reader, JsonTokenType.StartObject);
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                Expect(ref reader, JsonTokenType.StartArray);
                var values = new List<string>(1);
                while (Next(ref reader) == JsonTokenType.String)
                {
                    values.Add(reader.GetString()!);
                }

                Is(ref reader, JsonTokenType.EndArray);
                if (!map.TryAdd(key, values))
                {
                    throw new JsonException($"A session's label map holds the key '{key}' twice.");
                }
            }

            Is(ref reader, JsonTokenType.EndObject);
            return map.Count == 0 ? SessionLabel.NoLabels : map;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new JsonException("A session's label map ends before its object does.");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token)
    {
        Next(ref reader);
        Is(ref reader, token);
    }

    private static void Is(ref Utf8JsonReader reader, JsonTokenType token)
    {
        if (reader.TokenType != token)
        {
            throw new JsonException($"A session's label map holds {reader.TokenType} where {token} belongs.");
        }
    }

    private static bool Same(IReadOnlyDictionary<string, IReadOnlyList<string>>? a, IReadOnlyDictionary<string, IReadOnlyList<string>>? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null || a.Count != b.Count)
        {
            return false;
        }

        using var second = b.GetEnumerator();
        foreach (var (key, values) in a)
        {
            second.MoveNext();
            if (key != second.Current.Key || !values.SequenceEqual(second.Current.Value, StringComparer.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
