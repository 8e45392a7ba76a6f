using Sessions.Application.Common.Validation;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Sessions.List;

/// <summary>
/// The list and facet filters as the client sent them (query parameters): <see cref="UserIds"/> from
/// <c>user_id</c>, <see cref="Users"/> from <c>user</c>.
/// </summary>
public sealed record SessionFilterInput(
    IReadOnlyList<Guid> UserIds,
    IReadOnlyList<Guid> Users,
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

    /// <summary>Only the lifecycle filters (<c>archived</c>, <c>include_workload_sessions</c>), as a group's answer takes them.</summary>
    public static SessionFilterInput Lifecycle(string? archived, bool? includeWorkloadSessions) =>
        new([], [], [], [], [], [], [], archived, null, includeWorkloadSessions);

    /// <summary>Which sessions a list shows when <c>archived</c> is not given: those not archived.</summary>
    public const ArchivedFilter DefaultArchived = ArchivedFilter.Active;

    /// <summary>How many values one repeatable parameter may carry.</summary>
    public const int MaxValuesPerParameter = 50;

    /// <summary>How many <c>label</c> filters one request may carry.</summary>
    public const int MaxLabelFilters = 20;

    /// <summary>
    /// Whether any filter other than the defaults was given: then it narrows which groups are listed
    /// too. A default spelled out (<c>archived=active</c>, <c>include_workload_sessions=false</c>)
    /// asks for what its absence asks for, so it narrows nothing.
    /// </summary>
    public bool NarrowsSessions =>
        UserIds.Count + Users.Count + ProjectIds.Count + Agents.Count + Models.Count + Origins.Count + Labels.Count > 0
        || (Archived is not null && (!WireEnum.TryParse<ArchivedFilter>(Archived, out var archived) || archived != DefaultArchived))
        || !string.IsNullOrWhiteSpace(Search) || IncludeWorkloadSessions == true;

    /// <summary>Field errors, at the query parameter's name and the index of the bad value.</summary>
    public IEnumerable<FieldError> Check()
    {
        foreach (var error in CheckCount(nameof(UserIds), UserIds.Count)
            .Concat(CheckCount(nameof(Users), Users.Count))
            .Concat(CheckCount(nameof(ProjectIds), ProjectIds.Count))
            .Concat(CheckTexts(nameof(Agents), Agents))
            .Concat(CheckTexts(nameof(Models), Models))
            .Concat(CheckNames<SessionOrigin>(nameof(Origins), Origins))
            .Concat(CheckValues(nameof(Labels), Labels)))
        {
            yield return error;
        }

        if (Labels.Count > MaxLabelFilters)
        {
            yield return new FieldError([nameof(Labels)], $"must hold at most {MaxLabelFilters} label filters", FieldProblem.TooLong);
        }

        for (var i = 0; i < Labels.Count; i++)
        {
            var label = Labels[i];
            if (string.IsNullOrEmpty(label))
            {
                continue;
            }

            // A key is at least one character and may itself begin with a colon.
            var separator = label.IndexOf(':', 1);
            if (separator < 0 || separator == label.Length - 1)
            {
                yield return new FieldError([nameof(Labels), i], "must be key:value", FieldProblem.InvalidValue);
            }
            else if (!Readings(label).Any())
            {
                yield return new FieldError(
                    [nameof(Labels), i],
                    $"must be key:value with a key of {SessionRules.LabelKeyRule}",
                    FieldProblem.PatternMismatch);
            }
        }

        if (Archived is not null && !WireEnum.TryParse<ArchivedFilter>(Archived, out _))
        {
            yield return new FieldError([nameof(Archived)], $"must be one of: {WireEnum.Names<ArchivedFilter>()}", FieldProblem.NotAllowedValue);
        }

        if (Search is { Length: > MaxSearchLength })
        {
            yield return new FieldError([nameof(Search)], $"must be at most {MaxSearchLength} characters", FieldProblem.StringTooLong);
        }
        else if (Search is not null && ValidationRules.HasNul(Search))
        {
            yield return new FieldError([nameof(Search)], ValidationRules.NulMessage, FieldProblem.PatternMismatch);
        }
    }

    /// <summary>A repeatable parameter given at most <see cref="MaxValuesPerParameter"/> times.</summary>
    internal static IEnumerable<FieldError> CheckCount(string parameter, int count)
    {
        if (count > MaxValuesPerParameter)
        {
            yield return new FieldError([parameter], $"must be given at most {MaxValuesPerParameter} times", FieldProblem.TooLong);
        }
    }

    /// <summary>A repeatable text parameter: not too many values, each one non-empty and without U+0000.</summary>
    private static IEnumerable<FieldError> CheckTexts(string parameter, IReadOnlyList<string> values) =>
        CheckCount(parameter, values.Count).Concat(CheckValues(parameter, values));

    /// <summary>A repeatable parameter of names: the rules of <see cref="CheckTexts"/>, and each value that is not empty one of <typeparamref name="TEnum"/>'s wire names.</summary>
    internal static IEnumerable<FieldError> CheckNames<TEnum>(string parameter, IReadOnlyList<string> values)
        where TEnum : struct, Enum
    {
        foreach (var error in CheckTexts(parameter, values))
        {
            yield return error;
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (!string.IsNullOrEmpty(values[i]) && !WireEnum.TryParse<TEnum>(values[i], out _))
            {
                yield return new FieldError([parameter, i], $"must be one of: {WireEnum.Names<TEnum>()}", FieldProblem.NotAllowedValue);
            }
        }
    }

    /// <summary>Each value of a repeatable text parameter non-empty and without U+0000.</summary>
    private static IEnumerable<FieldError> CheckValues(string parameter, IReadOnlyList<string> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (string.IsNullOrEmpty(values[i]))
            {
                yield return new FieldError([parameter, i], "must not be empty", FieldProblem.StringTooShort);
            }
            else if (ValidationRules.HasNul(values[i]))
            {
                yield return new FieldError([parameter, i], ValidationRules.NulMessage, FieldProblem.PatternMismatch);
            }
        }
    }

    /// <summary>
    /// The labels <c>key:value</c> can name, shortest key first: split at each colon whose left
    /// side is a valid key (keys may contain colons themselves), so <c>env:stage:prod</c> matches
    /// key <c>env</c> with value <c>stage:prod</c> and key <c>env:stage</c> with value <c>prod</c>.
    /// </summary>
    private static IEnumerable<LabelMatch> Readings(string label)
    {
        for (var colon = label.IndexOf(':', 1); colon > 0 && colon < label.Length - 1; colon = label.IndexOf(':', colon + 1))
        {
            var key = label[..colon];
            if (SessionRules.IsLabelKey(key))
            {
                yield return new LabelMatch(key, label[(colon + 1)..]);
            }
        }
    }

    /// <summary>
    /// The label filters as OR groups, which combine with AND (CONTRACT §5.4: values of one key
    /// OR, different keys AND). A filter that can name one key only is in the group of that key.
    /// A filter that can name several joins the group of the shortest of them that another filter
    /// names alone (<c>image:nginx:1.25</c> with <c>image:redis</c>: key <c>image</c>, OR), else the
    /// group of filters with the same possible keys (<c>k8s:ns:prod</c> and <c>k8s:pod:x</c> stay
    /// apart, AND). Only a filter whose readings' keys are both in use, or a filter of a key no
    /// session has, can be grouped otherwise than its author meant (ADR 0012).
    /// </summary>
    private List<IReadOnlyList<LabelMatch>> LabelGroups()
    {
        var readings = Labels.Distinct(StringComparer.Ordinal).Select(label => Readings(label).ToList()).ToList();
        var namedAlone = readings.Where(r => r.Count == 1).Select(r => r[0].Key).ToHashSet(StringComparer.Ordinal);
        return
        [
            .. readings
                .GroupBy(r => r.Select(m => m.Key).FirstOrDefault(namedAlone.Contains) ?? string.Join('\n', r.Select(m => m.Key)), StringComparer.Ordinal)
                .Select(group => (IReadOnlyList<LabelMatch>)[.. group.SelectMany(r => r)]),
        ];
    }

    /// <summary>The typed criteria; call after <see cref="Check"/> found nothing.</summary>
    public SessionCriteria ToCriteria() => new(
        Owners(),
        ProjectIds.Distinct().ToList(),
        Agents.Distinct(StringComparer.Ordinal).ToList(),
        Models.Distinct(StringComparer.Ordinal).ToList(),
        Origins.Select(WireEnum.Parse<SessionOrigin>).Distinct().ToList(),
        LabelGroups(),
        Archived is null ? DefaultArchived : WireEnum.Parse<ArchivedFilter>(Archived),
        string.IsNullOrWhiteSpace(Search) ? null : Search.Trim(),
        IncludeWorkloadSessions ?? false);

    /// <summary>
    /// The owners a session may have: those <c>user_id</c> names and those <c>user</c> names, both
    /// when both are given (different parameters combine with AND, CONTRACT §5.4), so none when
    /// they name no one in common; null when neither is given.
    /// </summary>
    private List<Guid>? Owners() => (UserIds.Count, Users.Count) switch
    {
        (0, 0) => null,
        (_, 0) => [.. UserIds.Distinct()],
        (0, _) => [.. Users.Distinct()],
        _ => [.. UserIds.Intersect(Users)],
    };
}
