using System.Text.Json;
using Sessions.Domain.Sessions;
using App = Sessions.Application;

namespace Sessions.Api.Contracts.Answers;

/// <summary>A stored item (CONTRACT §5.7): what was sent, plus its id, session, organization and creation.</summary>
public sealed record ItemView(
    Guid Id,
    Guid SessionId,
    Guid OrganizationId,
    string ItemType,
    JsonElement Data,
    string? Title,
    string? DedupeKey,
    string? Ref,
    string? SchemaRef,
    ItemSource Source,
    string? Capability,
    string? CapabilityVersion,
    Guid? ProjectId,
    string? SpanId,
    string? TraceId,
    JsonElement? Disposition,
    DateTime CreatedAt,
    Guid? CreatedBy)
{
    public static ItemView From(App.Items.ItemView source) => new(
        source.Id,
        source.SessionId,
        source.OrganizationId,
        source.ItemType,
        source.Data,
        source.Title,
        source.DedupeKey,
        source.Ref,
        source.SchemaRef,
        source.Source,
        source.Capability,
        source.CapabilityVersion,
        source.ProjectId,
        source.SpanId,
        source.TraceId,
        source.Disposition,
        source.CreatedAt,
        source.CreatedBy);
}
