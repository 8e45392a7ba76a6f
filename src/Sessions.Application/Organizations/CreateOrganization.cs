using FluentValidation;
using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Time;
using Sessions.Application.Common.Validation;
using Sessions.Domain.Common;
using Sessions.Domain.Organizations;

namespace Sessions.Application.Organizations;

/// <summary>Creates an organization (platform admins only).</summary>
[RequiresScope(Scopes.Admin)]
public sealed record CreateOrganizationCommand(string? Slug, string? Name) : ICommand<Result<OrganizationView>>;

public sealed class CreateOrganizationValidator : AbstractValidator<CreateOrganizationCommand>
{
    public CreateOrganizationValidator()
    {
        RuleFor(c => c.Slug).Required().SlugRule();
        RuleFor(c => c.Name).Chars(1, 255);
    }
}

public sealed class CreateOrganizationHandler(IOrganizationRepository organizations, TimeProvider clock)
    : ICommandHandler<CreateOrganizationCommand, Result<OrganizationView>>
{
    public async ValueTask<Result<OrganizationView>> Handle(CreateOrganizationCommand command, CancellationToken cancellationToken)
    {
        if (await organizations.FindOrganizationAsync(command.Slug!, cancellationToken) is not null)
        {
            return new Error(ErrorType.AlreadyExists, $"An organization '{command.Slug}' already exists.");
        }

        var organization = Organization.Create(command.Slug!, command.Name ?? command.Slug!, clock.UtcNow());
        organizations.Add(organization);
        return new OrganizationView(organization.Id, organization.Slug, organization.Name, organization.CreatedAt);
    }
}
