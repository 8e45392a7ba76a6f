using System.Globalization;
using System.Numerics;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Sessions.Api.Controllers;

/// <summary>
/// Integers in a path or query (<c>limit</c>, <c>page</c>, <c>after_seq</c>) are read as JSON writes
/// them: decimal digits with an optional minus sign. ASP.NET Core's own binder also takes
/// hexadecimal (<c>0x10</c>, <c>#10</c>, <c>&amp;h10</c>), a plus sign and surrounding white space,
/// none of which a client of this API is told it may send; those are 422 at the parameter.
/// </summary>
public sealed class DecimalIntegers : IModelBinderProvider
{
    public IModelBinder? GetBinder(ModelBinderProviderContext context)
    {
        if (context.BindingInfo.BindingSource == BindingSource.Body)
        {
            return null;
        }

        var nullable = context.Metadata.IsReferenceOrNullableType;
        var type = context.Metadata.UnderlyingOrModelType;
        return type == typeof(int) ? new ParsedValueBinder<int>(nullable, TryParse)
            : type == typeof(long) ? new ParsedValueBinder<long>(nullable, TryParse)
            : null;
    }

    /// <summary>Decimal digits, after a minus sign or none, of a value the type holds.</summary>
    private static bool TryParse<T>(string? text, out T value)
        where T : struct, IBinaryInteger<T>
    {
        var digits = text is ['-', .. var rest] ? rest : text;
        value = default;
        return digits is { Length: > 0 } && !digits.AsSpan().ContainsAnyExceptInRange('0', '9')
            && T.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }
}
