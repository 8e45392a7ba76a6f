using Sessions.Application.Sessions.List;

namespace Sessions.Application.Groups;

/// <summary>The session criteria a group's own answers count by.</summary>
public static class GroupQueries
{
    /// <summary>The children a group answer shows: not archived unless asked (CONTRACT §5.5), and no evaluation sessions unless asked.</summary>
    public static SessionCriteria Children(string? archived, bool? includeWorkloadSessions) =>
        SessionFilterInput.Lifecycle(archived, includeWorkloadSessions).ToCriteria();
}
