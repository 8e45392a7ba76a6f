using NJsonSchema.Generation;

namespace Sessions.Api.OpenApi;

/// <summary>
/// Answers always carry every documented property (nullable ones as null), so their schemas mark
/// every property required; request bodies (types named <c>*Request</c>) keep their optional fields.
/// Generated clients then type answers without optional markers.
/// </summary>
public sealed class AnswersCarryEveryProperty : ISchemaProcessor
{
    public void Process(SchemaProcessorContext context)
    {
        if (context.ContextualType.Type.Name.EndsWith("Request", StringComparison.Ordinal))
        {
            return;
        }

        foreach (var (name, property) in context.Schema.Properties)
        {
            if (context.ContextualType.Type == typeof(Errors.ErrorEnvelope) && name == "errors")
            {
                continue;
            }

            property.IsRequired = true;
        }
    }
}
