using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Sessions.Api.OpenApi;

/// <summary>
/// The OpenAPI document answered with a validator: an ETag (a hash of the document) and
/// <c>Cache-Control: no-cache</c>, so a browser, Swagger UI or a client generator asks again each
/// time and is answered 304 without the document while the one it holds is current. The document is
/// the same for every caller (Program's documentation branch), so its hash names it. <c>HEAD</c> is
/// answered with the same header fields (the document is made to hash it, and the server sends none of it).
/// </summary>
internal static class DocumentValidators
{
    /// <summary>Adds the validator to the OpenAPI document's answers in <paramref name="documentation"/>'s branch.</summary>
    public static IApplicationBuilder UseDocumentValidators(this IApplicationBuilder documentation) =>
        documentation.Use(async (context, next) =>
        {
            if (context.Request.Path.Value?.EndsWith("/" + DocumentationPaths.DocumentFile, StringComparison.OrdinalIgnoreCase) != true)
            {
                await next(context);
                return;
            }

            var body = context.Response.Body;
            using var document = new MemoryStream();
            context.Response.Body = document;
            try
            {
                await next(context);
            }
            finally
            {
                context.Response.Body = body;
            }

            // Only the document gets a validator and a length: any other answer (a 404 for a
            // document NSwag does not serve) is left to the envelope's middleware, which writes
            // only an answer that has no length yet.
            if (context.Response.StatusCode == StatusCodes.Status200OK)
            {
                var tag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(document.GetBuffer().AsSpan(0, (int)document.Length)))[..32]}\"");
                var headers = context.Response.GetTypedHeaders();
                headers.ETag = tag;
                headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
                if (context.Request.GetTypedHeaders().IfNoneMatch.Any(held => held.Equals(EntityTagHeaderValue.Any) || held.Compare(tag, useStrongComparison: false)))
                {
                    context.Response.StatusCode = StatusCodes.Status304NotModified;
                    context.Response.ContentLength = null;
                    return;
                }

                context.Response.ContentLength = document.Length;
            }

            if (HttpMethods.IsHead(context.Request.Method))
            {
                return;
            }

            document.Position = 0;
            await document.CopyToAsync(body, context.RequestAborted);
        });
}
