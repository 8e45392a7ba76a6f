using FluentValidation;
using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Time;
using Sessions.Application.Common.Validation;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;
using Sessions.Domain.Groups;
using Sessions.Domain.Organizations;

namespace Sessions.Application.Groups;

/// <summary>Creates a group of the workspace; the service chooses its id, the caller is its creator.</summary>
[RequiresScope(Scopes.SessionsWrite)]
public sealed record CreateGroupCommand(
    string Org,
    string Workspace,
    GroupKind? Kind,
    Guid? ProjectId,
    string? Title,
    GroupStatus? Status,
    string? Capability,
    string? CapabilityVersion,
    string? Worker,
    Guid? EvaluationId,
    Guid? EvaluationItemId,
    Guid? EvaluationItemAttemptId,
    Guid? RuntimeId,
    string? MetadataJson) : ICommand<Result<GroupSummary>>, IWorkspaceRequest;

public sealed class CreateGroupHandler(IGroupRepository groups, ISessionReadStore reads, CallerContext callers, TimeProvider clock)
    : ICommandHandler<CreateGroupCommand, Result<GroupSummary>>
{
    public async ValueTask<Result<GroupSummary>> Handle(CreateGroupCommand command, CancellationToken cancellationToken)
    {
        var caller = callers.Current;
        if (caller.Membership.Role == WorkspaceRole.Viewer)
        {
            return Error.Forbidden("Viewers cannot create session groups.");
        }

        var group = SessionGroup.Create(
            new NewGroup(
                command.Kind!.Value,
                command.ProjectId!.Value,
                command.Title,
                command.Status ?? GroupStatus.Running,
                command.Capability,
                command.CapabilityVersion,
                command.Worker,
                command.EvaluationId,
                command.EvaluationItemId,
                command.EvaluationItemAttemptId,
                command.RuntimeId,
                command.MetadataJson),
            caller.WorkspaceId,
            caller.UserId,
            clock.UtcNow());
        groups.Add(group);
        var creator = (await reads.GetUserChipsAsync([caller.UserId], cancellationToken)).GetValueOrDefault(caller.UserId);
        return GroupSummary.From(new GroupRead(group, creator), GroupCounts.None);
    }
}

public sealed class CreateGroupValidator : AbstractValidator<CreateGroupCommand>
{
    public CreateGroupValidator()
    {
        RuleFor(c => c.Kind).Required();
        RuleFor(c => c.ProjectId).Required();
        RuleFor(c => c.Title).TextRule();
        RuleFor(c => c.Capability).TextRule();
        RuleFor(c => c.CapabilityVersion).TextRule();
        RuleFor(c => c.Worker).TextRule();
        RuleFor(c => c.MetadataJson).MetadataRule();
    }
}
