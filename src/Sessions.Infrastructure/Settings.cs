using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Configuration;

namespace Sessions.Infrastructure;

/// <summary>The service's own settings read as values: one its key does not take refuses the start, naming the key.</summary>
public static class Settings
{
    /// <summary><c>true</c> or <c>false</c> in any letter case; absent or empty, <paramref name="defaultValue"/>.</summary>
    public static bool Flag(IConfiguration configuration, string key, bool defaultValue) =>
        configuration[key] is not { Length: > 0 } text ? defaultValue
        : bool.TryParse(text, out var configured) ? configured
        : throw new RefusedSettingException($"{key} must be true or false, not '{text}'.");

    /// <summary>A whole number (decimal, white space around it taken) from <paramref name="least"/> to <paramref name="most"/>; absent, empty or only white space, <paramref name="defaultValue"/>.</summary>
    public static T WholeNumber<T>(IConfiguration configuration, string key, T defaultValue, T least, T most, string what)
        where T : struct, IBinaryInteger<T> =>
        OptionalWholeNumber(configuration, key, least, most, what) ?? defaultValue;

    /// <summary>As <see cref="WholeNumber"/>, with no default: null when absent, empty or only white space.</summary>
    public static T? OptionalWholeNumber<T>(IConfiguration configuration, string key, T least, T most, string what)
        where T : struct, IBinaryInteger<T> =>
        configuration[key] is not { } text || string.IsNullOrWhiteSpace(text) ? null
        : T.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var configured) && configured >= least && configured <= most ? configured
        : throw new RefusedSettingException($"{key} must be {what}, not '{text}'.");
}
