namespace Sessions.Domain.Users;

/// <summary>A person known from token claims, kept so sessions can show who created and shared them.</summary>
public sealed class User
{
    private User()
    {
    }

    public Guid Id { get; private set; }

    public string? Email { get; private set; }

    public string? FullName { get; private set; }

    public string? Username { get; private set; }

    public DateTime CreatedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    public static User Create(Guid id, string? email, string? fullName, string? username, DateTime now) =>
        new() { Id = id, Email = email, FullName = fullName, Username = username, CreatedAt = now, UpdatedAt = now };

    /// <summary>Takes the latest profile claims; claims a token does not carry are left as they were.</summary>
    public bool UpdateProfile(string? email, string? fullName, string? username, DateTime now)
    {
        var newEmail = email ?? Email;
        var newName = fullName ?? FullName;
        var newUsername = username ?? Username;
        if (newEmail == Email && newName == FullName && newUsername == Username)
        {
            return false;
        }

        Email = newEmail;
        FullName = newName;
        Username = newUsername;
        UpdatedAt = now;
        return true;
    }
}
