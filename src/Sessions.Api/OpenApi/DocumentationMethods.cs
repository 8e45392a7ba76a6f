namespace Sessions.Api.OpenApi;

/// <summary>
/// The documentation is read only: any method but <c>GET</c> and <c>HEAD</c> under its path is 405
/// with <c>Allow</c> and the envelope, as on every API route (NSwag and Swagger UI answer whatever
/// the method).
/// </summary>
internal static class DocumentationMethods
{
    public static IApplicationBuilder UseReadOnlyMethods(this IApplicationBuilder documentation) =>
        documentation.Use(async (context, next) =>
        {
            if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
            {
                await next(context);
                return;
            }

            context.Response.Headers.Allow = "GET, HEAD";
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
        });
}
