using Sessions.Application.Common.Security;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Sessions;

/// <summary>The write side of sessions: loads aggregates for change and adds new ones.</summary>
public interface ISessionRepository
{
    /// <summary>
    /// Loads the session for change inside the current transaction, holding the database's row
    /// lock where the provider has one, so concurrent commands on one session run one after another.
    /// With <paramref name="withLabelRows"/> it carries its label rows, which a change of its labels
    /// replaces; without, it has none at hand (<see cref="Session.Labels"/>), and its labels are its
    /// <see cref="Session.LabelMap"/>.
    /// </summary>
    Task<Session?> GetForUpdateAsync(Guid id, bool withLabelRows, CancellationToken cancellationToken);

    /// <summary>
    /// Loads the session for change without a lock, outside any transaction: for a command that
    /// changes only the session's own row. Its update carries the version loaded here, so a writer
    /// that came in between makes the save fail and the command rerun on fresh state. Its label rows
    /// are not loaded.
    /// </summary>
    Task<Session?> GetForChangeAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// Loads, for change and under lock, those of the given sessions the audience can see, in one
    /// statement per stage however many ids there are, without their label rows.
    /// </summary>
    Task<IReadOnlyDictionary<Guid, Session>> GetManyForUpdateAsync(SessionAudience audience, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>The text of the session's stored system prompt, empty when none is stored.</summary>
    Task<string> GetPromptAsync(Guid sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the session's system prompt with the session's change: in place of the stored one
    /// where <paramref name="replaces"/>, as the session's first otherwise.
    /// </summary>
    void StorePrompt(SessionPrompt prompt, bool replaces);

    void Add(Session session);

    /// <summary>Removes the session; the database removes its label rows and transcript with it.</summary>
    void Remove(Session session);
}
