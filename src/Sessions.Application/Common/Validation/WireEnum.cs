namespace Sessions.Application.Common.Validation;

/// <summary>Enums as the wire spells them, exactly: lowercase snake_case names (<c>last_message_at</c>).</summary>
public static class WireEnum
{
    public static bool TryParse<TEnum>(string? value, out TEnum result)
        where TEnum : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(Name(candidate), value, StringComparison.Ordinal))
            {
                result = candidate;
                return true;
            }
        }

        result = default;
        return false;
    }

    public static TEnum Parse<TEnum>(string value)
        where TEnum : struct, Enum =>
        TryParse<TEnum>(value, out var result) ? result : throw new FormatException($"'{value}' is not a {typeof(TEnum).Name}.");

    public static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum => FieldPath.ToSnakeCase(value.ToString());

    public static string Names<TEnum>()
        where TEnum : struct, Enum => string.Join(", ", Enum.GetValues<TEnum>().Select(Name));
}
