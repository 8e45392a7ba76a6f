using Mediator;
using Sessions.Application.Common.Persistence;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Time;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Sessions;

/// <summary>What every command about one session needs, in one place.</summary>
public sealed class SessionCommandServices(
    ISessionReadStore reads,
    ISessionRepository sessions,
    IUnitOfWork unitOfWork,
    CallerContext callers,
    TimeProvider clock)
{
    public ISessionReadStore Reads { get; } = reads;

    public ISessionRepository Sessions { get; } = sessions;

    public IUnitOfWork UnitOfWork { get; } = unitOfWork;

    public CallerContext Callers { get; } = callers;

    public TimeProvider Clock { get; } = clock;
}

/// <summary>
/// What a command about one session will do once it has read the session: answer at once (an
/// idempotent repeat, or a refusal), or change the session loaded again for change.
/// </summary>
public sealed class SessionPlan<TResult>
{
    private SessionPlan(Result<TResult>? answer, Func<Session, DateTime, CancellationToken, ValueTask<Result<TResult>>>? change)
    {
        Answer = answer;
        Change = change;
    }

    public Result<TResult>? Answer { get; }

    public Func<Session, DateTime, CancellationToken, ValueTask<Result<TResult>>>? Change { get; }

    public static SessionPlan<TResult> AnswerWith(Result<TResult> answer) => new(answer, null);

    /// <summary>Changes the session (loaded again for change: under the write lock, or guarded by its version) at the given time.</summary>
    public static SessionPlan<TResult> ChangeWith(Func<Session, DateTime, CancellationToken, ValueTask<Result<TResult>>> change) => new(null, change);
}

