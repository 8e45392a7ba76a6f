using Sessions.Application.Common.Security;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Delete;

public sealed class DeleteSessionHandler(SessionCommandServices services)
    : SessionCommandHandler<DeleteSessionCommand, Guid>(services)
{
    protected override ValueTask<SessionPlan<Guid>> PlanAsync(SessionRead read, Caller caller, DeleteSessionCommand command, CancellationToken cancellationToken) =>
        Change((session, now, _) =>
        {
            var deleted = session.Delete(caller.UserId, now);
            if (deleted.Error is { } error)
            {
                return ValueTask.FromResult<Result<Guid>>(error);
            }

            Services.Sessions.Remove(session);
            return ValueTask.FromResult<Result<Guid>>(session.Id);
        });
}
