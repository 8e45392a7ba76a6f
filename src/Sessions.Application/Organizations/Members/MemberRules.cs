using Sessions.Application.Common.Security;
using Sessions.Domain.Common;
using Sessions.Domain.Organizations;

namespace Sessions.Application.Organizations;

/// <summary>The checks every membership command shares.</summary>
internal static class MemberRules
{
    public static Error? RequireWorkspaceAdmin(Caller caller) =>
        caller.Membership.Role == WorkspaceRole.Admin
            ? null
            : Error.Forbidden("Only workspace admins and platform admins manage members.");

    public static Error LastAdmin { get; } = Error.Conflict("The workspace must keep at least one admin; make another member admin first.");
}
