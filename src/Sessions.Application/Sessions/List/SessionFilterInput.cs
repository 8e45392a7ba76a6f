using Sessions.Application.Common.Validation;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Sessions.List;

/// <summary>The list and facet filters as the client sent them (query parameters).</summary>
public sealed record SessionFilterInput(
    IReadOnlyList<Guid> UserIds,
    IReadOnlyList<Guid> ProjectIds,
    IReadOnlyList<string> Agents,
    IReadOnlyList<string> Models,
    IReadOnlyList<string> Origins,
    IReadOnlyList<string> Labels,
    string? Archived,
    string? Search,
    bool? IncludeWorkloadSessions)
{
    public const int MaxSearchLength = 200;

    public static SessionFilterInput None { get; } = new([], [], [], [], [], [], null, null, null);

    /// <summary>Field errors, at the query parameter's name and the index of the bad value.</summary>
    public IEnumerable<FieldError> Check()
    {
        for (var i = 0; i < Origins.Count; i++)
        {
            if (!WireEnum.TryParse<SessionOrigin>(Origins[i], out _))
            {
                yield return new FieldError(["origin", i], $"must be one of: {WireEnum.Names<SessionOrigin>()}", "enum");
            }
        }

        for (var i = 0; i < Labels.Count; i++)
        {
            var separator = Labels[i].IndexOf(':', StringComparison.Ordinal);
            if (separator <= 0 || separator == Labels[i].Length - 1)
            {
                yield return new FieldError(["label", i], "must be key:value", "value_error");
            }
        }

        if (Archived is not null && !WireEnum.TryParse<ArchivedFilter>(Archived, out _))
        {
            yield return new FieldError(["archived"], $"must be one of: {WireEnum.Names<ArchivedFilter>()}", "enum");
        }

        if (Search is { Length: > MaxSearchLength })
        {
            yield return new FieldError(["search"], $"must be at most {MaxSearchLength} characters", "string_too_long");
        }
    }

    /// <summary>The typed criteria; call after <see cref="Check"/> found nothing.</summary>
    public SessionCriteria ToCriteria() => new(
        UserIds.Distinct().ToList(),
        ProjectIds.Distinct().ToList(),
        Agents.Distinct(StringComparer.Ordinal).ToList(),
        Models.Distinct(StringComparer.Ordinal).ToList(),
        Origins.Select(WireEnum.Parse<SessionOrigin>).Distinct().ToList(),
        Labels.Distinct(StringComparer.Ordinal)
            .GroupBy(label => label[..label.IndexOf(':', StringComparison.Ordinal)], StringComparer.Ordinal)
            .Select(group => (IReadOnlyList<string>)[.. group])
            .ToList(),
        Archived is null ? ArchivedFilter.Active : WireEnum.Parse<ArchivedFilter>(Archived),
        string.IsNullOrWhiteSpace(Search) ? null : Search.Trim(),
        IncludeWorkloadSessions ?? false);
}
