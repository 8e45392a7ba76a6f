namespace Sessions.Domain.Organizations;

/// <summary>A space of an organization where members keep sessions; its slug is unique within the organization.</summary>
public sealed class Workspace
{
    private Workspace()
    {
        Slug = string.Empty;
        Name = string.Empty;
    }

    public Guid Id { get; private set; }

    public Guid OrganizationId { get; private set; }

    public string Slug { get; private set; }

    public string Name { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public static Workspace Create(Guid organizationId, string slug, string name, DateTime now) =>
        new() { Id = Guid.CreateVersion7(now), OrganizationId = organizationId, Slug = slug, Name = name, CreatedAt = now };
}
