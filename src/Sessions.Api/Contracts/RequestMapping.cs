using Sessions.Api.Json;

namespace Sessions.Api.Contracts;

internal static class RequestMapping
{
    public static IReadOnlyDictionary<string, IReadOnlyList<string>>? ToLabelMap(this LabelDictionary? labels) =>
        labels?.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<string>)pair.Value, StringComparer.Ordinal);
}
