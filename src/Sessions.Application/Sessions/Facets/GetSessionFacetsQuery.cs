using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Sessions.List;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Facets;

/// <summary>Counts per label value, agent, model, origin and owner over the sessions a listing with the same filters would show.</summary>
[RequiresScope(Scopes.SessionsRead)]
public sealed record GetSessionFacetsQuery(string Org, string Workspace, SessionFilterInput Filter)
    : IQuery<Result<SessionFacets>>, IWorkspaceRequest;
