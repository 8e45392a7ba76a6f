using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Configuration;

namespace Sessions.Infrastructure;

/// <summary>
/// The service's own settings read as values: one its key does not take refuses the start, naming
/// the key. Every reader takes one rule for "unset": absent, empty or only white space (the shipped
/// <c>appsettings.json</c> names keys with empty values, and an environment variable can only blank
/// one); white space around a value is not part of it.
/// </summary>
public static class Settings
{
    /// <summary>The value without the white space around it; null when unset.</summary>
    public static string? Text(IConfiguration configuration, string key) =>
        configuration[key] is { } text && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;

    /// <summary><c>true</c> or <c>false</c> in any letter case; unset, <paramref name="defaultValue"/>.</summary>
    public static bool Flag(IConfiguration configuration, string key, bool defaultValue) =>
        Text(configuration, key) is not { } text ? defaultValue
        : bool.TryParse(text, out var configured) ? configured
        : throw new RefusedSettingException($"{key} must be true or false, not '{text}'.");

    /// <summary>
    /// One of <paramref name="choices"/> in any letter case, answered as written there; unset,
    /// <paramref name="defaultValue"/> (one of them). Only the names: a number is not taken for the
    /// choice it would be counted as.
    /// </summary>
    public static string Choice(IConfiguration configuration, string key, string defaultValue, params string[] choices)
    {
        if (!choices.Contains(defaultValue))
        {
            throw new ArgumentException($"The default '{defaultValue}' is none of the choices.", nameof(defaultValue));
        }

        if (Text(configuration, key) is not { } text)
        {
            return defaultValue;
        }

        return Array.Find(choices, choice => choice.Equals(text, StringComparison.OrdinalIgnoreCase))
            ?? throw new RefusedSettingException($"{key} must be {string.Join(", ", choices[..^1])} or {choices[^1]}, not '{text}'.");
    }

    /// <summary>
    /// A list of entries that hold no comma (origins, addresses, ranges): given entry by entry
    /// (<c>KEY:0</c>, <c>KEY:1</c>; in the environment <c>KEY__0</c>, <c>KEY__1</c>) or as one value
    /// separated by commas (<c>KEY=a,b</c>, the way an environment variable is most often written).
    /// Each entry without the white space around it; blank ones are left out. Both ways at once
    /// refuse the start: which one was meant is not for the service to guess.
    /// </summary>
    public static string[] List(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        var entries = section.GetChildren().Select(entry => entry.Value).ToArray();
        if (Text(configuration, key) is not { } text)
        {
            return [.. entries.Where(entry => !string.IsNullOrWhiteSpace(entry)).Select(entry => entry!.Trim())];
        }

        return entries.Length == 0
            ? text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : throw new RefusedSettingException($"{key} is given both as one value ('{text}') and entry by entry ({key}:0 and on): give it one way.");
    }

    /// <summary>A whole number (decimal) from <paramref name="least"/> to <paramref name="most"/>; unset, <paramref name="defaultValue"/>.</summary>
    public static T WholeNumber<T>(IConfiguration configuration, string key, T defaultValue, T least, T most, string what)
        where T : struct, IBinaryInteger<T> =>
        OptionalWholeNumber(configuration, key, least, most, what) ?? defaultValue;

    /// <summary>As <see cref="WholeNumber"/>, with no default: null when unset.</summary>
    public static T? OptionalWholeNumber<T>(IConfiguration configuration, string key, T least, T most, string what)
        where T : struct, IBinaryInteger<T> =>
        Text(configuration, key) is not { } text ? null
        : T.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var configured) && configured >= least && configured <= most ? configured
        : throw new RefusedSettingException($"{key} must be {what}, not '{text}'.");
}
