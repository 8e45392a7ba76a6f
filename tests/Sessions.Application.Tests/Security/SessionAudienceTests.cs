using Sessions.Application.Common.Security;
using Sessions.Domain.Organizations;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Tests.Security;

/// <summary>The visibility rule, once, as every query composes it.</summary>
public sealed class SessionAudienceTests
{
    private static readonly Guid Workspace = Guid.NewGuid();
    private static readonly Guid Me = Guid.NewGuid();
    private static readonly Guid Colleague = Guid.NewGuid();

    public static TheoryData<string, Guid, Guid, bool, bool, bool> Cases => new()
    {
        { "my private session", Workspace, Me, false, true, true },
        { "my shared session", Workspace, Me, true, true, true },
        { "a colleague's private session", Workspace, Colleague, false, false, true },
        { "a colleague's shared session", Workspace, Colleague, true, true, true },
        { "my session in another workspace", Guid.NewGuid(), Me, true, false, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sees_OwnAndShared_OrEverythingOfTheWorkspace_NeverAnotherWorkspace(string row, Guid workspace, Guid owner, bool shared, bool seen, bool seenByAll)
    {
        var facts = new VisibilityFacts(workspace, owner, shared);

        Assert.True(seen == Sees(new SessionAudience(Workspace, Me, SeesAllSessions: false), facts), row);
        Assert.True(seenByAll == Sees(new SessionAudience(Workspace, Me, SeesAllSessions: true), facts), row);
    }

    /// <summary>The form with the audience as parameters (compiled queries) answers as the bound form, row by row.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void SeenBy_TheAudienceAsParameters_AnswersAsSees(string row, Guid workspace, Guid owner, bool shared, bool seen, bool seenByAll)
    {
        var facts = new VisibilityFacts(workspace, owner, shared);

        Assert.True(seen == SeenBy(seesAllSessions: false, facts), row);
        Assert.True(seenByAll == SeenBy(seesAllSessions: true, facts), row);
        Assert.Throws<ArgumentException>(() => SessionAudience.SeenBy<VisibilityFacts>(f => facts, seesAllSessions: false));
    }

    [Fact]
    public void TheFactsOfASession_AreItsWorkspaceOwnerAndSharing()
    {
        var session = Session.Create(
            new NewSession(Guid.NewGuid(), "m", null, null, new Dictionary<string, IReadOnlyList<string>>(), 0, SessionOrigin.User, SessionVisibility.Workspace, null, null, null),
            Workspace,
            Colleague,
            DateTime.UtcNow);

        Assert.Equal(new VisibilityFacts(Workspace, Colleague, true), VisibilityFacts.OfSession.Compile()(session));
        Assert.True(new SessionAudience(Workspace, Me, false).Sees(VisibilityFacts.OfSession).Compile()(session));
    }

    [Fact]
    public void Facts_MustBeGivenAsTheirConstructor_SoTheRuleBecomesColumnConditions()
    {
        var audience = new SessionAudience(Workspace, Me, false);
        var facts = new VisibilityFacts(Workspace, Me, false);

        var thrown = Assert.Throws<ArgumentException>(() => audience.Sees<VisibilityFacts>(f => facts));

        Assert.Equal("facts", thrown.ParamName);
    }

    private static bool SeenBy(bool seesAllSessions, VisibilityFacts facts) =>
        SessionAudience.SeenBy<VisibilityFacts>(f => new VisibilityFacts(f.WorkspaceId, f.OwnerId, f.Shared), seesAllSessions).Compile()(facts, Workspace, Me);

    private static bool Sees(SessionAudience audience, VisibilityFacts facts) =>
        audience.Sees<VisibilityFacts>(f => new VisibilityFacts(f.WorkspaceId, f.OwnerId, f.Shared)).Compile()(facts);

    [Theory]
    [InlineData(WorkspaceRole.Admin, true)]
    [InlineData(WorkspaceRole.Member, false)]
    [InlineData(WorkspaceRole.Viewer, false)]
    public void OnlyAWorkspaceAdmin_SeesEveryGroup(WorkspaceRole role, bool seesAll)
    {
        var caller = new Caller(Me, new WorkspaceMembership(Guid.NewGuid(), Workspace, role), new HashSet<string>());

        Assert.Equal((seesAll, Me, Workspace), (caller.GroupAudience.SeesAllGroups, caller.GroupAudience.UserId, caller.GroupAudience.Sessions.WorkspaceId));
    }
}
