using Sessions.Domain.Sessions;

namespace Sessions.Application.Sessions;

/// <summary>A session as read for an answer or a decision, without tracking: the aggregate and the chips of its owner and sharer.</summary>
public sealed record SessionRead(Session Session, UserChip? CreatedBy, UserChip? SharedBy)
{
    public SessionView ToView() => SessionView.From(Session, CreatedBy, SharedBy);
}
