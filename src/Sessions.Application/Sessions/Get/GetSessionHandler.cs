using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Get;

/// <summary>One statement: the session the caller names, among those they can see, with its chips.</summary>
public sealed class GetSessionHandler(ISessionReadStore reads, CallerContext callers) : IQueryHandler<GetSessionQuery, Result<SessionView>>
{
    public async ValueTask<Result<SessionView>> Handle(GetSessionQuery query, CancellationToken cancellationToken)
    {
        var found = await reads.FindAsync(callers.Current.Audience, query.Session, cancellationToken);
        return found.IsSuccess ? found.Value.ToView() : found.Error;
    }
}
