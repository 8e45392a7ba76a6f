using System.Reflection;
using System.Text.Json;
using NJsonSchema.Generation;

namespace Sessions.Api.OpenApi;

/// <summary>Writes each <see cref="MaxCharsAttribute"/> of a request body as the <c>maxLength</c> of its property.</summary>
public sealed class FieldLimitsInDocument : ISchemaProcessor
{
    public void Process(SchemaProcessorContext context)
    {
        var type = context.ContextualType.Type;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var limit = property.GetCustomAttribute<MaxCharsAttribute>() ?? ConstructorParameterLimit(type, property.Name);
            if (limit is not null && context.Schema.Properties.TryGetValue(JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name), out var schema))
            {
                schema.MaxLength = limit.Length;
            }
        }
    }

    /// <summary>A positional record's attribute sits on its constructor parameter.</summary>
    private static MaxCharsAttribute? ConstructorParameterLimit(Type type, string name) =>
        type.GetConstructors()
            .SelectMany(c => c.GetParameters())
            .FirstOrDefault(p => p.Name == name)?
            .GetCustomAttribute<MaxCharsAttribute>();
}
