using System.Threading.RateLimiting;

namespace Sessions.Api.Operations;

/// <summary>
/// One partition's fixed window counted in this process: at most <c>permitLimit</c> permits from
/// the request that opens it until <c>window</c> has passed; the first request after that opens the
/// next. A refused request is told what is left of the window (<see cref="MetadataName.RetryAfter"/>),
/// where .NET's own fixed window tells the whole window however little of it is left. It holds no
/// timer: a window that has passed is found closed by the next request, and one closed for a while
/// is idle, so the partitioned limiter drops it.
/// </summary>
public sealed class LocalWindow(int permitLimit, TimeSpan window, TimeProvider clock) : RateLimiter
{
    private readonly Lock _gate = new();
    private long _openedAt = clock.GetTimestamp();
    private int _taken;

    /// <summary>How long ago the last window closed (or, before the first permit, this limiter was made); null while a window is open.</summary>
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_gate)
            {
                var elapsed = clock.GetElapsedTime(_openedAt);
                return _taken == 0 ? elapsed
                    : elapsed >= window ? elapsed - window
                    : null;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            return new RateLimiterStatistics { CurrentAvailablePermits = IsOpen(clock.GetTimestamp()) ? permitLimit - _taken : permitLimit };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, permitLimit);
        lock (_gate)
        {
            var now = clock.GetTimestamp();
            if (permitCount == 0)
            {
                // Asks whether a permit is left, taking none and opening no window.
                return !IsOpen(now) || _taken < permitLimit ? Lease.Granted : Refused(now);
            }

            if (!IsOpen(now))
            {
                _openedAt = now;
                _taken = 0;
            }

            if (permitCount <= permitLimit - _taken)
            {
                _taken += permitCount;
                return Lease.Granted;
            }

            return Refused(now);
        }
    }

    /// <summary>A refusal telling what is left of the open window.</summary>
    private Lease Refused(long now) => new(window - clock.GetElapsedTime(_openedAt, now));

    /// <summary>No request waits for a permit: it is granted or refused at once.</summary>
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private bool IsOpen(long now) => _taken > 0 && clock.GetElapsedTime(_openedAt, now) < window;

    private sealed class Lease(TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(null);

        public override bool IsAcquired => retryAfter is null;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = wait;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
