using Mediator;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Get;

public sealed class GetSessionHandler(SessionAccess access) : IQueryHandler<GetSessionQuery, Result<SessionView>>
{
    public async ValueTask<Result<SessionView>> Handle(GetSessionQuery query, CancellationToken cancellationToken) =>
        await access.ReadAsync(query.SessionId, cancellationToken);
}
