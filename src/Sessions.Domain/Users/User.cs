using System.Text;
using Sessions.Domain.Common;

namespace Sessions.Domain.Users;

/// <summary>
/// A person known from token claims, kept so sessions can show who created and shared them. The
/// profile comes only from the person's own tokens; display names are cleaned of control
/// characters and cut to <see cref="FieldLimits.DisplayName"/>, so no display name can keep anyone out.
/// </summary>
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
        new() { Id = id, Email = email, FullName = CleanName(fullName), Username = CleanName(username), CreatedAt = now, UpdatedAt = now };

    /// <summary>A user known only by id, before their first sign-in: no profile until their own token brings one.</summary>
    public static User Unprofiled(Guid id, DateTime now) => Create(id, null, null, null, now);

    /// <summary>An email the service can keep: an address of at most <see cref="FieldLimits.Email"/> characters without control characters.</summary>
    public static bool IsUsableEmail(string email) =>
        email.Length <= FieldLimits.Email
        && email.Contains('@', StringComparison.Ordinal)
        && Printable(email).Length == email.Length;

    /// <summary>
    /// A display name as it can be shown: control characters dropped, surrounding space trimmed, at
    /// most <see cref="FieldLimits.DisplayName"/> characters (never half a surrogate pair); null when nothing is left.
    /// </summary>
    public static string? CleanName(string? name)
    {
        if (name is null)
        {
            return null;
        }

        var text = Printable(name).Trim();

        // Stryker disable once Equality : at exactly the limit the cut keeps the whole text, which is already trimmed
        if (text.Length > FieldLimits.DisplayName)
        {
            text = text[..(char.IsHighSurrogate(text[FieldLimits.DisplayName - 1]) ? FieldLimits.DisplayName - 1 : FieldLimits.DisplayName)].TrimEnd();
        }

        return text.Length == 0 ? null : text;
    }

    /// <summary>The text without control characters and without halves of surrogate pairs (which no database encoding can store).</summary>
    private static string Printable(string text)
    {
        var kept = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                kept.Append(c).Append(text[++i]);
            }
            else if (!char.IsControl(c) && !char.IsSurrogate(c))
            {
                kept.Append(c);
            }
        }

        return kept.ToString();
    }

    /// <summary>Takes the latest profile claims; claims a token does not carry are left as they were.</summary>
    public bool UpdateProfile(string? email, string? fullName, string? username, DateTime now)
    {
        var newEmail = email ?? Email;
        var newName = CleanName(fullName) ?? FullName;
        var newUsername = CleanName(username) ?? Username;
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
