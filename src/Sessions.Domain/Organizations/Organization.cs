namespace Sessions.Domain.Organizations;

/// <summary>A tenant: it owns workspaces.</summary>
public sealed class Organization
{
    private Organization()
    {
        Slug = string.Empty;
        Name = string.Empty;
    }

    public Guid Id { get; private set; }

    public string Slug { get; private set; }

    public string Name { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public static Organization Create(string slug, string name, DateTime now) =>
        new() { Id = Guid.CreateVersion7(now), Slug = slug, Name = name, CreatedAt = now };
}
