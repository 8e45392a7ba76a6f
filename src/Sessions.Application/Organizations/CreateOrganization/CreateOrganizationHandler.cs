using Mediator;
using Sessions.Application.Common.Time;
using Sessions.Domain.Common;
using Sessions.Domain.Organizations;

namespace Sessions.Application.Organizations;

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
