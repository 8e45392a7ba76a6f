using System.Text.RegularExpressions;

namespace Sessions.Api.Operations;

/// <summary>
/// Every request has a correlation id: the caller's <c>X-Correlation-Id</c> when it is a plain
/// token of at most 64 characters, else one made here. It is echoed back, logged on every line
/// of the request, and named in the detail of a 500.
/// </summary>
public static partial class CorrelationIds
{
    public const string Header = "X-Correlation-Id";

    public static string Establish(HttpContext context)
    {
        var sent = context.Request.Headers[Header].ToString();
        var id = IdPattern().IsMatch(sent) ? sent : context.TraceIdentifier;
        context.TraceIdentifier = id;
        context.Response.Headers[Header] = id;
        return id;
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