/// <summary>
/// The shape of every command about one session: find it among the sessions the caller can see
/// (one read, no lock), refuse what the caller may not do, plan from that read (so an idempotent
/// repeat answers without any write lock), and only for a real change load the session again for
/// change and apply the plan. Ownership never changes and visibility only widens, so what the read
/// allowed still holds for the change. A command whose change writes rows beside the session's
/// (messages, labels, items) takes the write lock first and loads under it, so that concurrent
/// changes of one session run one after another; one that changes only the session's own row
/// (<see cref="ChangesOnlyTheSessionRow"/>) loads without a lock and takes the write lock only to
/// save, guarded by the version it loaded, and loads under the lock when it runs again after a
/// lost race (ADR 0031).
/// </summary>
public abstract class SessionCommandHandler<TCommand, TResult>(SessionCommandServices services) : ICommandHandler<TCommand, Result<TResult>>
    where TCommand : ICommand<Result<TResult>>, ISessionCommand
{
    private static readonly Error StaleETag =
        new(ErrorType.PreconditionFailed, "The session has changed since the ETag given in If-Match; read it again and retry.");

    /// <summary>An <c>If-Match</c> holding no tag a session answer carries (unquoted, garbage): retrying as it is would fail for ever.</summary>
    private static readonly Error ForeignETag =
        new(ErrorType.PreconditionFailed, "If-Match holds no ETag of a session: send the ETag header of a session answer as it came, in quotes (\"8\"), or *.");

    protected SessionCommandServices Services { get; } = services;

    public async ValueTask<Result<TResult>> Handle(TCommand command, CancellationToken cancellationToken)
    {
        var caller = Services.Callers.Current;
        var found = await Services.Reads.FindAsync(Audience(caller), command.Session, cancellationToken);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        if ((Refuse(found.Value.Session, caller) ?? Stale(found.Value.Session, command)) is { } refusal)
        {
            return refusal;
        }

        var plan = await PlanAsync(found.Value, caller, command, cancellationToken);
        if (plan.Change is not { } change)
        {
            return plan.Answer!;
        }

        // Loaded again by its id alone, and ids are the clients': a session deleted since the read
        // and created again under its id is another session, perhaps another owner's or another
        // workspace's, which the caller is to see and change only as any other.
        var session = await LoadForChangeAsync(found.Value.Session.Id, ChangesLabels(command), cancellationToken);
        if (session is null || !Audience(caller).Sees(session))
        {
            return SessionErrors.NotFound;
        }

        return Refuse(session, caller) ?? Stale(session, command) ?? await change(session, session.StampAfter(Services.Clock.UtcNow()), cancellationToken);
    }

    /// <summary>The client's <c>If-Match</c>, when the session's version does not meet it (checked on the read and again on the session loaded for the change).</summary>
    private static Error? Stale(Session session, TCommand command) =>
        command.IfMatch is not { } condition || condition.IsMetBy(session.Version) ? null
        : condition.Versions.Count == 0 && !condition.Any ? ForeignETag
        : StaleETag;

    /// <summary>
    /// Whether the change writes the session's own row and nothing beside it but the rows kept
    /// from it (facet counts, usage-day filters), which the save writes after the session's
    /// version-checked update. Such a change is
    /// loaded without a lock and saved with the version it loaded: on SQLite the single writer's
    /// turn then holds only the save and the commit, and on a server no row lock is held across a
    /// round trip. A writer that came in between fails the save's version check, and the command
    /// reruns on fresh state (ADR 0008), where an idempotent repeat answers without writing and a
    /// change loads under the lock, so that it cannot lose a second race.
    /// </summary>
    protected virtual bool ChangesOnlyTheSessionRow => false;

    /// <summary>
    /// Whether the command may change the session's labels, and so needs their rows loaded (the
    /// rows it replaces). Every other command loads the session without them (ADR 0076).
    /// </summary>
    protected virtual bool ChangesLabels(TCommand command) => false;

    private async Task<Session?> LoadForChangeAsync(Guid id, bool withLabelRows, CancellationToken cancellationToken)
    {
        if (ChangesOnlyTheSessionRow && !Services.UnitOfWork.Rerunning)
        {
            return await Services.Sessions.GetForChangeAsync(id, cancellationToken);
        }

        await Services.UnitOfWork.BeginWriteAsync(id, cancellationToken);
        return await Services.Sessions.GetForUpdateAsync(id, withLabelRows, cancellationToken);
    }

    /// <summary>The sessions this command may name: by default those the caller sees.</summary>
    protected virtual SessionAudience Audience(Caller caller) => caller.Audience;

    /// <summary>403 unless the caller is the session's owner or a workspace admin (viewers change nothing).</summary>
    protected virtual Error? Refuse(Session session, Caller caller) => caller.MayChange(session) ? null : SessionErrors.NotChangeable;

    protected abstract ValueTask<SessionPlan<TResult>> PlanAsync(SessionRead read, Caller caller, TCommand command, CancellationToken cancellationToken);

    /// <summary>
    /// The answer for a session as changed: the chips known from the read, and a new sharer's read
    /// from the database; both read again when the id's session is not the one read.
    /// </summary>
    protected async Task<SessionView> ViewAsync(Session session, SessionRead read, CancellationToken cancellationToken)
    {
        if (!read.IsTheSameLifeAs(session))
        {
            var chips = await Services.Reads.GetUserChipsAsync(new HashSet<Guid> { session.UserId, session.SharedBy ?? session.UserId }, cancellationToken);
            return SessionView.From(session, chips.GetValueOrDefault(session.UserId), session.SharedBy is { } sharedBy ? chips.GetValueOrDefault(sharedBy) : null);
        }

        var sharer = session.SharedBy switch
        {
            null => null,
            { } id when id == read.Session.SharedBy => read.SharedBy,
            { } id when id == session.UserId => read.CreatedBy,
            { } id => (await Services.Reads.GetUserChipsAsync([id], cancellationToken)).GetValueOrDefault(id),
        };
        return SessionView.From(session, read.CreatedBy, sharer);
    }

    protected static ValueTask<SessionPlan<TResult>> Answer(Result<TResult> answer) => ValueTask.FromResult(SessionPlan<TResult>.AnswerWith(answer));

    protected static ValueTask<SessionPlan<TResult>> Change(Func<Session, DateTime, CancellationToken, ValueTask<Result<TResult>>> change) =>
        ValueTask.FromResult(SessionPlan<TResult>.ChangeWith(change));
}
