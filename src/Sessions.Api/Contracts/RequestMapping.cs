namespace Sessions.Api.Contracts;

internal static class RequestMapping
{
    public static IReadOnlyDictionary<string, IReadOnlyList<string>>? ToLabelMap(this Dictionary<string, List<string>>? labels) =>
        labels?.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<string>)pair.Value, StringComparer.Ordinal);
}
