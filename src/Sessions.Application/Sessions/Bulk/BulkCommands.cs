using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Domain.Common;

namespace Sessions.Application.Sessions.Bulk;

/// <summary>A bulk action over full session ids: 1 to 200 of them, duplicates ignored.</summary>
public interface IBulkSessionsCommand : IWorkspaceRequest
{
    IReadOnlyList<Guid>? SessionIds { get; }
}

/// <summary>Which ids the action succeeded for, and why it failed for the others.</summary>
public sealed record BulkOutcome(IReadOnlyList<Guid> Succeeded, IReadOnlyList<BulkFailure> Failed);

public sealed record BulkFailure(Guid Id, Error Error);

[RequiresScope(Scopes.SessionsWrite, Scopes.SessionsEvaluate)]
public sealed record BulkFreezeCommand(string Org, string Workspace, IReadOnlyList<Guid>? SessionIds)
    : ICommand<Result<BulkOutcome>>, IBulkSessionsCommand;

[RequiresScope(Scopes.SessionsWrite)]
public sealed record BulkShareCommand(string Org, string Workspace, IReadOnlyList<Guid>? SessionIds)
    : ICommand<Result<BulkOutcome>>, IBulkSessionsCommand;

[RequiresScope(Scopes.SessionsWrite)]
public sealed record BulkDeleteCommand(string Org, string Workspace, IReadOnlyList<Guid>? SessionIds)
    : ICommand<Result<BulkOutcome>>, IBulkSessionsCommand;
