namespace Sessions.Infrastructure;

/// <summary>
/// A setting the service will not start with; its message names the setting and says what it
/// takes. The service reports it at startup as one log entry, without a stack trace, and exits
/// with code 1 (<c>StartupFailures</c>, in the API).
/// </summary>
public sealed class RefusedSettingException(string message, Exception? inner = null) : InvalidOperationException(message, inner);
