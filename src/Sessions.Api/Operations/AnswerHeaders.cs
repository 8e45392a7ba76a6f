namespace Sessions.Api.Operations;

/// <summary>
/// Headers every answer carries, error envelopes included: its correlation id;
/// <c>Cache-Control: no-store</c>, since an answer holds one tenant's sessions, transcripts or
/// tokens and no browser or proxy cache should keep it on disk; and
/// <c>X-Content-Type-Options: nosniff</c>, so a browser never reads an answer's JSON (which may echo
/// what a client sent) as anything but its declared type.
/// </summary>
public static class AnswerHeaders
{
    public static void Set(HttpResponse response, string correlationId)
    {
        response.Headers[CorrelationIds.Header] = correlationId;
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
    }
}
