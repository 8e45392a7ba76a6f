namespace Sessions.Infrastructure;

/// <summary>
/// A setting the service will not start with; its message names the setting and says what it
/// takes. The service reports it at startup as one line, without a stack trace (<c>Program</c>).
/// </summary>
public sealed class RefusedSettingException(string message, Exception? inner = null) : InvalidOperationException(message, inner);
