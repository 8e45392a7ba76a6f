namespace Sessions.Application.Common.Security;

/// <summary>A message addressed to one workspace; the caller must be a member of it.</summary>
public interface IWorkspaceRequest
{
    string Org { get; }

    string Workspace { get; }
}
