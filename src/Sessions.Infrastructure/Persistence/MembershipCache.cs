using Microsoft.Extensions.Caching.Memory;
using Sessions.Application.Common.Security;

namespace Sessions.Infrastructure.Persistence;

/// <summary>
/// The answer to "is this user a member of this workspace, with which role", kept for
/// <see cref="Lifetime"/> so that authorizing a request needs no database round trip in steady
/// traffic. Any membership change committed by this process clears it at once; another instance
/// sees the change within <see cref="Lifetime"/> (ADR 0020). Answers that the user is not a member
/// are kept too, so a caller knocking on a workspace they do not belong to costs nothing either.
/// </summary>
public sealed class MembershipCache : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private const int MaxEntries = 100_000;

    private MemoryCache _entries = NewCache();

    public bool TryGet(string org, string workspace, Guid userId, out WorkspaceMembership? membership) =>
        _entries.TryGetValue((org, workspace, userId), out membership);

    public void Set(string org, string workspace, Guid userId, WorkspaceMembership? membership) =>
        _entries.Set((org, workspace, userId), membership, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = Lifetime, Size = 1 });

    /// <summary>Forgets every answer: called after a membership change commits.</summary>
    public void Clear() => Interlocked.Exchange(ref _entries, NewCache()).Dispose();

    public void Dispose() => _entries.Dispose();

    private static MemoryCache NewCache() => new(new MemoryCacheOptions { SizeLimit = MaxEntries });
}
