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
    /// workspace (CONTRACT §5.1), for everyone else what they see. A viewer freezes nothing, with
    /// the evaluation scope too, so for them another user's private session stays one that does not
    /// exist (404, never a 403 that would tell it does).
    /// </summary>
    public SessionAudience FreezeAudience => new(WorkspaceId, UserId, SeesAllSessions: IsEvaluationService && Membership.Role != WorkspaceRole.Viewer);

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
/// <see cref="Rule"/>: every read, lock and count of sessions composes it into its query, with the
/// audience bound (<see cref="Sees{T}"/>) or as a parameter of a compiled query (<see cref="SeenBy{T}"/>).
/// </summary>
public sealed record SessionAudience(Guid WorkspaceId, Guid UserId, bool SeesAllSessions)
{
    /// <summary>
    /// The rule as a query condition on any row that carries a session's visibility facts (the
    /// session itself, or a table that keeps a copy of them), for this audience.
    /// </summary>
    public Expression<Func<T, bool>> Sees<T>(Expression<Func<T, VisibilityFacts>> facts)
    {
        var audience = Expression.Constant(this);
        var body = VisibilityFacts.Inline(
            Rule(SeesAllSessions), facts, Expression.Property(audience, nameof(WorkspaceId)), Expression.Property(audience, nameof(UserId)));
        return Expression.Lambda<Func<T, bool>>(body, facts.Parameters[0]);
    }

    /// <summary>
    /// The rule with the audience's workspace and user as the lambda's second and third parameters,
    /// for the audiences whose <see cref="SeesAllSessions"/> is <paramref name="seesAllSessions"/>:
    /// the two forms a compiled query needs, each with its own plan.
    /// </summary>
    public static Expression<Func<T, Guid, Guid, bool>> SeenBy<T>(Expression<Func<T, VisibilityFacts>> facts, bool seesAllSessions)
    {
        var workspaceId = Expression.Parameter(typeof(Guid), "workspaceId");
        var userId = Expression.Parameter(typeof(Guid), "userId");
        var body = VisibilityFacts.Inline(Rule(seesAllSessions), facts, workspaceId, userId);
        return Expression.Lambda<Func<T, Guid, Guid, bool>>(body, facts.Parameters[0], workspaceId, userId);
    }

    /// <summary>The same rule, compiled once per form, for a session in memory.</summary>
    private static readonly Func<VisibilityFacts, SessionAudience, bool>[] InMemory = [Rule(false).Compile(), Rule(true).Compile()];

    private static readonly Func<Session, VisibilityFacts> FactsOf = VisibilityFacts.OfSession.Compile();

    /// <summary>
    /// Whether this audience sees <paramref name="session"/>, by the rule every query applies: for a
    /// session loaded by its id alone (a command's load for change).
    /// </summary>
    public bool Sees(Session session) => InMemory[SeesAllSessions ? 1 : 0](FactsOf(session), this);

    /// <summary>
    /// A session of the workspace that is the audience's own or shared with the workspace, or any
    /// session of the workspace when the audience sees them all.
    /// </summary>
    private static Expression<Func<VisibilityFacts, SessionAudience, bool>> Rule(bool seesAllSessions) =>
        seesAllSessions
            ? (f, a) => f.WorkspaceId == a.WorkspaceId
            : (f, a) => f.WorkspaceId == a.WorkspaceId && (f.OwnerId == a.UserId || f.Shared);
}

/// <summary>What decides whether a session is visible: its workspace, its owner, whether it is shared.</summary>
public sealed record VisibilityFacts(Guid WorkspaceId, Guid OwnerId, bool Shared)
{
    /// <summary>The facts of a session.</summary>
    public static Expression<Func<Session, VisibilityFacts>> OfSession { get; } =
        s => new VisibilityFacts(s.WorkspaceId, s.UserId, s.Visibility == SessionVisibility.Workspace);

    /// <summary>
    /// The rule's body with each fact replaced by the expression that gives it for a row and the
    /// audience's workspace and user by the given expressions, so a query provider sees plain column
    /// conditions (<c>user_id = @p OR visibility = 'Workspace'</c>).
    /// </summary>
    internal static Expression Inline<T>(
        Expression<Func<VisibilityFacts, SessionAudience, bool>> rule, Expression<Func<T, VisibilityFacts>> facts, Expression workspaceId, Expression userId)
    {
        if (facts.Body is not NewExpression { Arguments.Count: 3 } created)
        {
            throw new ArgumentException("The facts must be given as new VisibilityFacts(workspace, owner, shared).", nameof(facts));
        }

        var values = new Dictionary<(ParameterExpression, string), Expression>
        {
            [(rule.Parameters[0], nameof(WorkspaceId))] = created.Arguments[0],
            [(rule.Parameters[0], nameof(OwnerId))] = created.Arguments[1],
            [(rule.Parameters[0], nameof(Shared))] = created.Arguments[2],
            [(rule.Parameters[1], nameof(SessionAudience.WorkspaceId))] = workspaceId,
            [(rule.Parameters[1], nameof(SessionAudience.UserId))] = userId,
        };
        return new MemberReplacer(values).Visit(rule.Body);
    }

    /// <summary>Replaces each member read of a rule's parameter by the expression that gives it.</summary>
    private sealed class MemberReplacer(Dictionary<(ParameterExpression, string), Expression> values) : ExpressionVisitor
    {
        protected override Expression VisitMember(MemberExpression node) =>
            node.Expression is ParameterExpression owner && values.TryGetValue((owner, node.Member.Name), out var value) ? value : base.VisitMember(node);
    }
}
