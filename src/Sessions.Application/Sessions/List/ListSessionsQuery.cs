using FluentValidation;
using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Validation;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.List;

/// <summary>One page of the sessions the caller can see, filtered and sorted.</summary>
[RequiresScope(Scopes.SessionsRead)]
public sealed record ListSessionsQuery(
    string Org,
    string Workspace,
    SessionFilterInput Filter,
    string? SortBy,
    string? SortDir,
    int? Page,
    int? Limit) : IQuery<Result<SessionPage>>, IWorkspaceRequest
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <summary>Far past any real listing, and small enough that page × limit stays an int.</summary>
    public const int MaxPage = 1_000_000;
}

/// <summary>The list envelope (CONTRACT §5.4).</summary>
public sealed record SessionPage(
    IReadOnlyList<SessionView> Sessions,
    long Total,
    int Page,
    int Limit,
    long TotalPages,
    bool HasNext,
    bool HasPrevious);

public enum SortDirection
{
    Desc,
    Asc,
}

public sealed class ListSessionsValidator : AbstractValidator<ListSessionsQuery>
{
    public ListSessionsValidator()
    {
        RuleFor(q => q.Page).AtLeast(1).AtMost(ListSessionsQuery.MaxPage);
        RuleFor(q => q.Limit).AtLeast(1).AtMost(ListSessionsQuery.MaxLimit);
        RuleFor(q => q.SortBy)
            .Must(value => value is null || WireEnum.TryParse<SessionSortField>(value, out _))
            .WithMessage($"must be one of: {WireEnum.Names<SessionSortField>()}")
            .WithErrorCode("enum");
        RuleFor(q => q.SortDir)
            .Must(value => value is null || WireEnum.TryParse<SortDirection>(value, out _))
            .WithMessage($"must be one of: {WireEnum.Names<SortDirection>()}")
            .WithErrorCode("enum");
        RuleFor(q => q.Filter).Custom((filter, context) => context.AddFieldErrors(filter.Check()));
    }
}

public sealed class ListSessionsHandler(ISessionReadStore reads, CallerContext callers)
    : IQueryHandler<ListSessionsQuery, Result<SessionPage>>
{
    public async ValueTask<Result<SessionPage>> Handle(ListSessionsQuery query, CancellationToken cancellationToken)
    {
        var page = query.Page ?? 1;
        var limit = query.Limit ?? ListSessionsQuery.DefaultLimit;
        var sort = query.SortBy is null ? SessionSortField.UpdatedAt : WireEnum.Parse<SessionSortField>(query.SortBy);
        var direction = query.SortDir is null ? SortDirection.Desc : WireEnum.Parse<SortDirection>(query.SortDir);
        var (sessions, total) = await reads.ListAsync(callers.Current.Audience, query.Filter.ToCriteria(), sort, direction, (page - 1) * limit, limit, cancellationToken);
        var totalPages = (total + limit - 1) / limit;
        return new SessionPage(sessions, total, page, limit, totalPages, page < totalPages, page > 1);
    }
}
