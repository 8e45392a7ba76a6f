using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Formatters;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.ApiExplorer;

namespace Sessions.Api.Json;

/// <summary>
/// MVC's JSON body reader, which also tells a body that is no JSON at all from one holding a value
/// of the wrong type. The serializer stops at the first value it cannot bind (a body of <c>[1,</c>
/// for an object fails at its <c>[</c>), before it reaches a syntax error later in the text, so a
/// body it refused as mistyped is read once more for its syntax alone; a syntax error found is what
/// the answer reports (400 <c>malformed_json</c>, CONTRACT §2), else the mistyped value (422). The
/// body is kept in memory while it is read (it is within the request size limit, and the bound
/// model holds as much).
/// </summary>
public sealed class WellFormedJsonInputFormatter(SystemTextJsonInputFormatter json) : IInputFormatter, IApiRequestFormatMetadataProvider
{
    private const int ScanBufferBytes = 16 * 1024;

    /// <summary>Puts this reader around MVC's own JSON body reader, in its place.</summary>
    public static void Replace(MvcOptions mvc)
    {
        var json = mvc.InputFormatters.OfType<SystemTextJsonInputFormatter>().Single();
        mvc.InputFormatters[mvc.InputFormatters.IndexOf(json)] = new WellFormedJsonInputFormatter(json);
    }

    public bool CanRead(InputFormatterContext context) => json.CanRead(context);

    public IReadOnlyList<string>? GetSupportedContentTypes(string? contentType, Type objectType) => json.GetSupportedContentTypes(contentType, objectType);

    public async Task<InputFormatterResult> ReadAsync(InputFormatterContext context)
    {
        var request = context.HttpContext.Request;
        var utf8 = !MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || mediaType.Charset is not { HasValue: true } charset
            || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase);
        if (utf8)
        {
            request.Body = new FileBufferingReadStream(request.Body, int.MaxValue);
            context.HttpContext.Response.RegisterForDisposeAsync(request.Body);
        }

        var result = await json.ReadAsync(context);
        if (!utf8 || !result.HasError || !HasJsonError(context))
        {
            return result;
        }

        request.Body.Position = 0;
        if (await SyntaxErrorAsync(request.Body, json.SerializerOptions.MaxDepth, context.HttpContext.RequestAborted) is { } syntax)
        {
            context.ModelState.TryAddModelError(
                string.Empty,
                new JsonException("The body is not valid JSON.", null, syntax.LineNumber, syntax.BytePositionInLine, syntax),
                context.Metadata);
        }

        return result;
    }

    private static bool HasJsonError(InputFormatterContext context) =>
        context.ModelState.Values.Any(entry => entry.Errors.Any(error => error.Exception is JsonException { InnerException: not JsonException }));

    /// <summary>The first syntax error of the text in <paramref name="body"/>; null when it is well-formed JSON.</summary>
    private static async Task<JsonException?> SyntaxErrorAsync(Stream body, int maxDepth, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ScanBufferBytes);
        try
        {
            var state = new JsonReaderState(new JsonReaderOptions { MaxDepth = maxDepth });
            var held = 0;
            while (true)
            {
                if (held == buffer.Length)
                {
                    // One token longer than the buffer (a long string): make room for the rest of it.
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, held).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(held), cancellationToken);
                held += read;
                var consumed = Scan(buffer.AsSpan(0, held), isFinalBlock: read == 0, ref state);
                if (read == 0)
                {
                    return null;
                }

                buffer.AsSpan(consumed, held - consumed).CopyTo(buffer);
                held -= consumed;
            }
        }
        catch (JsonException syntax)
        {
            return syntax;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads every token of <paramref name="text"/> it can; returns how many bytes it consumed.</summary>
    private static int Scan(ReadOnlySpan<byte> text, bool isFinalBlock, ref JsonReaderState state)
    {
        var reader = new Utf8JsonReader(text, isFinalBlock, state);
        while (reader.Read())
        {
        }

        state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }
}
