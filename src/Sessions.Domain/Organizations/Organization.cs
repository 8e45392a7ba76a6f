using Sessions.Domain.Common;
using Sessions.Domain.Organizations.Events;

namespace Sessions.Domain.Organizations;

/// <summary>A tenant: it owns workspaces.</summary>
public sealed class Organization : AggregateRoot
{
    // Stryker disable all : the constructor EF Core materializes rows with; every value set here is overwritten from the row
    private Organization()
    {
        Slug = string.Empty;
        Name = string.Empty;
    }
    // Stryker restore all

    public Guid Id { get; private set; }

    public string Slug { get; private set; }

    public string Name { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public static Organization Create(string slug, string name, DateTime now)
    {
        var organization = new Organization { Id = Guid.CreateVersion7(now), Slug = slug, Name = name, CreatedAt = now };
        organization.Raise(new OrganizationCreated(organization.Id, slug, now));
        return organization;
    }
}
