namespace Sessions.Domain.Sessions;

/// <summary>
/// A session's system prompt: what an append's context stores and an export writes first (CONTRACT
/// §5.6). Kept apart from the session's row, so that only the two requests that need it read it: a
/// prompt may be a megabyte, and every other read and command about a session would read it for
/// nothing (ADR 0073). None stored reads as the empty prompt, which an export leaves out.
/// </summary>
public sealed class SessionPrompt
{
    /// <summary>The prompt of a session that has none stored yet: empty.</summary>
    public SessionPrompt(Guid sessionId)
    {
        SessionId = sessionId;
        Text = string.Empty;
    }

    public Guid SessionId { get; private set; }

    public string Text { get; private set; }

    /// <summary>Takes the prompt an append sends; answers whether it differs from the stored one.</summary>
    internal bool Change(string text)
    {
        if (text == Text)
        {
            return false;
        }

        Text = text;
        return true;
    }
}
