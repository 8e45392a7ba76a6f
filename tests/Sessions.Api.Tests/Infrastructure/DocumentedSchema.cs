using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Sessions.Api.Tests.Infrastructure;

/// <summary>
/// Checks an answer against the schema the service's own OpenAPI document gives it, as strictly
/// as the document says: every required property present (nullable ones as null), no property
/// the document does not name, enums by their listed values, integers without fractions, numbers
/// never as strings, UUIDs in canonical form and timestamps in RFC 3339 UTC with microseconds.
/// It reads the keywords the service's document uses and fails on any other, so a schema it
/// cannot judge is not passed silently.
/// </summary>
public sealed partial class DocumentedSchema(JsonObject document)
{
    private static readonly HashSet<string> Understood =
        ["type", "format", "nullable", "oneOf", "$ref", "enum", "required", "properties", "additionalProperties", "items", "description", "x-enumNames"];

    /// <summary>The schema of an operation's answer with <paramref name="status"/>, or null when it has no JSON body.</summary>
    public JsonObject? AnswerOf(string method, string template, int status) =>
        document["paths"]?[template]?[method.ToLowerInvariant()]?["responses"]?[status.ToString(CultureInfo.InvariantCulture)]?["content"]?["application/json"]?["schema"]?.AsObject();

    /// <summary>Every problem of <paramref name="value"/> against <paramref name="schema"/>, each with its JSON path.</summary>
    public List<string> Problems(JsonNode? value, JsonObject schema)
    {
        var problems = new List<string>();
        Check(value, schema, "$", problems);
        return problems;
    }

    private void Check(JsonNode? value, JsonObject schema, string path, List<string> problems)
    {
        if (schema.Select(p => p.Key).FirstOrDefault(k => !Understood.Contains(k)) is { } unknown)
        {
            problems.Add($"{path}: the schema uses '{unknown}', which this check does not read");
            return;
        }

        if (value is null)
        {
            if (schema["nullable"]?.GetValue<bool>() != true && !IsAny(schema))
            {
                problems.Add($"{path}: null where the document allows none");
            }

            return;
        }

        if (schema["$ref"] is { } reference)
        {
            Check(value, Resolve(reference.GetValue<string>()), path, problems);
            return;
        }

        if (schema["oneOf"] is JsonArray choices)
        {
            var failures = choices.Select(choice => Problems(value, choice!.AsObject())).ToList();
            if (failures.All(f => f.Count > 0))
            {
                problems.AddRange(failures.SelectMany(f => f).Select(p => $"{path} (oneOf): {p}"));
            }

            return;
        }

        switch (schema["type"]?.GetValue<string>())
        {
            case null:
                return;
            case "object":
                CheckObject(value, schema, path, problems);
                return;
            case "array":
                if (value is not JsonArray array)
                {
                    problems.Add($"{path}: expected an array, got {value.GetValueKind()}");
                    return;
                }

                for (var i = 0; i < array.Count; i++)
                {
                    Check(array[i], schema["items"]!.AsObject(), $"{path}[{i}]", problems);
                }

                return;
            case "string":
                CheckString(value, schema, path, problems);
                return;
            case "integer":
                if (value.GetValueKind() != JsonValueKind.Number || !IsInteger(value.ToJsonString(), schema["format"]?.GetValue<string>()))
                {
                    problems.Add($"{path}: expected an integer, got {value.ToJsonString()}");
                }

                return;
            case "number":
                if (value.GetValueKind() != JsonValueKind.Number)
                {
                    problems.Add($"{path}: expected a number, got {value.ToJsonString()}");
                }

                return;
            case "boolean":
                if (value.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                {
                    problems.Add($"{path}: expected a boolean, got {value.ToJsonString()}");
                }

                return;
            case var other:
                problems.Add($"{path}: the schema's type '{other}' is not one this check reads");
                return;
        }
    }

    private void CheckObject(JsonNode value, JsonObject schema, string path, List<string> problems)
    {
        if (value is not JsonObject obj)
        {
            problems.Add($"{path}: expected an object, got {value.GetValueKind()}");
            return;
        }

        var properties = schema["properties"]?.AsObject();
        foreach (var required in schema["required"]?.AsArray().Select(r => r!.GetValue<string>()) ?? [])
        {
            if (!obj.ContainsKey(required))
            {
                problems.Add($"{path}: '{required}' is missing");
            }
        }

        foreach (var (name, member) in obj)
        {
            if (properties?[name] is JsonObject property)
            {
                Check(member, property, $"{path}.{name}", problems);
            }
            else if (schema["additionalProperties"] is JsonObject extra)
            {
                Check(member, extra, $"{path}.{name}", problems);
            }
            else if (schema["additionalProperties"]?.GetValue<bool>() == false || properties is not null)
            {
                problems.Add($"{path}: '{name}' is not in the document");
            }
        }
    }

    private static void CheckString(JsonNode value, JsonObject schema, string path, List<string> problems)
    {
        if (value.GetValueKind() != JsonValueKind.String)
        {
            problems.Add($"{path}: expected a string, got {value.ToJsonString()}");
            return;
        }

        var text = value.GetValue<string>();
        if (schema["enum"] is JsonArray values && !values.Any(v => v!.GetValue<string>() == text))
        {
            problems.Add($"{path}: '{text}' is not one of {values.ToJsonString()}");
        }

        var wrongFormat = schema["format"]?.GetValue<string>() switch
        {
            "guid" => !Guid.TryParseExact(text, "D", out var guid) || text != guid.ToString(),
            "date-time" => !Rfc3339Utc().IsMatch(text),
            _ => false,
        };
        if (wrongFormat)
        {
            problems.Add($"{path}: '{text}' is not a {schema["format"]}");
        }
    }

    private static bool IsAny(JsonObject schema) => schema.All(p => p.Key == "description");

    private JsonObject Resolve(string reference) =>
        document["components"]!["schemas"]![reference["#/components/schemas/".Length..]]!.AsObject();

    /// <summary>Whether the number's text is a whole number within its format's range (any, without one).</summary>
    private static bool IsInteger(string text, string? format) => format switch
    {
        "int32" => int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
        "int64" => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
        _ => WholeNumber().IsMatch(text),
    };

    [GeneratedRegex(@"^-?\d+$")]
    private static partial Regex WholeNumber();

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")]
    private static partial Regex Rfc3339Utc();
}
