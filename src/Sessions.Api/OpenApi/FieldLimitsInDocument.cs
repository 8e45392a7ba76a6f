using System.Reflection;
using System.Text.Json;
using NJsonSchema;
using NJsonSchema.Generation;
using Sessions.Application.Common.Validation;
using Sessions.Application.Sessions;
using Sessions.Application.Transcripts;
using Sessions.Domain.Common;

namespace Sessions.Api.OpenApi;

/// <summary>
/// Writes the limits of a request body's properties that the validators enforce: each
/// <see cref="MaxCharsAttribute"/> as <c>maxLength</c> (and <c>minLength</c>), each
/// <see cref="CountAttribute"/> as <c>minItems</c> and <c>maxItems</c>, each
/// <see cref="NumberRangeAttribute"/> and <see cref="CostAttribute"/> as <c>minimum</c> and
/// <c>maximum</c> (a cost below 10^10, exclusively), each <see cref="TokenSumAttribute"/> as an
/// integer with no format, each <see cref="PatternAttribute"/>
/// as <c>pattern</c>, each <see cref="LabelMapAttribute"/> as the map's and its lists' sizes, and each
/// <see cref="RequiredFieldAttribute"/> as a required property that is not null (nor, for a list, are its items).
/// </summary>
public sealed class FieldLimitsInDocument : ISchemaProcessor
{
    public void Process(SchemaProcessorContext context)
    {
        var type = context.ContextualType.Type;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name);
            if (!context.Schema.Properties.TryGetValue(name, out var schema))
            {
                continue;
            }

            Attribute<MaxCharsAttribute>(type, property)?.WriteTo(schema);

            if (Attribute<NumberRangeAttribute>(type, property) is { } range)
            {
                schema.Minimum = range.Minimum;
                if (range.Maximum != long.MaxValue)
                {
                    schema.Maximum = range.Maximum;
                }
            }

            if (Attribute<PatternAttribute>(type, property) is { } pattern)
            {
                schema.Pattern = pattern.Pattern;
            }

            if (Attribute<CostAttribute>(type, property) is not null)
            {
                // Below 10^10 with at most ten decimal places (the description says so): as
                // multipleOf 1e-10, floating-point validators would refuse costs the service takes,
                // and 9,999,999,999.9999999999 reads as 10^10 in a double.
                schema.Minimum = 0;
                schema.Maximum = decimal.Ceiling(TranscriptRules.MaxCostUsd);
                schema.IsExclusiveMaximum = true;
            }

            if (Attribute<TokenSumAttribute>(type, property) is not null)
            {
                schema.Type = JsonObjectType.Integer;
                schema.Format = null;
            }

            if (Attribute<LabelMapAttribute>(type, property) is not null && schema.AdditionalPropertiesSchema is { } values)
            {
                // At most 20 distinct values: a repeated value is dropped, not counted, so the list's
                // own length is not bounded (its description says so).
                schema.MaxProperties = SessionRules.MaxLabelKeys;
                values.MinItems = 1;
                values.Description = $"1 to {SessionRules.MaxLabelValues} distinct values; a repeated value is dropped.";
                if (values.Item is { } value)
                {
                    value.MinLength = 1;
                    value.MaxLength = FieldLimits.LabelValue;
                    value.Pattern = ValidationRules.NoTrailingSpacePattern;
                    value.IsNullableRaw = false;
                }
            }

            if (Attribute<CountAttribute>(type, property) is { } count)
            {
                count.WriteTo(schema);
                if (schema.Item is { } counted)
                {
                    counted.IsNullableRaw = false;
                }
            }

            if (Attribute<RequiredFieldAttribute>(type, property) is not null)
            {
                context.Schema.RequiredProperties.Add(name);
                schema.IsNullableRaw = false;
                if (schema.Item is { } item)
                {
                    item.IsNullableRaw = false;
                }
            }
        }
    }

    /// <summary>The attribute on the property, or on the constructor parameter of a positional record.</summary>
    private static T? Attribute<T>(Type type, PropertyInfo property)
        where T : Attribute =>
        property.GetCustomAttribute<T>()
        ?? type.GetConstructors()
            .SelectMany(c => c.GetParameters())
            .FirstOrDefault(p => p.Name == property.Name)?
            .GetCustomAttribute<T>();
}
