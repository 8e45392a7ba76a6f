using System.Runtime.CompilerServices;
using FluentValidation;
using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Validation;
using Sessions.Application.Events;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;

namespace Sessions.Application.Transcripts;

public sealed class ExportTrajectoryHandler(ISessionReadStore reads, CallerContext callers, ITranscriptReadStore transcripts, ISessionEventStore events)
    : IQueryHandler<ExportTrajectoryQuery, Result<TrajectoryExport>>
{
    /// <summary>Messages and events are read this many at a time (messages fewer when their text reaches <see cref="MessagesRead.MaxText"/>): what an export holds at once.</summary>
    public const int PageSize = 100;

    public async ValueTask<Result<TrajectoryExport>> Handle(ExportTrajectoryQuery query, CancellationToken cancellationToken)
    {
        var found = await reads.FindAsync(callers.Current.Audience, query.Session, cancellationToken);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var session = found.Value.Session;
        var format = query.Format is null ? TrajectoryFormat.Atif : WireEnum.Parse<TrajectoryFormat>(query.Format);
        return new TrajectoryExport(
            found.Value.ToView(),
            session.SystemPrompt,
            format,
            MessagesAsync(SessionLifeKey.Of(session), session.LastSeq, query.IncludeCompacted ?? false, cancellationToken),
            EventsAsync(session.Id, SessionLife.Living(session.CreatedAt), cancellationToken));
    }

    /// <summary>
    /// The messages of the life the export found, page by page, up to the last one it had when the
    /// export was authorized (<paramref name="lastSeq"/>): the export is the transcript the caller
    /// could read then, so that a member removed while a long export runs reads nothing written
    /// after the removal (ADR 0054). A session deleted meanwhile ends them (its messages went with
    /// it), one created again under its id adds none.
    /// </summary>
    private async IAsyncEnumerable<MessageView> MessagesAsync(SessionLifeKey session, long lastSeq, bool includeCompacted, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (long after = 0; ;)
        {
            var read = await transcripts.PageAsync(session, after, PageSize, includeCompacted, cancellationToken);
            foreach (var message in read.Messages)
            {
                if (message.Seq > lastSeq)
                {
                    yield break;
                }

                yield return message;
            }

            if (!read.MoreAfter(PageSize))
            {
                yield break;
            }

            after = read.Messages[^1].Seq;
        }
    }

    /// <summary>The events of the life the export found (none of a session created again under its id since).</summary>
    private async IAsyncEnumerable<StoredEvent> EventsAsync(Guid sessionId, SessionLife life, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (Guid? after = null; ;)
        {
            var page = await events.PageAsync(sessionId, [life], after, PageSize, cancellationToken) ?? [];
            foreach (var stored in page)
            {
                yield return stored;
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            after = page[^1].Id;
        }
    }
}

public sealed class ExportTrajectoryValidator : AbstractValidator<ExportTrajectoryQuery>
{
    public ExportTrajectoryValidator() =>
        RuleFor(q => q.Format)
            .Must(format => format is null || WireEnum.TryParse<TrajectoryFormat>(format, out _))
            .WithMessage($"must be one of: {WireEnum.Names<TrajectoryFormat>()}")
            .WithErrorCode(nameof(FieldProblem.NotAllowedValue));
}
