using Sessions.Domain.Organizations;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Common.Security;

/// <summary>
/// Who is asking, in which workspace, with which role and scopes. The authorization behavior
/// establishes it once per request; handlers read it through <see cref="CallerContext"/>.
/// </summary>
public sealed record Caller(Guid UserId, WorkspaceMembership Membership, IReadOnlySet<string> Scopes)
{
    public Guid WorkspaceId => Membership.WorkspaceId;

    public bool IsEvaluationService => Scopes.Contains(Security.Scopes.SessionsEvaluate);

    /// <summary>The sessions the caller sees: their own and the workspace-visible ones.</summary>
    public SessionAudience Audience => new(WorkspaceId, UserId, SeesAllSessions: false);

    /// <summary>
    /// The sessions the caller may name to freeze: for the evaluation service every session of its
    /// workspace (CONTRACT §5.1), for everyone else what they see.
    /// </summary>
    public SessionAudience FreezeAudience => new(WorkspaceId, UserId, SeesAllSessions: IsEvaluationService);

    /// <summary>The groups the caller sees: their own, those holding a session they see, and all of them for a workspace admin.</summary>
    public Groups.GroupAudience GroupAudience => new(Audience, UserId, SeesAllGroups: Membership.Role == WorkspaceRole.Admin);

    /// <summary>Owner or workspace admin may change a session; a viewer changes nothing.</summary>
    public bool MayChange(Session session) =>
        Membership.Role != WorkspaceRole.Viewer
        && (session.UserId == UserId || Membership.Role == WorkspaceRole.Admin);

    /// <summary>
    /// Who a freeze by this caller is stamped as, or null when they may not freeze the session: the
    /// evaluation service freezes any session of its workspace, users those they may change.
    /// </summary>
    public FrozenBy? FreezesAs(Session session) =>
        Membership.Role == WorkspaceRole.Viewer ? null
        : IsEvaluationService ? FrozenBy.Evaluation
        : MayChange(session) ? FrozenBy.User
        : null;
}

/// <summary>The sessions a caller can see in one workspace.</summary>
public sealed record SessionAudience(Guid WorkspaceId, Guid UserId, bool SeesAllSessions);
