using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Controllers;
using Sessions.Api.Json;
using Sessions.Api.OpenApi;
using Sessions.Application.Common.Validation;
using Sessions.Application.Sessions;
using Sessions.Application.Transcripts;
using Sessions.Domain.Common;

namespace Sessions.Api.Errors;

/// <summary>
/// Model-binding failures as envelopes: JSON that does not parse is 400 <c>malformed_json</c>; a
/// well-formed value of the wrong type is 422 with <c>loc</c> from its JSON path; a bad route or
/// query value is 422 at its parameter.
/// </summary>
public static class InvalidModelStateResponses
{
    public static IActionResult Create(ActionContext context)
    {
        if (MethodNotAllowed(context) is { } wrongMethod)
        {
            return wrongMethod;
        }

        var bodyType = (context.ActionDescriptor as ControllerActionDescriptor)?.Parameters
            .FirstOrDefault(p => p.BindingInfo?.BindingSource == Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Body)?.ParameterType;
        var entries = context.ModelState.Where(entry => entry.Value is { Errors.Count: > 0 }).ToList();

        var jsonErrors = entries.SelectMany(entry => entry.Value!.Errors.Select(error => (entry.Key, Exception: FindJsonException(error.Exception)))).Where(e => e.Exception is not null).ToList();
        if (jsonErrors.FirstOrDefault(e => IsUnreadable(e.Exception!)) is { Exception: { } syntax })
        {
            return Envelope(Unreadable(syntax));
        }

        // Every value that did not bind is told at once, the path's and the query's beside the body's.
        var details = jsonErrors.Select(e => BodyValueError(e.Exception!, e.Key, bodyType)).ToList();
        foreach (var key in entries.Select(entry => entry.Key).Where(key => !jsonErrors.Any(e => e.Key == key)))
        {
            if (!string.IsNullOrEmpty(key) && !key.StartsWith('$'))
            {
                details.Add(ParameterError(context, key));
            }
            else if (jsonErrors.Count == 0)
            {
                details.Add(new ErrorDetail(["body"], "a JSON body is required", ErrorTypes.For(FieldProblem.Missing)));
            }
        }

        return Envelope(new ErrorEnvelope(StatusCodes.Status422UnprocessableEntity, "Validation failed", ErrorTypes.Validation, details));
    }

    /// <summary>
    /// A JSON body that did not bind to <paramref name="bodyType"/>, read outside MVC (a minimal
    /// endpoint's body): 400 when it is no JSON, 422 at the value's path when a value is of the
    /// wrong type; null when <paramref name="exception"/> holds no JSON failure.
    /// </summary>
    public static ErrorEnvelope? ForBody(Exception exception, Type? bodyType) =>
        FindJsonException(exception) is not { } json ? null
        : IsUnreadable(json) ? Unreadable(json)
        : new ErrorEnvelope(StatusCodes.Status422UnprocessableEntity, "Validation failed", ErrorTypes.Validation, [BodyValueError(json, "$", bodyType)]);

    private static ErrorEnvelope Unreadable(JsonException syntax)
    {
        if (syntax is NotUtf8Exception notUtf8)
        {
            return new ErrorEnvelope(StatusCodes.Status400BadRequest, $"The body holds bytes that are not UTF-8 (the first at byte {notUtf8.Offset}); send it encoded as UTF-8.", ErrorTypes.MalformedJson);
        }

        var where = syntax.LineNumber is { } line ? $" at line {line + 1}, position {syntax.BytePositionInLine + 1}" : string.Empty;
        return new ErrorEnvelope(
            StatusCodes.Status400BadRequest,
            IsTooDeep(syntax)
                ? $"The body nests objects and arrays deeper than {JsonDefaults.MaxDepth} levels{where}."
                : $"The body is not valid JSON{where}.",
            ErrorTypes.MalformedJson);
    }

