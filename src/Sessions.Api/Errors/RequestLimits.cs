namespace Sessions.Api.Errors;

/// <summary>
/// The largest request body the service reads (<c>Limits:MaxRequestBodyBytes</c>, default 16 MiB).
/// Kestrel enforces it while reading; a declared Content-Length over it is refused before reading.
/// </summary>
public static class RequestLimits
{
    public const long DefaultMaxRequestBodyBytes = 16 * 1024 * 1024;

    public static long MaxRequestBodyBytes(IConfiguration configuration) =>
        configuration.GetValue<long?>("Limits:MaxRequestBodyBytes") ?? DefaultMaxRequestBodyBytes;

    public static void UseRequestLimits(this WebApplication app)
    {
        var limit = MaxRequestBodyBytes(app.Configuration);
        app.Use((context, next) => context.Request.ContentLength > limit
            ? ErrorResponses.WriteAsync(context, ErrorResponses.ForStatus(StatusCodes.Status413PayloadTooLarge, $"The request body is larger than the {limit} bytes the service accepts."))
            : next(context));
    }
}
