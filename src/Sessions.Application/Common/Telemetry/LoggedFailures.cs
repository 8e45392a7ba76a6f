namespace Sessions.Application.Common.Telemetry;

/// <summary>
/// Which exceptions were already logged with their exception (by the request telemetry, as a
/// message's failure), so the last line that answers them 500 does not log them again: a failure
/// is one error line (ADR 0034).
/// </summary>
public static class LoggedFailures
{
    private const string Key = "sessions.logged";

    public static void Mark(Exception exception) => exception.Data[Key] = true;

    public static bool WasLogged(Exception exception) => exception.Data[Key] is true;
}
