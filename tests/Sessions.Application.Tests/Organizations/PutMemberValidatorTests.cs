using Sessions.Application.Organizations;
using Sessions.Application.Tests.Validation;
using Sessions.Domain.Organizations;

namespace Sessions.Application.Tests.Organizations;

public sealed class PutMemberValidatorTests
{
    /// <summary>A member is named by a user id other than the nil UUID, and given a role.</summary>
    [Fact]
    public async Task AMember_IsAUserOtherThanTheNilUuid_WithARole()
    {
        Assert.Empty(await Errors(new PutMemberCommand("o", "w", Guid.NewGuid(), WorkspaceRole.Viewer)));
        Assert.Equal(["UserId: must not be the nil UUID (InvalidValue)"], await Errors(new PutMemberCommand("o", "w", Guid.Empty, WorkspaceRole.Viewer)));
        Assert.Equal(
            ["UserId: must not be the nil UUID (InvalidValue)", "Role: is required (Missing)"],
            await Errors(new PutMemberCommand("o", "w", Guid.Empty, null)));
    }

    private static Task<List<string>> Errors(PutMemberCommand command) => Validate.ErrorsAsync(command, new PutMemberValidator());
}
