using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.Formatters;
using Sessions.Api.Errors;

namespace Sessions.Api.Json;

/// <summary>
/// MVC's JSON body reader, which also tells a body that is no JSON at all from one holding a value
/// of the wrong type. The serializer stops at the first value it cannot bind (a body of <c>[1,</c>
/// for an object fails at its <c>[</c>), before it reaches a syntax error later in the text, so a
/// body it refused as mistyped is read once more for its syntax alone: a syntax error found is what
/// the answer reports (400 <c>malformed_json</c>, CONTRACT §2), else the mistyped value (422). The
/// body is held for that in a pooled buffer when it declares a length of at most
/// <see cref="RescannedBodyBytes"/>; a longer one (an append of a large transcript), or one whose
/// length is not told ahead (chunked), is read by MVC's reader through the request's stream, keeping
/// the serializer's verdict, rather than held whole beside the model it binds.
/// Bodies are UTF-8: another charset is refused before any reader runs (415), and bytes that are not
/// UTF-8 anywhere in a body are 400 <c>malformed_json</c>, checked on every byte as the body
/// arrives (<see cref="Utf8Check"/>): the serializer checks only the strings it decodes, and reads
/// free-form JSON (metadata, tool arguments, item data) with such bytes replaced or not at all.
/// </summary>
public sealed class WellFormedJsonInputFormatter(SystemTextJsonInputFormatter json) : IInputFormatter, IApiRequestFormatMetadataProvider
{
    /// <summary>The longest body read once more for its syntax: a longer one is a large body, read in its turn (<see cref="RequestLimits"/>).</summary>
    public const int RescannedBodyBytes = (int)RequestLimits.LargeBodyBytes;

    /// <summary>How much of a large body one read of the request's stream asks for.</summary>
    private const int LargeBodyReadBytes = 16 * 1024;

    private static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];

    /// <summary>Puts this reader around MVC's own JSON body reader, in its place.</summary>
    public static void Replace(MvcOptions mvc)
    {
        var reader = mvc.InputFormatters.OfType<SystemTextJsonInputFormatter>().Single();
        mvc.InputFormatters[mvc.InputFormatters.IndexOf(reader)] = new WellFormedJsonInputFormatter(reader);
    }

    public bool CanRead(InputFormatterContext context) => json.CanRead(context);

    public IReadOnlyList<string>? GetSupportedContentTypes(string? contentType, Type objectType) => json.GetSupportedContentTypes(contentType, objectType);

    public async Task<InputFormatterResult> ReadAsync(InputFormatterContext context)
    {
        var http = context.HttpContext;
        if (http.Request.ContentLength is not { } declared || declared is <= 0 or > RescannedBodyBytes)
        {
            // Read through a stream, as a short body is: MVC's reader otherwise reads the request's
            // pipe, where the host's stop (SIGTERM) surfaced as a canceled read while the body was
            // still arriving, a 500 for a request in flight (ShutdownTests); a stream over the
            // request's stream reads on until the body ends.
            http.Request.Body = new Utf8Check.Stream(new BufferedStream(http.Request.Body, LargeBodyReadBytes));
            return await json.ReadAsync(context);
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)declared);
        http.Response.RegisterForDispose(new Returned(buffer));
        var length = await http.Request.Body.ReadAtLeastAsync(buffer.AsMemory(0, (int)declared), (int)declared, throwOnEndOfStream: false, http.RequestAborted);
        if (Utf8Check.FirstInvalid(buffer.AsSpan(0, length)) is { } notUtf8)
        {
            context.ModelState.TryAddModelError(string.Empty, notUtf8, context.Metadata);
            return await InputFormatterResult.FailureAsync();
        }

        http.Request.Body = new MemoryStream(buffer, 0, length, writable: false);

        var result = await json.ReadAsync(context);
        if (result.HasError && IsMistyped(context) && SyntaxError(buffer.AsSpan(0, length)) is { } syntax)
        {
            context.ModelState.TryAddModelError(
                string.Empty,
                new JsonException("The body is not valid JSON.", null, syntax.LineNumber, syntax.BytePositionInLine, syntax),
                context.Metadata);
        }

        return result;
    }

    /// <summary>Whether the serializer refused a value as mistyped, where the answer would be 422.</summary>
    private static bool IsMistyped(InputFormatterContext context) =>
        context.ModelState.Values.Any(entry => entry.Errors.Any(error => InvalidModelStateResponses.IsMistypedValue(error.Exception)));

    /// <summary>The first syntax error of <paramref name="body"/>, read as the serializer reads (a leading byte order mark skipped); null when it is well-formed JSON.</summary>
    private JsonException? SyntaxError(ReadOnlySpan<byte> body)
    {
        var options = json.SerializerOptions;
        var reader = new Utf8JsonReader(
            body.StartsWith(Utf8ByteOrderMark) ? body[Utf8ByteOrderMark.Length..] : body,
            new JsonReaderOptions { MaxDepth = options.MaxDepth, CommentHandling = options.ReadCommentHandling, AllowTrailingCommas = options.AllowTrailingCommas });
        try
        {
            while (reader.Read())
            {
            }

            return null;
        }
        catch (JsonException syntax)
        {
            return syntax;
        }
    }

    /// <summary>Gives the body's buffer back to the pool once the request has ended.</summary>
    private sealed class Returned(byte[] buffer) : IDisposable
    {
        public void Dispose() => ArrayPool<byte>.Shared.Return(buffer);
    }
}
