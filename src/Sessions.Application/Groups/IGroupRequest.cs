using Sessions.Application.Common.Security;

namespace Sessions.Application.Groups;

/// <summary>A command or query about one group of a workspace, named by its full id.</summary>
public interface IGroupRequest : IWorkspaceRequest
{
    Guid GroupId { get; }
}
