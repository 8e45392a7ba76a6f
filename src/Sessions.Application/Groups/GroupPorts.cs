using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Application.Sessions.List;
using Sessions.Domain.Groups;

namespace Sessions.Application.Groups;

/// <summary>
/// The groups a caller sees in one workspace: those they created, every group when they are a
/// workspace admin, and any group holding a session they can see (<see cref="Sessions"/>).
/// </summary>
public sealed record GroupAudience(SessionAudience Sessions, Guid UserId, bool SeesAllGroups);

/// <summary>Filters on the groups themselves (the list filters of §5.4 apply to their sessions).</summary>
public sealed record GroupCriteria(IReadOnlyList<GroupStatus> Statuses, IReadOnlyList<GroupKind> Kinds, IReadOnlyList<Guid> ProjectIds);

/// <summary>The write side of groups.</summary>
public interface IGroupRepository
{
    /// <summary>The group of the workspace with this id, tracked for change; null when there is none.</summary>
    Task<SessionGroup?> GetForUpdateAsync(Guid workspaceId, Guid groupId, CancellationToken cancellationToken);

    void Add(SessionGroup group);
}

/// <summary>The read side of groups, with counts and usage over the sessions the caller sees.</summary>
public interface IGroupReadStore
{
    Task<bool> ExistsAsync(Guid workspaceId, Guid groupId, CancellationToken cancellationToken);

    /// <summary>The group when the audience sees it, with its creator's chip; null otherwise.</summary>
    Task<GroupRead?> FindAsync(GroupAudience audience, Guid groupId, CancellationToken cancellationToken);

    /// <summary>Counts and usage of the groups' sessions that the audience sees and the criteria match.</summary>
    Task<IReadOnlyDictionary<Guid, GroupCounts>> CountsAsync(SessionAudience audience, IReadOnlyCollection<Guid> groupIds, SessionCriteria criteria, CancellationToken cancellationToken);

    /// <summary>The group's sessions the audience sees and the criteria match, most recently updated first.</summary>
    Task<IReadOnlyList<SessionView>> SessionsAsync(SessionAudience audience, Guid groupId, SessionCriteria criteria, int take, CancellationToken cancellationToken);

    /// <summary>
    /// A page of the groups the audience sees, newest first; when <paramref name="narrowBySessions"/>,
    /// only groups holding a session the criteria match.
    /// </summary>
    Task<(IReadOnlyList<GroupRead> Groups, long Total)> ListAsync(
        GroupAudience audience, GroupCriteria groups, SessionCriteria criteria, bool narrowBySessions, int skip, int take, CancellationToken cancellationToken);

    /// <summary>
    /// A page of the buckets of the matching sessions by group, newest activity first, the sessions
    /// of no group last: each with its first <paramref name="perGroup"/> sessions and its count.
    /// </summary>
    Task<(IReadOnlyList<(GroupRead? Group, IReadOnlyList<SessionView> Sessions, long Count)> Buckets, long Total)> GroupedAsync(
        SessionAudience audience, SessionCriteria criteria, int skip, int take, int perGroup, CancellationToken cancellationToken);
}
