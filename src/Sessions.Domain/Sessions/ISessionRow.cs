namespace Sessions.Domain.Sessions;

/// <summary>A row that belongs to one session (a message, an item): read by the session's id.</summary>
public interface ISessionRow
{
    Guid SessionId { get; }
}
