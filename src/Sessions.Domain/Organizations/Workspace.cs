using Sessions.Domain.Common;
using Sessions.Domain.Organizations.Events;

namespace Sessions.Domain.Organizations;

/// <summary>A space of an organization where members keep sessions; its slug is unique within the organization.</summary>
public sealed class Workspace : AggregateRoot
{
    // Stryker disable all : the constructor EF Core materializes rows with; every value set here is overwritten from the row
    private Workspace()
    {
        Slug = string.Empty;
        Name = string.Empty;
    }
    // Stryker restore all

    public Guid Id { get; private set; }

    public Guid OrganizationId { get; private set; }

    public string Slug { get; private set; }

    public string Name { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public static Workspace Create(Guid organizationId, string slug, string name, DateTime now)
    {
        var workspace = new Workspace { Id = Guid.CreateVersion7(now), OrganizationId = organizationId, Slug = slug, Name = name, CreatedAt = now };
        workspace.Raise(new WorkspaceCreated(workspace.Id, organizationId, slug, now));
        return workspace;
    }
}
