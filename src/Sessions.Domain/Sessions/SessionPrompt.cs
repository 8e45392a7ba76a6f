using System.Security.Cryptography;
using System.Text;

namespace Sessions.Domain.Sessions;

/// <summary>
/// A session's system prompt: what an append's context stores and an export writes first (CONTRACT
/// §5.6). Kept apart from the session's row, so that other reads and commands about a session do not
/// read it: a prompt may be a megabyte (ADR 0073). The session keeps the prompt's digest instead
/// (<see cref="Session.SystemPromptDigest"/>), by which an append tells whether the prompt it sends
/// is the stored one without reading it (ADR 0074). None stored reads as the empty prompt, which an
/// export leaves out.
/// </summary>
public sealed class SessionPrompt(Guid sessionId, string text)
{
    /// <summary>
    /// The digest of a session whose prompt was stored before sessions kept digests, on a database
    /// whose migration cannot compute one: the prompt is stored, its digest not yet known. Never a
    /// digest (<see cref="DigestOf"/> answers hex digits).
    /// </summary>
    public const string UnknownDigest = "unknown";

    /// <summary>The length of a digest: SHA-256's 32 bytes in hexadecimal.</summary>
    public const int DigestLength = 64;

    /// <summary>The encoding of what is digested; declared before the digests it makes.</summary>
    private static readonly Encoding StrictUtf8 = Encoding.GetEncoding("utf-8", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);

    /// <summary>The digest of the empty prompt, which a session with no prompt stored has.</summary>
    public static readonly string EmptyDigest = DigestOf(string.Empty);

    public Guid SessionId { get; private set; } = sessionId;

    public string Text { get; private set; } = text;

    /// <summary>
    /// SHA-256 of the prompt's UTF-8 bytes, in lowercase hexadecimal: what PostgreSQL computes as
    /// <c>encode(sha256(convert_to(system_prompt, 'UTF8')), 'hex')</c>. Text with an unpaired
    /// surrogate has no UTF-8 form and is refused (an <see cref="ArgumentException"/>): requests never
    /// carry one (the edge answers 422), and an encoding that replaced it would give two different
    /// prompts one digest. Encoded a few kilobytes at a time, so a prompt of a megabyte allocates nothing of its size.
    /// </summary>
    public static string DigestOf(string text)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var encoder = StrictUtf8.GetEncoder();
        Span<byte> bytes = stackalloc byte[4096];
        var chars = text.AsSpan();
        bool completed;
        do
        {
            encoder.Convert(chars, bytes, flush: true, out var used, out var written, out completed);
            sha256.AppendData(bytes[..written]);
            chars = chars[used..];
        }
        while (!completed);

        return Convert.ToHexStringLower(sha256.GetHashAndReset());
    }
}
