using System.Reflection;
using System.Text.Json;
using NJsonSchema.Generation;

namespace Sessions.Api.OpenApi;

/// <summary>
/// Writes each <see cref="MaxCharsAttribute"/> of a request body as the <c>maxLength</c> of its
/// property, each <see cref="CountAttribute"/> as its <c>minItems</c> and <c>maxItems</c>, and each <see cref="RequiredFieldAttribute"/> as a required property that is not null
/// (nor, for a list, are its items).
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

            if (Attribute<MaxCharsAttribute>(type, property) is { } limit)
            {
                schema.MaxLength = limit.Length;
            }

            if (Attribute<CountAttribute>(type, property) is { } count)
            {
                schema.MinItems = count.Minimum;
                schema.MaxItems = count.Maximum;
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
