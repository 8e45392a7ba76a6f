using FluentValidation;
using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Validation;
using Sessions.Application.Sessions;
using Sessions.Application.Sessions.List;
using Sessions.Domain.Common;

namespace Sessions.Application.Usage;

/// <summary>What the workspace's sessions spent, bucketed by one dimension, optionally within a window of message times (CONTRACT §5.8).</summary>
[RequiresScope(Scopes.SessionsRead)]
public sealed record GetUsageQuery(string Org, string Workspace, SessionFilterInput Filter, string? GroupBy, string? From, string? To)
    : IQuery<Result<WorkspaceUsage>>, IWorkspaceRequest;

/// <summary>
/// Every caller counts the sessions they see (CONTRACT §5.8), admins and the evaluation service
/// included: another user's private session does not exist for them, and a bucket's key (a label
/// value, a model) would tell what it holds.
/// </summary>
public sealed class GetUsageHandler(IUsageReadStore usage, CallerContext callers) : IQueryHandler<GetUsageQuery, Result<WorkspaceUsage>>
{
    public async ValueTask<Result<WorkspaceUsage>> Handle(GetUsageQuery query, CancellationToken cancellationToken)
    {
        var caller = callers.Current;
        var grouping = UsageGrouping.Parse(query.GroupBy)!;
        var window = new UsageWindow(Timestamp(query.From), Timestamp(query.To));
        var (buckets, totals) = await usage.SumAsync(caller.Audience, query.Filter.ToCriteria(), grouping, window, cancellationToken);
        var ordered = grouping.Dimension == UsageDimension.Day
            ? buckets.OrderBy(b => b.Key, StringComparer.Ordinal)
            : buckets.OrderByDescending(b => b.Sums.CostUsd)
                .ThenByDescending(b => b.Sums.Tokens)
                .ThenBy(b => b.Key is null)
                .ThenBy(b => b.Key, StringComparer.Ordinal);
        return new WorkspaceUsage(grouping.Wire, [.. ordered.Select(b => UsageBucket.From(b.Key, b.Sums))], UsageFigures.From(totals));
    }

    private static DateTime? Timestamp(string? text) => text is null ? null : UsageWindow.ParseEdge(text);
}

public sealed class GetUsageValidator : AbstractValidator<GetUsageQuery>
{
    private const string TimestampMessage = "must be an RFC 3339 timestamp with its offset, e.g. 2026-11-01T00:00:00Z";

    /// <summary>The calendar's last day, 9999-12-31, which a window may not reach.</summary>
    private static readonly DateTime LastDay = DateTime.MaxValue.Date;

    public GetUsageValidator()
    {
        RuleFor(q => q.Filter).Custom((filter, context) => context.AddFieldErrors(filter.Check()));
        RuleFor(q => q).Custom((query, context) =>
        {
            if (query.GroupBy is null)
            {
                context.AddFieldErrors([new FieldError([nameof(GetUsageQuery.GroupBy)], $"is required: {UsageGrouping.Choices}", FieldProblem.Missing)]);
            }
            else if (UsageGrouping.Parse(query.GroupBy) is null)
            {
                context.AddFieldErrors([new FieldError([nameof(GetUsageQuery.GroupBy)], $"must be {UsageGrouping.Choices} (a label key is {SessionRules.LabelKeyRule})", FieldProblem.NotAllowedValue)]);
            }

            var from = query.From is null ? null : UsageWindow.ParseTimestamp(query.From);
            var to = query.To is null ? null : UsageWindow.ParseTimestamp(query.To);
            foreach (var (name, text, at) in new[] { (nameof(GetUsageQuery.From), query.From, from), (nameof(GetUsageQuery.To), query.To, to) })
            {
                if (text is not null && at is null)
                {
                    context.AddFieldErrors([UsageWindow.BeyondTheCalendar(text)
                        ? new FieldError([name], $"must be an instant from {DateTime.MinValue:yyyy-MM-dd'T'HH:mm:ss'Z'}, earlier than {LastDay:yyyy-MM-dd'T'HH:mm:ss'Z'}, once its offset is applied", FieldProblem.InvalidValue)
                        : new FieldError([name], TimestampMessage, FieldProblem.NotATimestamp)]);
                }
            }

            // A window is read by whole UTC days; the day after the calendar's last one does not exist.
            foreach (var (name, at) in new[] { (nameof(GetUsageQuery.From), from), (nameof(GetUsageQuery.To), to) })
            {
                if (at >= LastDay)
                {
                    context.AddFieldErrors([new FieldError([name], $"must be earlier than {LastDay:yyyy-MM-dd'T'HH:mm:ss'Z'}", FieldProblem.InvalidValue)]);
                }
            }

            if (from is not null && to is not null && !UsageWindow.IsLater(query.To!, query.From!))
            {
                context.AddFieldErrors([new FieldError([nameof(GetUsageQuery.To)], "must be later than from", FieldProblem.InvalidValue)]);
            }
        });
    }
}
