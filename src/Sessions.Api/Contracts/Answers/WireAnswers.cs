using App = Sessions.Application;

namespace Sessions.Api.Contracts.Answers;

/// <summary>
/// The one mapping from application results to the answers on the wire: the answer types of this
/// namespace own the JSON names and the documented shapes, so an application type can change
/// without the public contract moving.
/// </summary>
public static class WireAnswers
{
    /// <summary>The wire answer for a result; a value that is already a wire type passes as it is.</summary>
    public static object? For(object? value) => value switch
    {
        App.Sessions.Facets.FacetCount answer => FacetCount.From(answer),
        App.Groups.GroupDetail answer => GroupDetail.From(answer),
        App.Groups.GroupPage answer => GroupPage.From(answer),
        App.Groups.GroupSummary answer => GroupSummary.From(answer),
        App.Groups.GroupedBucket answer => GroupedBucket.From(answer),
        App.Groups.GroupedPage answer => GroupedPage.From(answer),
        App.Items.ItemView answer => ItemView.From(answer),
        App.Organizations.MemberList answer => MemberList.From(answer),
        App.Organizations.MemberView answer => MemberView.From(answer),
        App.Transcripts.MessageMatches answer => MessageMatches.From(answer),
        App.Transcripts.MessageView answer => MessageView.From(answer),
        App.Organizations.OrganizationView answer => OrganizationView.From(answer),
        App.Transcripts.RewindOutcome answer => RewindOutcome.From(answer),
        App.Events.SessionEventPage answer => SessionEventPage.From(answer),
        App.Events.SessionEventView answer => SessionEventView.From(answer),
        App.Sessions.Facets.SessionFacets answer => SessionFacets.From(answer),
        App.Sessions.List.SessionPage answer => SessionPage.From(answer),
        App.Sessions.SessionView answer => SessionView.From(answer),
        App.Transcripts.ToolCallView answer => ToolCallView.From(answer),
        App.Transcripts.TranscriptMessages answer => TranscriptMessages.From(answer),
        App.Transcripts.TranscriptPage answer => TranscriptPage.From(answer),
        App.Usage.UsageBucket answer => UsageBucket.From(answer),
        App.Usage.UsageFigures answer => UsageFigures.From(answer),
        App.Transcripts.UsageReport answer => UsageReport.From(answer),
        App.Sessions.UsageView answer => UsageView.From(answer),
        App.Sessions.UserChip answer => UserChip.From(answer),
        App.Sessions.Facets.UserFacetCount answer => UserFacetCount.From(answer),
        App.Usage.WorkspaceUsage answer => WorkspaceUsage.From(answer),
        App.Organizations.WorkspaceView answer => WorkspaceView.From(answer),
        _ => value,
    };
}
