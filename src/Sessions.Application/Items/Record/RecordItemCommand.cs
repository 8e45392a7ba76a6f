using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;

namespace Sessions.Application.Items;

/// <summary>Records an item a run produced in a session; a dedupe key the session already has answers the stored item.</summary>
[RequiresScope(Scopes.SessionsWrite)]
public sealed record RecordItemCommand(string Org, string Workspace, SessionReference Session, ItemInput? Item)
    : ICommand<Result<RecordedItem>>, ISessionCommand
{
    public VersionCondition? IfMatch { get; init; }
}
