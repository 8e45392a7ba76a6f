using Mediator;
using Sessions.Application.Common.Time;
using Sessions.Domain.Common;
using Sessions.Domain.Organizations;

namespace Sessions.Application.Organizations;

public sealed class CreateWorkspaceHandler(IOrganizationRepository organizations, TimeProvider clock)
    : ICommandHandler<CreateWorkspaceCommand, Result<WorkspaceView>>
{
    public async ValueTask<Result<WorkspaceView>> Handle(CreateWorkspaceCommand command, CancellationToken cancellationToken)
    {
        var organization = Slug.IsValid(command.Org) ? await organizations.FindOrganizationAsync(command.Org, cancellationToken) : null;
        if (organization is null)
        {
            return Error.NotFound("Organization not found.");
        }

        if (await organizations.WorkspaceExistsAsync(organization.Id, command.Slug!, cancellationToken))
        {
            return new Error(ErrorType.AlreadyExists, $"A workspace '{command.Slug}' already exists in '{command.Org}'.");
        }

        var workspace = Workspace.Create(organization.Id, command.Slug!, command.Name ?? command.Slug!, clock.UtcNow());
        organizations.Add(workspace);
        return new WorkspaceView(workspace.Id, organization.Id, workspace.Slug, workspace.Name, workspace.CreatedAt);
    }
}