    /// <summary>
    /// Well-formed JSON nesting past what is read at all: the reader's message is the only thing
    /// that tells this failure from a syntax error.
    /// </summary>
    private static bool IsTooDeep(JsonException exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current.Message.Contains("maximum configured depth", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A well-formed body value of the wrong type, at its JSON path (<paramref name="key"/> when the failure names none).</summary>
    private static ErrorDetail BodyValueError(JsonException exception, string key, Type? bodyType)
    {
        var path = FieldPath.Parse(exception.Path ?? key);
        var (message, type) = IsUnpairedSurrogate(exception)
            ? ("must be Unicode text: it holds an unpaired surrogate escape (\\uD800-\\uDFFF without its pair)", ErrorTypes.ValueError)
            : exception is TooManyDecimalPlacesException
            ? (FormattableString.Invariant($"must have at most {TranscriptRules.CostDecimalPlaces} decimal places"), ErrorTypes.For(FieldProblem.TooManyDecimalPlaces))
            : exception is FreeFormTooDeepException
            ? (FormattableString.Invariant($"must nest at most {FreeFormJson.MaxDepth} levels of objects and arrays"), ErrorTypes.ValueError)
            : JsonTargetDescriber.Describe(bodyType, path);
        return new ErrorDetail(["body", .. path], message, type);
    }

    /// <summary>
    /// A <c>{session_id}</c> segment that is no session reference but names a literal resource
    /// (<c>usage</c>, <c>bulk-freeze</c>, ...) whose routes do not take this method: 405 with
    /// <c>Allow</c>, as when no route of the path takes the method.
    /// </summary>
    private static ObjectResult? MethodNotAllowed(ActionContext context)
    {
        if (context.RouteData.Values["session_id"] is not string segment || SessionReference.TryParse(segment, out _))
        {
            return null;
        }

        var http = context.HttpContext;
        return http.RequestServices.GetRequiredService<LiteralRoutes>().MethodNotAllowed(http) is { } envelope ? Envelope(envelope) : null;
    }

    /// <summary>A route or query value that did not bind: where it is and what it should have been.</summary>
    private static ErrorDetail ParameterError(ActionContext context, string key)
    {
        var path = FieldPath.Parse(key);
        var name = path[0] as string ?? key;
        var source = context.RouteData.Values.ContainsKey(name) ? "path" : "query";
        var (parameterType, bounds) = Parameter(context, name);
        var given = context.HttpContext.Request.Query[name];
        if (source == "query" && given.Count > 1 && !IsRepeatable(parameterType))
        {
            return new ErrorDetail([source, name], FormattableString.Invariant($"must be given once (it was given {given.Count} times)"), ErrorTypes.ValueError);
        }

        if (source == "query" && parameterType == typeof(List<Guid>) && FirstUnreadUuid(given) is { } at)
        {
            // A repeatable filter's value is named by its index, as the other list filters' are.
            var (uuidMessage, uuidType) = string.IsNullOrEmpty(at.Value)
                ? ("must not be empty", ErrorTypes.For(FieldProblem.StringTooShort))
                : JsonTargetDescriber.DescribeValue(typeof(Guid));
            return new ErrorDetail([source, name, at.Index], uuidMessage, uuidType);
        }

        var (message, type) = JsonTargetDescriber.DescribeValue(parameterType);
        if (bounds is not null)
        {
            // The range the parameter takes, not its type's: page=abc is told what page=0 is told.
            message = JsonTargetDescriber.IntegerMessage(bounds.Minimum, bounds.Maximum);
        }

        return new ErrorDetail([source, .. path], message, type);
    }

    /// <summary>Whether a parameter of this type takes a value repeated (a list filter); text is one value.</summary>
    private static bool IsRepeatable(Type? type) =>
        type is not null && type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type);

    /// <summary>The first of a repeated query value's values that is no full UUID, with its index; null when each is one.</summary>
    private static (int Index, string? Value)? FirstUnreadUuid(Microsoft.Extensions.Primitives.StringValues values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (!SessionReference.TryParseFullId(values[i], out _))
            {
                return (i, values[i]);
            }
        }

        return null;
    }

    /// <summary>The type bound to a parameter name (an action parameter, or a property of a parameter object named by <c>[FromQuery]</c>), with the range it states.</summary>
    private static (Type? Type, BoundsAttribute? Bounds) Parameter(ActionContext context, string name)
    {
        foreach (var parameter in context.ActionDescriptor.Parameters)
        {
            if ((parameter.BindingInfo?.BinderModelName ?? parameter.Name) == name)
            {
                return (parameter.ParameterType, (parameter as ControllerParameterDescriptor)?.ParameterInfo.GetCustomAttribute<BoundsAttribute>());
            }

            var property = parameter.ParameterType.GetProperties()
                .FirstOrDefault(p => p.GetCustomAttributes(typeof(FromQueryAttribute), inherit: true).OfType<FromQueryAttribute>().Any(a => a.Name == name));
            if (property is not null)
            {
                return (property.PropertyType, property.GetCustomAttribute<BoundsAttribute>());
            }
        }

        return (null, null);
    }

    /// <summary>Whether <paramref name="exception"/> holds a well-formed body value of the wrong type (a JSON failure that is no unreadable text).</summary>
    public static bool IsMistypedValue(Exception? exception) => FindJsonException(exception) is { } json && !IsUnreadable(json);

    /// <summary>
    /// A string escape that is no Unicode text, in free-form JSON (<see cref="UnpairedSurrogateException"/>)
    /// or in a string member, where the serializer's own reading fails on it (its message is the
    /// only thing that tells this failure from a value of another JSON type).
    /// </summary>
    private static bool IsUnpairedSurrogate(JsonException exception) =>
        exception is UnpairedSurrogateException
        || exception.InnerException is InvalidOperationException inner && inner.Message.Contains("UTF-16", StringComparison.Ordinal);

    /// <summary>Text that is not JSON at all: a syntax error, or bytes that are not UTF-8 inside a string.</summary>
    private static bool IsUnreadable(JsonException exception)
    {
        if (exception.InnerException is JsonException)
        {
            return true;
        }

        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is System.Text.DecoderFallbackException)
            {
                return true;
            }
        }

        return false;
    }

    private static JsonException? FindJsonException(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is JsonException json)
            {
                return json;
            }
        }

        return null;
    }

    private static ObjectResult Envelope(ErrorEnvelope envelope) => new(envelope)
    {
        StatusCode = envelope.Code,
        ContentTypes = { "application/json" },
    };
}
