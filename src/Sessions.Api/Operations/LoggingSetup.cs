using Sessions.Infrastructure;

namespace Sessions.Api.Operations;

/// <summary>
/// Console logs, one line per entry with the request's scope; JSON lines when <c>Logging:Format</c>
/// is <c>json</c>, text when it is <c>text</c> or not set. Another value refuses the start (a
/// misspelt <c>json</c> would otherwise send text lines to a pipeline that reads JSON).
/// </summary>
public static class LoggingSetup
{
    public static ILoggingBuilder AddServiceLogging(this ILoggingBuilder logging, IConfiguration configuration)
    {
        logging.ClearProviders();
        if (Settings.Choice(configuration, "Logging:Format", defaultValue: "text", "text", "json") == "json")
        {
            logging.AddJsonConsole(json =>
            {
                json.IncludeScopes = true;
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            });
        }
        else
        {
            logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.IncludeScopes = true;
                console.UseUtcTimestamp = true;
                console.TimestampFormat = "HH:mm:ss.fff ";
            });
        }

        return logging;
    }
}
