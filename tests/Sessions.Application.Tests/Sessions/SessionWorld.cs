using System.Reflection;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Sessions.Application.Common.Persistence;
using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Domain.Organizations;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Tests.Sessions;

/// <summary>
/// The ports a command about one session talks to, faked: the read finds <see cref="Read"/>, the
/// load for change (under the write lock or without it) finds <see cref="Locked"/> (the same
/// session, as another copy), at the clock's <see cref="Now"/>.
/// </summary>
internal sealed class SessionWorld
{
    public static readonly DateTimeOffset Now = new(2026, 11, 28, 13, 5, 9, TimeSpan.Zero);

    public SessionWorld(SessionVisibility visibility = SessionVisibility.Private, SessionOrigin origin = SessionOrigin.User)
    {
        var id = Guid.NewGuid();
        Read = NewSession(id, visibility, origin);
        Locked = NewSession(id, visibility, origin);
        Reads.Setup(r => r.FindAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionReference>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => new SessionRead(Read, OwnerChip, null));
        Reads.Setup(r => r.FindWithSystemPromptAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionReference>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => (new SessionRead(Read, OwnerChip, null), StoredPrompt));
        Sessions.Setup(s => s.GetForUpdateAsync(id, It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((Guid _, bool withLabelRows, CancellationToken _) => Loaded(withLabelRows));
        Sessions.Setup(s => s.GetForChangeAsync(id, It.IsAny<CancellationToken>())).ReturnsAsync(() => Loaded(withLabelRows: false));
        Sessions.Setup(s => s.GetPromptAsync(id, It.IsAny<CancellationToken>())).ReturnsAsync(() => StoredPrompt);
        Sessions.Setup(s => s.StorePrompt(It.IsAny<SessionPrompt>(), It.IsAny<bool>())).Callback<SessionPrompt, bool>((prompt, replaces) => PromptsStored.Add((prompt, replaces)));
        Reads.Setup(r => r.GetUserChipsAsync(It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((IReadOnlyCollection<Guid> ids, CancellationToken _) => ids.ToDictionary(i => i, i => new UserChip(i, $"{i:N}@example.com", null, null)));
    }

    public Guid WorkspaceId { get; } = Guid.NewGuid();

    public Guid OwnerId { get; } = Guid.NewGuid();

    public UserChip OwnerChip => new(OwnerId, "owner@example.com", "Owner", "owner");

    public Mock<ISessionReadStore> Reads { get; } = new();

    public Mock<ISessionRepository> Sessions { get; } = new();

    public Mock<IUnitOfWork> UnitOfWork { get; } = new();

    public Session Read { get; }

    public Session Locked { get; set; }

    /// <summary>The text of the session's stored system prompt, as a read of it finds it.</summary>
    public string StoredPrompt { get; set; } = string.Empty;

    /// <summary>The prompts the command stored, each with whether it replaced a stored one.</summary>
    public List<(SessionPrompt Prompt, bool Replaces)> PromptsStored { get; } = [];

    public SessionReference Reference => SessionReference.TryParse(Read.Id.ToString(), out var reference) ? reference : throw new InvalidOperationException();

    /// <summary>The services as a caller with this role sees them (the owner unless <paramref name="callerId"/> says otherwise).</summary>
    public SessionCommandServices As(WorkspaceRole role = WorkspaceRole.Member, Guid? callerId = null, string scope = Scopes.SessionsWrite)
    {
        return new SessionCommandServices(Reads.Object, Sessions.Object, UnitOfWork.Object, TestCallers.As(callerId ?? OwnerId, WorkspaceId, role, scope), new FakeTimeProvider(Now));
    }

    /// <summary>Applies the same change to both copies, as if it had happened before the command.</summary>
    public void Both(Action<Session> change)
    {
        change(Read);
        change(Locked);
        Read.ClearDomainEvents();
        Locked.ClearDomainEvents();
    }

    /// <summary>
    /// Both copies as the migration that added prompt digests leaves a session whose prompt
    /// <paramref name="text"/> was stored before it: the digest not known.
    /// </summary>
    public void PromptStoredBeforeDigests(string text)
    {
        StoredPrompt = text;
        foreach (var session in new[] { Read, Locked })
        {
            typeof(Session).GetProperty(nameof(Session.SystemPromptDigest))!.SetValue(session, SessionPrompt.UnknownDigest);
        }
    }

    /// <summary>
    /// <see cref="Locked"/> as a load for change leaves it: without its label rows unless the load
    /// asks for them, as the repository loads it (a command that changes labels without asking
    /// for the rows then fails, as it would on a database).
    /// </summary>
    private Session Loaded(bool withLabelRows)
    {
        if (!withLabelRows)
        {
            typeof(Session).GetField("_labels", BindingFlags.Instance | BindingFlags.NonPublic)!.SetValue(Locked, null);
        }

        return Locked;
    }

    /// <summary>Nothing was loaded for change: the command answered from its read.</summary>
    public void LockedNever()
    {
        Sessions.Verify(s => s.GetForUpdateAsync(It.IsAny<Guid>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()), Times.Never);
        Sessions.Verify(s => s.GetForChangeAsync(It.IsAny<Guid>(), It.IsAny<CancellationToken>()), Times.Never);
        UnitOfWork.Verify(u => u.BeginWriteAsync(It.IsAny<Guid>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    /// <summary>
    /// The session was loaded for change once, under the write lock taken first, with its label rows
    /// or (for every command but a change of its labels) without them.
    /// </summary>
    public void LockedOnce(bool withLabelRows = false)
    {
        UnitOfWork.Verify(u => u.BeginWriteAsync(Locked.Id, It.IsAny<CancellationToken>()), Times.Once);
        Sessions.Verify(s => s.GetForUpdateAsync(Locked.Id, withLabelRows, It.IsAny<CancellationToken>()), Times.Once);
        Sessions.Verify(s => s.GetForChangeAsync(It.IsAny<Guid>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    /// <summary>The session was loaded for change once, without a lock: the save's version check guards the change.</summary>
    public void LoadedWithoutLockOnce()
    {
        Sessions.Verify(s => s.GetForChangeAsync(Locked.Id, It.IsAny<CancellationToken>()), Times.Once);
        Sessions.Verify(s => s.GetForUpdateAsync(It.IsAny<Guid>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()), Times.Never);
        UnitOfWork.Verify(u => u.BeginWriteAsync(It.IsAny<Guid>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    /// <summary>The session the command read was deleted since, and another created under its id, in <paramref name="workspaceId"/> by <paramref name="ownerId"/>.</summary>
    public void RecreatedSinceTheRead(Guid workspaceId, Guid ownerId, SessionVisibility visibility) =>
        Locked = NewSession(Read.Id, visibility, SessionOrigin.User, workspaceId, ownerId, Now.UtcDateTime.AddMinutes(-1));

    private Session NewSession(Guid id, SessionVisibility visibility, SessionOrigin origin, Guid? workspaceId = null, Guid? ownerId = null, DateTime? createdAt = null)
    {
        var session = Session.Create(
            new NewSession(id, "m", "t", null, new Dictionary<string, IReadOnlyList<string>>(), 0, origin, visibility, null, null, null),
            workspaceId ?? WorkspaceId,
            ownerId ?? OwnerId,
            createdAt ?? Now.UtcDateTime.AddHours(-1));
        session.ClearDomainEvents();
        return session;
    }
}
