using Sessions.Domain.Common;

namespace Sessions.Application.Tests;

/// <summary>Field errors as one line each (<c>Labels.1: must be key:value (InvalidValue)</c>), so a test states them at a glance.</summary>
internal static class FieldErrorText
{
    public static string Said(this FieldError error) =>
        $"{string.Join('.', error.Path.Select(segment => segment is FieldKey key ? key.Key : segment))}: {error.Message} ({error.Problem})";

    public static List<string> Said(this IEnumerable<FieldError> errors) => [.. errors.Select(Said)];
}
