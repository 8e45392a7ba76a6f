using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Net.Http.Headers;
using Sessions.Api.Operations;
using Sessions.Infrastructure;

namespace Sessions.Api.Errors;

/// <summary>
/// What a request may be before any endpoint reads it, each refusal answered with the envelope:
/// a path and query of at most <see cref="MaxTargetLength"/> characters (414), a body of at most
/// <c>Limits:MaxRequestBodyBytes</c> (default 16 MiB; 413, also enforced by Kestrel while reading),
/// a body in UTF-8 and sent uncoded (415 for any other declared charset or, on a request that
/// carries content, any <c>Content-Encoding</c> but <c>identity</c>), and at most
/// <c>Limits:MaxConcurrentLargeBodies</c> bodies over <see cref="LargeBodyBytes"/> read at once
/// (default 2; up to <c>Limits:LargeBodyQueue</c> more wait their turn, each at most
/// <c>Limits:LargeBodyWaitSeconds</c>, default 30; the rest get 429), so that many large appends at once cannot
/// exhaust memory. Turns are taken once the caller is known (after authorization): each caller (a
/// token's subject; an address without one) reads at most <c>Limits:LargeBodiesPerCaller</c> at
/// once (default 1) with as many more waiting, so that one caller cannot take every turn from the
/// others. A large body read over HTTP/1.x must arrive at
/// <c>Limits:LargeBodyMinBytesPerSecond</c> at least on average (default 64 KiB/s, 512 kbit/s,
/// after Kestrel's grace period: a 16 MiB body within about four minutes), or Kestrel ends the
/// request (408): a client trickling bytes cannot hold one of the few turns for hours (Kestrel's
/// own floor, 240 bytes a second, would let a 16 MiB body take 19).
/// </summary>
public sealed class RequestLimits : IDisposable
{
    public const long DefaultMaxRequestBodyBytes = 16 * 1024 * 1024;

    /// <summary>Far below Kestrel's request-line limit (<see cref="MaxRequestLineBytes"/>), so the app answers first, with the envelope.</summary>
    public const int MaxTargetLength = 4096;

    /// <summary>
    /// Kestrel's limit on the request line (method, target, version), raised from its 8 KiB: a line
    /// over it is answered by Kestrel alone, without the envelope or the CORS headers a browser
    /// needs to read it ("Failed to fetch" in a frontend). The service's 414 counts the path decoded
    /// and the query as sent, so a path of 4,096 characters percent-encoded in UTF-8 takes up to
    /// 36 KiB of the line; a longer line is Kestrel's bare 414 still.
    /// </summary>
    public const int MaxRequestLineBytes = 64 * 1024;

    /// <summary>Bodies above this size (or of unknown size) take a turn of the large-body limiter.</summary>
    public const long LargeBodyBytes = 1024 * 1024;

    public const int DefaultMaxConcurrentLargeBodies = 2;
    public const int DefaultLargeBodyQueue = 32;
    public const int DefaultLargeBodyMinBytesPerSecond = 64 * 1024;
    public const int DefaultLargeBodiesPerCaller = 1;

    /// <summary>How long a large body waits for its turn by default before it is answered 429 (a waiting request has sent none of its body).</summary>
    public const int DefaultLargeBodyWaitSeconds = 30;

    private readonly ConcurrencyLimiter _largeBodies;
    private readonly PartitionedRateLimiter<HttpContext> _callersLargeBodies;
    private readonly MinDataRate _largeBodyMinRate;
    private readonly TimeSpan _largeBodyWait;

