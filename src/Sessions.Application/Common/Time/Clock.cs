namespace Sessions.Application.Common.Time;

/// <summary>The service's notion of now: UTC, to the microsecond every supported database keeps.</summary>
public static class Clock
{
    public static DateTime UtcNow(this TimeProvider clock)
    {
        var ticks = clock.GetUtcNow().UtcTicks;
        return new DateTime(ticks - (ticks % 10), DateTimeKind.Utc);
    }
}
