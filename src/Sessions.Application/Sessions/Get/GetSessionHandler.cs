using Mediator;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Get;

public sealed class GetSessionHandler(SessionAccess access, ISessionReadStore reads)
    : IQueryHandler<GetSessionQuery, Result<SessionView>>
{
    public async ValueTask<Result<SessionView>> Handle(GetSessionQuery query, CancellationToken cancellationToken)
    {
        var resolved = await access.ResolveAsync(query.SessionId, cancellationToken);
        if (!resolved.IsSuccess)
        {
            return resolved.Error;
        }

        return await reads.GetAsync(resolved.Value, cancellationToken) is { } view ? view : SessionErrors.NotFound;
    }
}
