using Sessions.Domain.Sessions;

namespace Sessions.Application.Sessions;

/// <summary>A session as read for an answer or a decision, without tracking: the aggregate and the chips of its owner and sharer.</summary>
public sealed record SessionRead(Session Session, UserChip? CreatedBy, UserChip? SharedBy)
{
    public SessionView ToView() => SessionView.From(Session, CreatedBy, SharedBy);

    /// <summary>
    /// Whether <paramref name="loaded"/> is the session this read saw: the same life of its id (ids
    /// are the clients', so a session deleted since may have been created again under it) at the
    /// same version. Only then does what was decided from the read still hold.
    /// </summary>
    public bool StillDescribes(Session loaded) => IsTheSameLifeAs(loaded) && loaded.Version == Session.Version;

    /// <summary>Whether <paramref name="loaded"/> is the same life of the id as the one read, whatever changed it since.</summary>
    public bool IsTheSameLifeAs(Session loaded) => loaded.CreatedAt == Session.CreatedAt;
}
