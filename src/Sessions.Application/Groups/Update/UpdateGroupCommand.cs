using System.Text.Json;
using FluentValidation;
using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Time;
using Sessions.Domain.Common;
using Sessions.Domain.Groups;
using Sessions.Domain.Organizations;

namespace Sessions.Application.Groups;

/// <summary>Changes a group's title, status or metadata; a finished group keeps its status.</summary>
[RequiresScope(Scopes.SessionsWrite)]
public sealed record UpdateGroupCommand(string Org, string Workspace, Guid GroupId, string? Title, GroupStatus? Status, string? MetadataJson)
    : ICommand<Result<GroupSummary>>, IGroupRequest;

/// <summary>404 when the caller does not see the group; 403 unless they created it or are a workspace admin (viewers change nothing).</summary>
public sealed class UpdateGroupHandler(IGroupRepository groups, IGroupReadStore reads, CallerContext callers, TimeProvider clock)
    : ICommandHandler<UpdateGroupCommand, Result<GroupSummary>>
{
    public async ValueTask<Result<GroupSummary>> Handle(UpdateGroupCommand command, CancellationToken cancellationToken)
    {
        var caller = callers.Current;
        var read = await reads.FindAsync(caller.GroupAudience, command.GroupId, cancellationToken);
        if (read is null)
        {
            return GroupRules.NotFound;
        }

        if (caller.Membership.Role == WorkspaceRole.Viewer || (read.Group.CreatedBy != caller.UserId && caller.Membership.Role != WorkspaceRole.Admin))
        {
            return GroupRules.NotChangeable;
        }

        var group = await groups.GetForUpdateAsync(caller.WorkspaceId, command.GroupId, cancellationToken);
        if (group is null)
        {
            return GroupRules.NotFound;
        }

        // Metadata is kept as the client wrote it: the same object written with other spacing or
        // escapes is no change.
        var metadata = command.MetadataJson is { } sent && group.MetadataJson is { } stored && SameJson(sent, stored) ? null : command.MetadataJson;
        var updated = group.Update(new GroupChanges(command.Title, command.Status, metadata), caller.UserId, clock.UtcNow());
        if (updated.Error is { } error)
        {
            return error;
        }

        var criteria = GroupQueries.Children(null, null);
        var counts = await reads.CountsAsync(caller.Audience, [group.Id], criteria, cancellationToken);
        return GroupSummary.From(read with { Group = group }, counts.GetValueOrDefault(group.Id, GroupCounts.None));
    }

    private static bool SameJson(string left, string right)
    {
        using var a = JsonDocument.Parse(left);
        using var b = JsonDocument.Parse(right);
        return JsonElement.DeepEquals(a.RootElement, b.RootElement);
    }
}

public sealed class UpdateGroupValidator : AbstractValidator<UpdateGroupCommand>
{
    public UpdateGroupValidator()
    {
        RuleFor(c => c.Title).TextRule();
        RuleFor(c => c.MetadataJson).MetadataRule();
    }
}
