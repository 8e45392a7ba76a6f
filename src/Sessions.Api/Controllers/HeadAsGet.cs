namespace Sessions.Api.Controllers;

/// <summary>
/// Every route that answers GET answers HEAD (RFC 9110 §9.3.2: the same status and header fields,
/// no content), as the peer's framework does: a monitor's or a proxy's <c>curl -I</c> was 405.
/// The action runs as for GET; the server sends no content for a HEAD request, and a 405's
/// <c>Allow</c> names HEAD beside GET, both read from the endpoint's methods.
/// </summary>
public static class HeadAsGet
{
    public static TBuilder AnswerHeadWhereGet<TBuilder>(this TBuilder endpoints)
        where TBuilder : IEndpointConventionBuilder
    {
        endpoints.Add(endpoint =>
        {
            if (endpoint.Metadata.OfType<HttpMethodMetadata>().LastOrDefault() is { } methods
                && methods.HttpMethods.Contains(HttpMethods.Get, StringComparer.OrdinalIgnoreCase)
                && !methods.HttpMethods.Contains(HttpMethods.Head, StringComparer.OrdinalIgnoreCase))
            {
                endpoint.Metadata.Remove(methods);
                endpoint.Metadata.Add(new HttpMethodMetadata([.. methods.HttpMethods, HttpMethods.Head], methods.AcceptCorsPreflight));
            }
        });
        return endpoints;
    }
}
