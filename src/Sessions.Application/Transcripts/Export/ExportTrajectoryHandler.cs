using System.Runtime.CompilerServices;
using FluentValidation;
using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Validation;
using Sessions.Application.Events;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions.Events;

namespace Sessions.Application.Transcripts;

/// <summary>
/// An export is the session as it was when the export was authorized (ADR 0054): its messages up to
/// its last seq then, those compacted since counted current, and its events stamped up to then; so
/// that what is written while a long export is read (or after its caller is removed meanwhile) is
/// not in it. A rewind meanwhile removes rows the later pages would have read.
/// </summary>
public sealed class ExportTrajectoryHandler(ISessionReadStore reads, CallerContext callers, ITranscriptReadStore transcripts, ISessionEventStore events, TimeProvider clock)
    : IQueryHandler<ExportTrajectoryQuery, Result<TrajectoryExport>>
{
    /// <summary>Messages and events are read this many at a time (messages fewer when their text reaches <see cref="MessagesRead.MaxText"/>): what an export holds at once.</summary>
    public const int PageSize = 100;

    public async ValueTask<Result<TrajectoryExport>> Handle(ExportTrajectoryQuery query, CancellationToken cancellationToken)
    {
        var found = await reads.FindWithSystemPromptAsync(callers.Current.Audience, query.Session, cancellationToken);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var (read, systemPrompt) = found.Value;
        var session = read.Session;
        var format = query.Format is null ? TrajectoryFormat.Atif : WireEnum.Parse<TrajectoryFormat>(query.Format);
        return new TrajectoryExport(
            read.ToView(),
            systemPrompt is "" ? null : systemPrompt,
            format,
            MessagesAsync(SessionLifeKey.Of(session), new TranscriptAsOf(session.LastSeq, session.UpdatedAt), query.IncludeCompacted ?? false, cancellationToken),
            EventsAsync(session.Id, SessionLife.Living(session.CreatedAt), session.UpdatedAt, Later(clock.GetUtcNow().UtcDateTime, session.UpdatedAt), cancellationToken));
    }

    /// <summary>The later of two UTC instants (by their ticks: a comparison's choice when they are equal would be an equivalent mutant).</summary>
    private static DateTime Later(DateTime one, DateTime other) => new(Math.Max(one.Ticks, other.Ticks), DateTimeKind.Utc);

    /// <summary>
    /// The messages of the life the export found as they were at <paramref name="asOf"/>, page by
    /// page. A session deleted meanwhile ends them (its messages went with it), one created again
    /// under its id adds none.
    /// </summary>
    private async IAsyncEnumerable<MessageView> MessagesAsync(SessionLifeKey session, TranscriptAsOf asOf, bool includeCompacted, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (long after = 0; ;)
        {
            var read = await transcripts.PageAsOfAsync(session, asOf, after, PageSize, includeCompacted, cancellationToken);
            foreach (var message in read.Messages)
            {
                yield return message;
            }

            if (!read.MoreAfter(PageSize))
            {
                yield break;
            }

            after = read.Messages[^1].Seq;
        }
    }

    /// <summary>
    /// The events of the life the export found (none of a session created again under its id
    /// since), oldest first, as of the export's authorization: those of changes stamped up to the
    /// session's last change then (<paramref name="changed"/>: every change but an item's stamps its
    /// events with the <c>updated_at</c> it stores, later for each commit), and items' events stamped
    /// up to <paramref name="until"/> (the later of this instance's clock and that change; an item
    /// moves no <c>updated_at</c>, and another instance's clock may differ).
    /// </summary>
    private async IAsyncEnumerable<StoredEvent> EventsAsync(Guid sessionId, SessionLife life, DateTime changed, DateTime until, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (Guid? after = null; ;)
        {
            var page = await events.PageAsync(sessionId, [life], after, PageSize, cancellationToken) ?? [];
            foreach (var stored in page)
            {
                if (stored.OccurredAt > until)
                {
                    yield break;
                }

                if (stored.OccurredAt <= changed || stored.Type == nameof(SessionItemRecorded))
                {
                    yield return stored;
                }
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
