using Microsoft.Extensions.Time.Testing;
using Moq;
using Sessions.Application.Common.Security;
using Sessions.Application.Organizations;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;
using Sessions.Domain.Organizations;
using Sessions.Domain.Users;

namespace Sessions.Application.Tests.Organizations;

public sealed class MemberHandlerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 13, 0, 0, TimeSpan.Zero);
    private readonly Guid _workspace = Guid.NewGuid();
    private readonly Guid _admin = Guid.NewGuid();
    private readonly Mock<IOrganizationRepository> _organizations = new();

    public MemberHandlerTests()
    {
        _organizations.Setup(o => o.FindMembershipAsync(_workspace, _admin, It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => Membership.Create(_workspace, _admin, WorkspaceRole.Admin, Now.UtcDateTime.AddDays(-1)));
        _organizations.Setup(o => o.FindOrAddUserAsync(It.IsAny<Guid>(), It.IsAny<DateTime>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((Guid id, DateTime now, CancellationToken _) => User.Unprofiled(id, now));
        _organizations.Setup(o => o.CountAdminsAsync(_workspace, It.IsAny<CancellationToken>())).ReturnsAsync(1);
    }

    /// <summary>A workspace without an admin (a new one, set up by a platform admin) takes an admin first, then anyone.</summary>
    [Theory]
    [InlineData(WorkspaceRole.Admin, 0, false)]
    [InlineData(WorkspaceRole.Member, 0, true)]
    [InlineData(WorkspaceRole.Viewer, 0, true)]
    [InlineData(WorkspaceRole.Viewer, 1, false)]
    public async Task PutMember_IntoAWorkspaceWithoutAnAdmin_TakesAnAdminFirst(WorkspaceRole role, int admins, bool refused)
    {
        _organizations.Setup(o => o.CountAdminsAsync(_workspace, It.IsAny<CancellationToken>())).ReturnsAsync(admins);

        var result = await Put(Guid.NewGuid(), role);

        Assert.Equal(refused, !result.IsSuccess);
        if (refused)
        {
            Assert.Same(MemberRules.FirstMemberIsAdmin, result.Error);
            _organizations.Verify(o => o.Add(It.IsAny<Membership>()), Times.Never);
        }
    }

    [Fact]
    public async Task PutMember_NewUser_IsKnownByIdAndAddedWithTheRole()
    {
        var user = Guid.NewGuid();

        var view = (await Put(user, WorkspaceRole.Viewer)).Value;

        Assert.Equal((user, (string?)null, WorkspaceRole.Viewer, Now.UtcDateTime), (view.User.Id, view.User.Email, view.Role, view.CreatedAt));
        _organizations.Verify(o => o.FindOrAddUserAsync(user, Now.UtcDateTime, It.IsAny<CancellationToken>()), Times.Once);
        _organizations.Verify(o => o.Add(It.Is<Membership>(m => m.UserId == user && m.WorkspaceId == _workspace && m.Role == WorkspaceRole.Viewer)), Times.Once);
    }

    [Fact]
    public async Task PutMember_KnownMember_ChangesTheRole_KeepingTheProfile()
    {
        var user = User.Create(Guid.NewGuid(), "a@b", "Ada", "ada", Now.UtcDateTime.AddDays(-1));
        var membership = Membership.Join(_workspace, user.Id, WorkspaceRole.Member, Now.UtcDateTime.AddDays(-1));
        _organizations.Setup(o => o.FindOrAddUserAsync(user.Id, It.IsAny<DateTime>(), It.IsAny<CancellationToken>())).ReturnsAsync(user);
        _organizations.Setup(o => o.FindMembershipAsync(_workspace, user.Id, It.IsAny<CancellationToken>())).ReturnsAsync(membership);

        var view = (await Put(user.Id, WorkspaceRole.Admin)).Value;

        Assert.Equal(("a@b", "Ada", "ada", WorkspaceRole.Admin, Now.UtcDateTime), (view.User.Email, view.User.FullName, view.User.Username, view.Role, view.UpdatedAt));
        _organizations.Verify(o => o.Add(It.IsAny<Membership>()), Times.Never);
    }

    /// <summary>A user with a profile of their own, added here but not come yet, is known by id alone: the profile is theirs to show.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PutMember_AMemberWhoHasNotJoined_IsShownByIdAlone(bool alreadyAMember)
    {
        var user = User.Create(Guid.NewGuid(), "a@b", "Ada", "ada", Now.UtcDateTime.AddDays(-1));
        _organizations.Setup(o => o.FindOrAddUserAsync(user.Id, It.IsAny<DateTime>(), It.IsAny<CancellationToken>())).ReturnsAsync(user);
        _organizations.Setup(o => o.FindMembershipAsync(_workspace, user.Id, It.IsAny<CancellationToken>()))
            .ReturnsAsync(alreadyAMember ? Membership.Create(_workspace, user.Id, WorkspaceRole.Viewer, Now.UtcDateTime.AddDays(-1)) : null);

        var view = (await Put(user.Id, WorkspaceRole.Member)).Value;

        Assert.Equal(new UserChip(user.Id, null, null, null), view.User);
        Assert.Equal(WorkspaceRole.Member, view.Role);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, false)]
    public async Task TheLastAdmin_CannotBeDemotedOrRemoved(int admins, bool refused)
    {
        var other = Guid.NewGuid();
        _organizations.Setup(o => o.FindMembershipAsync(_workspace, other, It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => Membership.Create(_workspace, other, WorkspaceRole.Admin, Now.UtcDateTime));
        _organizations.Setup(o => o.CountAdminsAsync(_workspace, It.IsAny<CancellationToken>())).ReturnsAsync(admins);

        var demoted = await Put(other, WorkspaceRole.Member);
        var removed = await Remove(other);

        Assert.Equal(refused, demoted.Error?.Type == ErrorType.Conflict);
        Assert.Equal(refused, removed.Error?.Type == ErrorType.Conflict);
        Assert.Equal(!refused, demoted.IsSuccess);
        Assert.Equal(!refused, removed.Error is null);
        if (refused)
        {
            Assert.Equal("The workspace must keep at least one admin; make another member admin first.", removed.Error!.Message);
        }

        _organizations.Verify(o => o.Remove(It.IsAny<Membership>()), refused ? Times.Never() : Times.Once());
    }

    [Fact]
    public async Task AnAdmin_KeepsAdminWithoutCountingAdmins()
    {
        var other = Guid.NewGuid();
        _organizations.Setup(o => o.FindMembershipAsync(_workspace, other, It.IsAny<CancellationToken>()))
            .ReturnsAsync(Membership.Create(_workspace, other, WorkspaceRole.Admin, Now.UtcDateTime));

        Assert.True((await Put(other, WorkspaceRole.Admin)).IsSuccess);
        _organizations.Verify(o => o.CountAdminsAsync(It.IsAny<Guid>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task RemovingAMember_RecordsIt_AndAnUnknownOneIs404()
    {
        var member = Guid.NewGuid();
        var membership = Membership.Create(_workspace, member, WorkspaceRole.Member, Now.UtcDateTime);
        membership.ClearDomainEvents();
        _organizations.Setup(o => o.FindMembershipAsync(_workspace, member, It.IsAny<CancellationToken>())).ReturnsAsync(membership);

        var removed = await Remove(member);
        var unknown = await Remove(Guid.NewGuid());

        Assert.True(((IResult)removed).IsSuccess);
        _organizations.Verify(o => o.Remove(membership), Times.Once);
        Assert.Single(membership.DomainEvents);
        Assert.Equal((ErrorType.NotFound, "No such member in this workspace."), (unknown.Error!.Type, unknown.Error.Message));
    }

    [Theory]
    [InlineData(WorkspaceRole.Member)]
    [InlineData(WorkspaceRole.Viewer)]
    public async Task OnlyAdminsManageMembers(WorkspaceRole role)
    {
        var put = await Put(Guid.NewGuid(), WorkspaceRole.Admin, role);
        var removed = await Remove(Guid.NewGuid(), role);

        Assert.Equal((ErrorType.PermissionDenied, "Only workspace admins and platform admins manage members."), (put.Error!.Type, put.Error.Message));
        Assert.Equal(ErrorType.PermissionDenied, removed.Error!.Type);
        _organizations.Verify(o => o.FindMembershipAsync(It.IsAny<Guid>(), It.IsAny<Guid>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData(WorkspaceRole.Member, ErrorType.PermissionDenied)]
    [InlineData(null, ErrorType.NotFound)]
    public async Task AnAdminDemotedOrRemovedSinceTheirRequestWasAuthorized_ChangesNothing(WorkspaceRole? roleUnderTheLock, ErrorType refusal)
    {
        var calls = new List<string>();
        _organizations.Setup(o => o.LockMembersAsync(_workspace, It.IsAny<CancellationToken>())).Callback(() => calls.Add("lock")).Returns(Task.CompletedTask);
        _organizations.Setup(o => o.FindMembershipAsync(_workspace, _admin, It.IsAny<CancellationToken>()))
            .Callback(() => calls.Add("own role"))
            .ReturnsAsync(roleUnderTheLock is { } role ? Membership.Create(_workspace, _admin, role, Now.UtcDateTime) : null);

        var put = await Put(_admin, WorkspaceRole.Admin);
        var removed = await Remove(Guid.NewGuid());

        Assert.Equal(refusal, put.Error!.Type);
        Assert.Equal(refusal, removed.Error!.Type);
        Assert.Equal(["lock", "own role", "lock", "own role"], calls);
        Assert.Equal(refusal == ErrorType.NotFound ? "Workspace not found." : "Only workspace admins and platform admins manage members.", put.Error.Message);
        _organizations.Verify(o => o.Add(It.IsAny<Membership>()), Times.Never);
        _organizations.Verify(o => o.Remove(It.IsAny<Membership>()), Times.Never);
    }

    [Fact]
    public async Task APlatformAdmin_ManagesMembersWithoutAMembership()
    {
        var platformAdmin = Guid.NewGuid();
        var callers = new CallerContext();
        callers.Set(new Caller(platformAdmin, new WorkspaceMembership(Guid.NewGuid(), _workspace, WorkspaceRole.Admin), new HashSet<string> { Scopes.Admin }));

        var put = await new PutMemberHandler(_organizations.Object, callers, new FakeTimeProvider(Now)).Handle(new PutMemberCommand("o", "w", Guid.NewGuid(), WorkspaceRole.Member), default);

        Assert.True(put.IsSuccess);
        _organizations.Verify(o => o.LockMembersAsync(_workspace, It.IsAny<CancellationToken>()), Times.Once);
        _organizations.Verify(o => o.FindMembershipAsync(_workspace, platformAdmin, It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData("Red Team", "Red Team")]
    [InlineData(null, "red")]
    public async Task CreatingAWorkspace_AddsIt_NamedBySlugWhenUnnamed(string? name, string named)
    {
        var organization = Organization.Create("acme", "Acme", Now.UtcDateTime);
        _organizations.Setup(o => o.FindOrganizationAsync("acme", It.IsAny<CancellationToken>())).ReturnsAsync(organization);

        var view = (await new CreateWorkspaceHandler(_organizations.Object, new FakeTimeProvider(Now)).Handle(new CreateWorkspaceCommand("acme", "red", name), default)).Value;

        Assert.Equal(("red", named, organization.Id, Now.UtcDateTime), (view.Slug, view.Name, view.OrganizationId, view.CreatedAt));
        _organizations.Verify(o => o.Add(It.Is<Workspace>(w => w.Id == view.Id && w.Slug == "red" && w.Name == named)), Times.Once);
    }

    private Task<Result<MemberView>> Put(Guid user, WorkspaceRole role, WorkspaceRole callerRole = WorkspaceRole.Admin) =>
        new PutMemberHandler(_organizations.Object, Callers(callerRole), new FakeTimeProvider(Now)).Handle(new PutMemberCommand("o", "w", user, role), default).AsTask();

    private Task<Result> Remove(Guid user, WorkspaceRole callerRole = WorkspaceRole.Admin) =>
        new RemoveMemberHandler(_organizations.Object, Callers(callerRole), new FakeTimeProvider(Now)).Handle(new RemoveMemberCommand("o", "w", user), default).AsTask();

    private CallerContext Callers(WorkspaceRole role) => TestCallers.As(_admin, _workspace, role);
}
