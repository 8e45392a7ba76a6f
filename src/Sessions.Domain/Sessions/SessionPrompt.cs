using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Sessions.Domain.Sessions;

/// <summary>
/// A session's system prompt: what an append's context stores and an export writes first (CONTRACT
/// §5.6). Kept apart from the session's row, so that only an export reads it: a prompt may be a
/// megabyte, and every other read and command about a session would read it for nothing (ADR
/// 0073). The session keeps the prompt's digest instead (<see cref="Session.SystemPromptDigest"/>),
/// by which an append tells whether the prompt it sends is the stored one without reading it (ADR
/// 0074). None stored reads as the empty prompt, which an export leaves out.
/// </summary>
public sealed class SessionPrompt(Guid sessionId, string text)
{
    /// <summary>
    /// The digest of a session whose prompt was stored before sessions kept digests: the prompt is
    /// stored, its digest not yet known. Never a digest (<see cref="DigestOf"/> answers hex digits).
    /// </summary>
    public const string UnknownDigest = "unknown";

    /// <summary>The length of a digest: SHA-256's 32 bytes in hexadecimal.</summary>
    public const int DigestLength = 64;

    /// <summary>The digest of the empty prompt, which a session with no prompt stored has.</summary>
    public static readonly string EmptyDigest = DigestOf(string.Empty);

    public Guid SessionId { get; private set; } = sessionId;

    public string Text { get; private set; } = text;

    /// <summary>
    /// SHA-256 of the prompt's UTF-16 code units (little-endian, as .NET holds them on every
    /// platform it runs this service on), in lowercase hexadecimal. The code units themselves, not
    /// an encoding of them: an encoder would map every unpaired surrogate to one replacement
    /// character, and two prompts differing only there would read as the same.
    /// </summary>
    public static string DigestOf(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(text.AsSpan())));
}
