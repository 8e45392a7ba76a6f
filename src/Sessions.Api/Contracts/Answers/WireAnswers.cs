using App = Sessions.Application;

namespace Sessions.Api.Contracts.Answers;

/// <summary>
/// The mapping from the application's top-level results (what a handler answers) to the answers
/// on the wire: the answer types of this namespace own the JSON names and the documented shapes, so
/// an application type can change without the public contract moving. A result's parts are mapped
/// by their parent's <c>From</c>; the item list and the trajectory export, written by their own
/// code, call the parts' <c>From</c> themselves.
/// </summary>
public static class WireAnswers
{
    /// <summary>The wire answer for a result; a value that is already a wire type passes as it is.</summary>
    public static object? For(object? value) => value switch
    {
        App.Groups.GroupDetail answer => GroupDetail.From(answer),
        App.Groups.GroupPage answer => GroupPage.From(answer),
        App.Groups.GroupSummary answer => GroupSummary.From(answer),
        App.Groups.GroupedPage answer => GroupedPage.From(answer),
        App.Items.ItemView answer => ItemView.From(answer),
        App.Organizations.MemberList answer => MemberList.From(answer),
        App.Organizations.MemberView answer => MemberView.From(answer),
        App.Transcripts.MessageMatches answer => MessageMatches.From(answer),
        App.Organizations.OrganizationView answer => OrganizationView.From(answer),
        App.Transcripts.RewindOutcome answer => RewindOutcome.From(answer),
        App.Events.SessionEventPage answer => SessionEventPage.From(answer),
        App.Sessions.Facets.SessionFacets answer => SessionFacets.From(answer),
        App.Sessions.List.SessionPage answer => SessionPage.From(answer),
        App.Sessions.SessionView answer => SessionView.From(answer),
        App.Transcripts.TranscriptMessages answer => TranscriptMessages.From(answer),
        App.Transcripts.TranscriptPage answer => TranscriptPage.From(answer),
        App.Usage.WorkspaceUsage answer => WorkspaceUsage.From(answer),
        App.Organizations.WorkspaceView answer => WorkspaceView.From(answer),
        _ => value,
    };
}
