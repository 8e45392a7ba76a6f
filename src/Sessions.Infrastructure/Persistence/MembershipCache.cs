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
/// <remarks>
/// The answers are kept by generation: a change starts a new one, and a lookup keeps what it read
/// in the generation it began in (<see cref="Current"/>, taken before the read). An answer read
/// before a change committed therefore never lands after it, where it would outlive the change.
/// </remarks>
public sealed class MembershipCache : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private const int MaxEntries = 100_000;

    private volatile MemoryCache _entries = NewCache();

    /// <summary>The answers kept since the last membership change this process committed.</summary>
    public Answers Current => new(_entries);

    /// <summary>
    /// Forgets every answer: called after a membership change commits. The ended generation is
    /// left to the garbage collector, not disposed: a lookup that began in it may still read or
    /// keep an answer there, which then nobody reads.
    /// </summary>
    public void Clear() => _entries = NewCache();

    public void Dispose() => _entries.Dispose();

    private static MemoryCache NewCache() => new(new MemoryCacheOptions { SizeLimit = MaxEntries });

    /// <summary>One generation of answers.</summary>
    public readonly struct Answers(MemoryCache entries)
    {
        public bool TryGet(string org, string workspace, Guid userId, out WorkspaceMembership? membership) =>
            entries.TryGetValue((org, workspace, userId), out membership);

        public void Set(string org, string workspace, Guid userId, WorkspaceMembership? membership) =>
            entries.Set((org, workspace, userId), membership, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = Lifetime, Size = 1 });
    }
}
