using FluentValidation;
using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Validation;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;

namespace Sessions.Application.Transcripts;

/// <summary>A page of the transcript in seq order, after a seq (keyset paging).</summary>
[RequiresScope(Scopes.SessionsRead)]
public sealed record GetTranscriptQuery(string Org, string Workspace, string SessionId, long? AfterSeq, int? Limit, bool? IncludeCompacted)
    : IQuery<Result<TranscriptPage>>, IWorkspaceRequest
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;
}

/// <summary><see cref="NextAfterSeq"/> is the seq to pass as <c>after_seq</c> for the next page (null when the page is empty).</summary>
public sealed record TranscriptPage(IReadOnlyList<MessageView> Messages, bool HasMore, long? NextAfterSeq);

/// <summary>Messages whose content contains <see cref="Q"/>, any case, in seq order.</summary>
[RequiresScope(Scopes.SessionsRead)]
public sealed record SearchMessagesQuery(string Org, string Workspace, string SessionId, string? Q, long? AfterSeq, int? Limit, bool? IncludeCompacted)
    : IQuery<Result<MessageMatches>>, IWorkspaceRequest
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;
    public const int MaxQueryLength = 200;
}

/// <summary><see cref="Total"/> counts every match, whatever page this is.</summary>
public sealed record MessageMatches(IReadOnlyList<MessageView> Matches, long Total, bool HasMore);

public sealed class GetTranscriptValidator : AbstractValidator<GetTranscriptQuery>
{
    public GetTranscriptValidator()
    {
        RuleFor(q => q.SessionId).SessionReferenceRule();
        RuleFor(q => q.AfterSeq).AtLeast(0);
        RuleFor(q => q.Limit).AtLeast(1).AtMost(GetTranscriptQuery.MaxLimit);
    }
}

public sealed class SearchMessagesValidator : AbstractValidator<SearchMessagesQuery>
{
    public SearchMessagesValidator()
    {
        RuleFor(q => q.SessionId).SessionReferenceRule();
        RuleFor(q => q.Q).Required().Chars(1, SearchMessagesQuery.MaxQueryLength);
        RuleFor(q => q.AfterSeq).AtLeast(0);
        RuleFor(q => q.Limit).AtLeast(1).AtMost(SearchMessagesQuery.MaxLimit);
    }
}

public sealed class GetTranscriptHandler(SessionAccess access, ITranscriptReadStore transcripts)
    : IQueryHandler<GetTranscriptQuery, Result<TranscriptPage>>
{
    public async ValueTask<Result<TranscriptPage>> Handle(GetTranscriptQuery query, CancellationToken cancellationToken)
    {
        var resolved = await access.ResolveAsync(query.SessionId, cancellationToken);
        if (!resolved.IsSuccess)
        {
            return resolved.Error;
        }

        var limit = query.Limit ?? GetTranscriptQuery.DefaultLimit;
        var page = await transcripts.PageAsync(resolved.Value, query.AfterSeq ?? 0, limit + 1, query.IncludeCompacted ?? false, cancellationToken);
        var messages = page.Take(limit).ToList();
        return new TranscriptPage(messages, page.Count > limit, messages.Count > 0 ? messages[^1].Seq : null);
    }
}

public sealed class SearchMessagesHandler(SessionAccess access, ITranscriptReadStore transcripts)
    : IQueryHandler<SearchMessagesQuery, Result<MessageMatches>>
{
    public async ValueTask<Result<MessageMatches>> Handle(SearchMessagesQuery query, CancellationToken cancellationToken)
    {
        var resolved = await access.ResolveAsync(query.SessionId, cancellationToken);
        if (!resolved.IsSuccess)
        {
            return resolved.Error;
        }

        var limit = query.Limit ?? SearchMessagesQuery.DefaultLimit;
        var (matches, total) = await transcripts.SearchAsync(resolved.Value, query.Q!, query.AfterSeq ?? 0, limit + 1, query.IncludeCompacted ?? false, cancellationToken);
        return new MessageMatches([.. matches.Take(limit)], total, matches.Count > limit);
    }
}
