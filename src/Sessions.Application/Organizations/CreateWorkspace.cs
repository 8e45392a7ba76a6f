using FluentValidation;
using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Time;
using Sessions.Application.Common.Validation;
using Sessions.Domain.Common;
using Sessions.Domain.Organizations;

namespace Sessions.Application.Organizations;

/// <summary>Creates a workspace in an organization (platform admins only).</summary>
[RequiresScope(Scopes.Admin)]
public sealed record CreateWorkspaceCommand(string Org, string? Slug, string? Name) : ICommand<Result<WorkspaceView>>;

public sealed class CreateWorkspaceValidator : AbstractValidator<CreateWorkspaceCommand>
{
    public CreateWorkspaceValidator()
    {
        RuleFor(c => c.Slug).Required().SlugRule();
        RuleFor(c => c.Name).Chars(1, 255);
    }
}

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
