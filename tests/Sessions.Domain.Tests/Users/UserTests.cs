using Sessions.Domain.Common;
using Sessions.Domain.Users;

namespace Sessions.Domain.Tests.Users;

public sealed class UserTests
{
    private static readonly DateTime Now = new(2026, 11, 28, 12, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("a@b", true)]
    [InlineData("no-at-sign", false)]
    [InlineData("", false)]
    [InlineData("a\u0000@b", false)]
    [InlineData("a\n@b", false)]
    public void UsableEmail_IsAnAddressWithoutControlCharacters(string email, bool usable)
    {
        Assert.Equal(usable, User.IsUsableEmail(email));
    }

    [Fact]
    public void UsableEmail_IsAtMost320Characters()
    {
        var longest = new string('a', FieldLimits.Email - 2) + "@b";

        Assert.True(User.IsUsableEmail(longest));
        Assert.False(User.IsUsableEmail("a" + longest));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("  \u0001 ", null)]
    [InlineData("  Ada\u0000 Lovelace\n ", "Ada Lovelace")]
    [InlineData("😀 ok", "😀 ok")]
    public void CleanName_DropsControlCharactersAndLoneSurrogates_AndTrims(string? name, string? clean)
    {
        Assert.Equal(clean, User.CleanName(name));
    }

    [Fact]
    public void CleanName_CutsAtTheLimit_NeverInsideASurrogatePair_AndTrimsTheCut()
    {
        Assert.Equal(new string('a', FieldLimits.DisplayName), User.CleanName(new string('a', FieldLimits.DisplayName)));
        Assert.Equal(new string('a', FieldLimits.DisplayName), User.CleanName(new string('a', FieldLimits.DisplayName + 1)));
        Assert.Equal(new string('a', FieldLimits.DisplayName - 1), User.CleanName(new string('a', FieldLimits.DisplayName - 1) + "😀"));
        Assert.Equal(new string('a', FieldLimits.DisplayName - 1), User.CleanName(new string('a', FieldLimits.DisplayName - 1) + " b"));
    }

    [Fact]
    public void LoneSurrogates_AreNotKept()
    {
        Assert.Equal("ab", User.CleanName("a\uDC00b"));
        Assert.Equal("ab", User.CleanName("a\uD800b"));
        Assert.Equal("a", User.CleanName("a\uD800"));
        Assert.False(User.IsUsableEmail("a\uD800@b"));
    }

    [Fact]
    public void Create_CleansTheDisplayNames_AndUnprofiledHasNone()
    {
        var id = Guid.NewGuid();

        var user = User.Create(id, "a@b", " Ada ", "ada\u0007", Now);
        var unknown = User.Unprofiled(id, Now);

        Assert.Equal((id, "a@b", "Ada", "ada", Now, Now), (user.Id, user.Email, user.FullName, user.Username, user.CreatedAt, user.UpdatedAt));
        Assert.Equal((id, (string?)null, (string?)null, (string?)null), (unknown.Id, unknown.Email, unknown.FullName, unknown.Username));
    }

    [Fact]
    public void UpdateProfile_TakesWhatTheTokenCarries_AndKeepsTheRest()
    {
        var user = User.Create(Guid.NewGuid(), "a@b", "Ada", "ada", Now);

        Assert.False(user.UpdateProfile(null, null, null, Now.AddDays(1)));
        Assert.False(user.UpdateProfile("a@b", " Ada ", "ada", Now.AddDays(1)));
        Assert.Equal(Now, user.UpdatedAt);

        Assert.True(user.UpdateProfile(null, "Ada L.", null, Now.AddDays(2)));
        Assert.Equal(("a@b", "Ada L.", "ada", Now.AddDays(2)), (user.Email, user.FullName, user.Username, user.UpdatedAt));
        Assert.True(user.UpdateProfile("c@d", null, null, Now.AddDays(3)));
        Assert.True(user.UpdateProfile(null, null, "lovelace", Now.AddDays(4)));
        Assert.Equal(("c@d", "Ada L.", "lovelace"), (user.Email, user.FullName, user.Username));
    }
}
