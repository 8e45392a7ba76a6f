using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sessions.Api.Tests.Infrastructure;

/// <summary>Plain HTTP helpers: the tests speak JSON over the wire, as clients do.</summary>
public static class Http
{
    public static async Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string path, string? token, object? body = null, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            var json = body as string ?? JsonSerializer.Serialize(body);
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.SendAsync(request);
    }

    /// <summary>The answer's one <c>Retry-After</c>, in seconds.</summary>
    public static int RetryAfterSeconds(this HttpResponseMessage response) =>
        int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);

    public static Task<HttpResponseMessage> GetAsync(this HttpClient client, string path, string? token) =>
        client.SendAsync(HttpMethod.Get, path, token);

    public static Task<HttpResponseMessage> PostAsync(this HttpClient client, string path, string? token, object? body = null) =>
        client.SendAsync(HttpMethod.Post, path, token, body);

    public static async Task<JsonObject> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text)?.AsObject() ?? throw new InvalidOperationException($"Expected a JSON object, got: {text}");
    }

    /// <summary>Asserts the status and answers the JSON body.</summary>
    public static async Task<JsonObject> ExpectAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} but got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>
    /// Asserts the answer is exactly the error envelope: JSON content type, <c>code</c> equal to the
    /// status, a non-empty human <c>detail</c> without internals, the given <c>type</c>, and
    /// <c>errors</c> present only for field-level problems. Answers the envelope.
    /// </summary>
    public static async Task<JsonObject> ExpectEnvelopeAsync(this HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} but got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var envelope = JsonNode.Parse(text)!.AsObject();
        var expectedKeys = type == "validation_error" ? new[] { "code", "detail", "errors", "type" } : ["code", "detail", "type"];
        Assert.Equal(expectedKeys, envelope.Select(p => p.Key).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal((int)status, envelope["code"]!.GetValue<int>());
        Assert.Equal(type, envelope["type"]!.GetValue<string>());
        var detail = envelope["detail"]!.GetValue<string>();
        Assert.False(string.IsNullOrWhiteSpace(detail));
        Assert.DoesNotContain("Exception", detail, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\bat [\w.`<>]+\(", detail);
        Assert.DoesNotContain("Sessions.", detail, StringComparison.Ordinal);
        return envelope;
    }

    /// <summary>Asserts a 422 envelope whose errors include one at <paramref name="loc"/>; answers that error.</summary>
    public static async Task<JsonObject> ExpectValidationErrorAsync(this HttpResponseMessage response, params object[] loc)
    {
        var envelope = await response.ExpectEnvelopeAsync(HttpStatusCode.UnprocessableEntity, "validation_error");
        var errors = envelope["errors"]!.AsArray();
        var expected = JsonSerializer.Serialize(loc);
        var match = errors.FirstOrDefault(e => e!["loc"]!.ToJsonString() == expected);
        Assert.True(match is not null, $"No error at {expected} in {errors.ToJsonString()}");
        Assert.False(string.IsNullOrWhiteSpace(match!["msg"]!.GetValue<string>()));
        Assert.False(string.IsNullOrWhiteSpace(match["type"]!.GetValue<string>()));
        return match.AsObject();
    }

    public static async Task<JsonObject> ExpectAsync(this Task<HttpResponseMessage> response, HttpStatusCode status) =>
        await (await response).ExpectAsync(status);

    public static async Task<JsonObject> ExpectEnvelopeAsync(this Task<HttpResponseMessage> response, HttpStatusCode status, string type) =>
        await (await response).ExpectEnvelopeAsync(status, type);

    public static async Task<JsonObject> ExpectValidationErrorAsync(this Task<HttpResponseMessage> response, params object[] loc) =>
        await (await response).ExpectValidationErrorAsync(loc);
}