    public RequestLimits(RequestLimitSettings settings)
    {
        MaxBodyBytes = settings.MaxBodyBytes;
        _largeBodyWait = settings.LargeBodyWait;
        _largeBodyMinRate = new MinDataRate(settings.LargeBodyMinBytesPerSecond, TimeSpan.FromSeconds(5));

        _largeBodies = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = settings.ConcurrentLargeBodies,
            QueueLimit = settings.LargeBodyQueue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        _callersLargeBodies = PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.GetConcurrencyLimiter(
            RateLimiting.PartitionKey(context),
            _ => new ConcurrencyLimiterOptions { PermitLimit = settings.LargeBodiesPerCaller, QueueLimit = settings.LargeBodiesPerCaller, QueueProcessingOrder = QueueProcessingOrder.OldestFirst }));
    }

    public long MaxBodyBytes { get; }

    /// <summary>How many large bodies are being read and how many wait, now; the large-body tests read it to know when a body holds a turn.</summary>
    public RateLimiterStatistics? LargeBodyStatistics => _largeBodies.GetStatistics();

    /// <summary>Puts the limits (a singleton, registered by <see cref="AddRequestLimits"/>) in the request pipeline.</summary>
    public static void UseRequestLimits(WebApplication app) => app.Use(app.Services.GetRequiredService<RequestLimits>().InvokeAsync);

    /// <summary>Puts the large bodies' turns in the request pipeline, where the caller is known: after authorization.</summary>
    public static void UseLargeBodyTurns(WebApplication app) => app.Use(app.Services.GetRequiredService<RequestLimits>().TakeLargeBodyTurnAsync);

    /// <summary>Registers the limits with their <paramref name="settings"/>, read (and a wrong one refused) before the host is built and the database touched.</summary>
    public static IServiceCollection AddRequestLimits(IServiceCollection services, RequestLimitSettings settings) =>
        services.AddSingleton(settings).AddSingleton<RequestLimits>();

    public void Dispose()
    {
        _largeBodies.Dispose();
        _callersLargeBodies.Dispose();
    }

    private async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (request.Path.Value?.Length + request.QueryString.Value?.Length > MaxTargetLength)
        {
            await ErrorResponses.WriteAsync(context, ErrorResponses.ForStatus(StatusCodes.Status414UriTooLong, $"The path and query are longer than the {MaxTargetLength} characters the service accepts."));
            return;
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            await ErrorResponses.WriteAsync(context, ErrorResponses.ForStatus(StatusCodes.Status413PayloadTooLarge, $"The request body is larger than the {MaxBodyBytes} bytes the service accepts."));
            return;
        }

        // RFC 9110 §8.4: a coding the server does not decode is 415, not a body read as it came.
        if (request.Headers.ContentEncoding is { Count: > 0 } coding && !IsIdentity(coding) && HasContent(context))
        {
            await ErrorResponses.WriteAsync(context, ErrorResponses.ForStatus(StatusCodes.Status415UnsupportedMediaType, $"Unsupported Content-Encoding '{coding}': send the body uncoded."));
            return;
        }

        if (!IsUtf8(request.ContentType))
        {
            await ErrorResponses.WriteAsync(context, ErrorResponses.ForStatus(StatusCodes.Status415UnsupportedMediaType, "Unsupported charset: send the JSON body as UTF-8 (application/json or application/json; charset=utf-8)."));
            return;
        }

        await next(context);
    }

    /// <summary>
    /// A large body takes the caller's turn, then one of the service's, waiting at most
    /// <c>Limits:LargeBodyWaitSeconds</c> for both; a body refused or tired of waiting is answered 429.
    /// </summary>
    private async Task TakeLargeBodyTurnAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (!IsLarge(request))
        {
            await next(context);
            return;
        }

        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        waiting.CancelAfter(_largeBodyWait);
        using var callers = await TurnAsync(_callersLargeBodies.AcquireAsync(context, 1, waiting.Token));
        if (callers?.IsAcquired != true)
        {
            await TooManyAsync(context, "You are sending as many large request bodies at once as one caller may; retry when one is done.");
            return;
        }

        using var lease = await TurnAsync(_largeBodies.AcquireAsync(1, waiting.Token));
        if (lease?.IsAcquired != true)
        {
            await TooManyAsync(context, "Too many large request bodies are being read at once; retry in 1 s.");
            return;
        }

        // HTTP/2 and HTTP/3 streams take the server's rate only (Kestrel refuses one per request).
        if ((HttpProtocol.IsHttp10(request.Protocol) || HttpProtocol.IsHttp11(request.Protocol))
            && context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            rate.MinDataRate = _largeBodyMinRate;
        }

        await next(context);
    }

    /// <summary>The lease, or null when the wait ended first (its time, or the client gone; a client gone is answered nothing it reads).</summary>
    private static async Task<RateLimitLease?> TurnAsync(ValueTask<RateLimitLease> acquiring)
    {
        try
        {
            return await acquiring;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static Task TooManyAsync(HttpContext context, string detail)
    {
        context.Response.Headers.RetryAfter = "1";
        return ErrorResponses.WriteAsync(context, ErrorResponses.ForStatus(StatusCodes.Status429TooManyRequests, detail));
    }

    /// <summary>Whether the request carries content (a length above zero, or one not told ahead): a coding of no content is nothing to decode.</summary>
    private static bool HasContent(HttpContext context) =>
        context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? context.Request.ContentLength > 0;

    /// <summary>Only <c>identity</c> codings (the absence of one), however many are listed.</summary>
    private static bool IsIdentity(Microsoft.Extensions.Primitives.StringValues codings) =>
        codings.SelectMany(value => (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .All(coding => coding.Equals("identity", StringComparison.OrdinalIgnoreCase));

    /// <summary>No charset parameter, or <c>utf-8</c> in any letter case (an empty one is not); a content type that does not parse is left to the formatters (415).</summary>
    private static bool IsUtf8(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            return true;
        }

        var charset = mediaType.Parameters.FirstOrDefault(p => p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase));
        return charset is null || HeaderUtilities.RemoveQuotes(charset.Value).Equals("utf-8", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// A body over <see cref="LargeBodyBytes"/>, or one whose length is not told ahead: chunked
    /// under HTTP/1.1, or an HTTP/2 or HTTP/3 stream sent without <c>content-length</c>, whose
    /// request can carry a body.
    /// </summary>
    private static bool IsLarge(HttpRequest request) =>
        request.ContentLength is { } length
            ? length > LargeBodyBytes
            : request.Headers.TransferEncoding.Count > 0 || request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true;
}

/// <summary>The <c>Limits:*</c> settings of <see cref="RequestLimits"/>.</summary>
public sealed record RequestLimitSettings(
    long MaxBodyBytes,
    int ConcurrentLargeBodies,
    int LargeBodyQueue,
    int LargeBodyMinBytesPerSecond,
    int LargeBodiesPerCaller,
    TimeSpan LargeBodyWait)
{
    public static RequestLimitSettings From(IConfiguration configuration) => new(
        Settings.WholeNumber(configuration, "Limits:MaxRequestBodyBytes", RequestLimits.DefaultMaxRequestBodyBytes, 1, long.MaxValue, "a positive number of bytes"),
        Settings.WholeNumber(configuration, "Limits:MaxConcurrentLargeBodies", RequestLimits.DefaultMaxConcurrentLargeBodies, 1, int.MaxValue, "a positive number of bodies"),
        Settings.WholeNumber(configuration, "Limits:LargeBodyQueue", RequestLimits.DefaultLargeBodyQueue, 0, int.MaxValue, "a number of bodies, 0 or more"),
        Settings.WholeNumber(configuration, "Limits:LargeBodyMinBytesPerSecond", RequestLimits.DefaultLargeBodyMinBytesPerSecond, 1, int.MaxValue, "a positive number of bytes a second"),
        Settings.WholeNumber(configuration, "Limits:LargeBodiesPerCaller", RequestLimits.DefaultLargeBodiesPerCaller, 1, int.MaxValue, "a positive number of bodies"),
        TimeSpan.FromSeconds(Settings.WholeNumber(configuration, "Limits:LargeBodyWaitSeconds", RequestLimits.DefaultLargeBodyWaitSeconds, 1, 3600, "a whole number of seconds from 1 to 3600")));
}
