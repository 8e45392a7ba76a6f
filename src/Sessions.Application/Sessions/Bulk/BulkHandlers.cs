using Mediator;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Bulk;

/// <summary>Each id follows the single-freeze rules; an already-frozen session counts as frozen.</summary>
public sealed class BulkFreezeHandler(BulkSessionRunner runner) : ICommandHandler<BulkFreezeCommand, Result<BulkOutcome>>
{
    public async ValueTask<Result<BulkOutcome>> Handle(BulkFreezeCommand command, CancellationToken cancellationToken)
    {
        return await runner.RunAsync(command.SessionIds!, caller => caller.FreezeAudience, (session, caller, now) =>
        {
            if (caller.FreezesAs(session) is not { } frozenBy)
            {
                return SessionErrors.NotChangeable;
            }

            session.Freeze(caller.UserId, frozenBy, now);
            return Result.Success;
        }, cancellationToken);
    }
}

/// <summary>Each id is promoted to workspace visibility; an already-shared session counts as shared.</summary>
public sealed class BulkShareHandler(BulkSessionRunner runner) : ICommandHandler<BulkShareCommand, Result<BulkOutcome>>
{
    public async ValueTask<Result<BulkOutcome>> Handle(BulkShareCommand command, CancellationToken cancellationToken)
    {
        return await runner.RunAsync(command.SessionIds!, caller => caller.Audience, (session, caller, now) =>
        {
            if (!caller.MayChange(session))
            {
                return SessionErrors.NotChangeable;
            }

            session.Share(caller.UserId, now);
            return Result.Success;
        }, cancellationToken);
    }
}

/// <summary>Each id is deleted with its transcript, unless an evaluation froze it.</summary>
public sealed class BulkDeleteHandler(BulkSessionRunner runner, ISessionRepository sessions) : ICommandHandler<BulkDeleteCommand, Result<BulkOutcome>>
{
    public async ValueTask<Result<BulkOutcome>> Handle(BulkDeleteCommand command, CancellationToken cancellationToken)
    {
        return await runner.RunAsync(command.SessionIds!, caller => caller.Audience, (session, caller, now) =>
        {
            if (!caller.MayChange(session))
            {
                return SessionErrors.NotChangeable;
            }

            var deleted = session.Delete(caller.UserId, now);
            if (deleted.Error is null)
            {
                sessions.Remove(session);
            }

            return deleted;
        }, cancellationToken);
    }
}
