using System.Linq.Expressions;
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

/// <summary>
/// The sessions a caller can see in one workspace. The visibility rule is stated once, in
/// <see cref="Sees{T}"/>: every read, lock and count of sessions composes it into its query.
/// </summary>
public sealed record SessionAudience(Guid WorkspaceId, Guid UserId, bool SeesAllSessions)
{
    /// <summary>
    /// The rule as a query condition on any row that carries a session's visibility facts (the
    /// session itself, or a table that keeps a copy of them): a session of the workspace that is the
    /// audience's own or shared with the workspace, or any session of the workspace when the
    /// audience sees them all.
    /// </summary>
    public Expression<Func<T, bool>> Sees<T>(Expression<Func<T, VisibilityFacts>> facts)
    {
        Expression<Func<VisibilityFacts, bool>> rule = SeesAllSessions
            ? f => f.WorkspaceId == WorkspaceId
            : f => f.WorkspaceId == WorkspaceId && (f.OwnerId == UserId || f.Shared);
        return VisibilityFacts.Inline(rule, facts);
    }
}

/// <summary>What decides whether a session is visible: its workspace, its owner, whether it is shared.</summary>
public sealed record VisibilityFacts(Guid WorkspaceId, Guid OwnerId, bool Shared)
{
    /// <summary>The facts of a session.</summary>
    public static Expression<Func<Session, VisibilityFacts>> OfSession { get; } =
        s => new VisibilityFacts(s.WorkspaceId, s.UserId, s.Visibility == SessionVisibility.Workspace);

    /// <summary>
    /// The rule with each fact replaced by the expression that gives it for a row, so a query
    /// provider sees plain column conditions (<c>user_id = @p OR visibility = 'Workspace'</c>).
    /// </summary>
    internal static Expression<Func<T, bool>> Inline<T>(Expression<Func<VisibilityFacts, bool>> rule, Expression<Func<T, VisibilityFacts>> facts)
    {
        if (facts.Body is not NewExpression { Arguments.Count: 3 } created)
        {
            throw new ArgumentException("The facts must be given as new VisibilityFacts(workspace, owner, shared).", nameof(facts));
        }

        var values = new Dictionary<string, Expression>
        {
            [nameof(WorkspaceId)] = created.Arguments[0],
            [nameof(OwnerId)] = created.Arguments[1],
            [nameof(Shared)] = created.Arguments[2],
        };
        var body = new FactReplacer(rule.Parameters[0], values).Visit(rule.Body);
        return Expression.Lambda<Func<T, bool>>(body, facts.Parameters[0]);
    }

    private sealed class FactReplacer(ParameterExpression facts, Dictionary<string, Expression> values) : ExpressionVisitor
    {
        protected override Expression VisitMember(MemberExpression node) =>
            node.Expression == facts ? values[node.Member.Name] : base.VisitMember(node);
    }
}
