using System.Reflection;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using NJsonSchema;
using NSwag;
using NSwag.Generation.Processors;
using NSwag.Generation.AspNetCore;
using NSwag.Generation.Processors.Contexts;
using Sessions.Application.Sessions.List;
using Sessions.Application.Transcripts;
using Sessions.Domain.Groups;
using Sessions.Domain.Sessions;

namespace Sessions.Api.OpenApi;

/// <summary>
/// Writes what the contract says of query parameters that the binding types cannot tell the
/// document: a numeric parameter's range and default (<see cref="BoundsAttribute"/>), a text's
/// length (<see cref="MaxCharsAttribute"/>), how many values a repeated parameter takes
/// (<see cref="CountAttribute"/>), the values an enumerated parameter takes, as the enumeration's own schema (the wire's
/// strings, under the enum's name, the one answers use), so a generated client types it as those
/// strings, and the parameters an
/// operation requires (<see cref="RequiredFieldAttribute"/>, as on request bodies). The validators enforce the same rules (422 at the parameter); this only
/// documents them.
/// </summary>
public sealed class QueryParametersInDocument : IOperationProcessor
{
    private static readonly Dictionary<string, Type> Enumerations = new()
    {
        ["sort_by"] = typeof(SessionSortField),
        ["sort_dir"] = typeof(SortDirection),
        ["archived"] = typeof(ArchivedFilter),
        ["origin"] = typeof(SessionOrigin),
        ["format"] = typeof(TrajectoryFormat),
        ["status"] = typeof(GroupStatus),
        ["kind"] = typeof(GroupKind),
    };

    public bool Process(OperationProcessorContext context)
    {
        var bounds = Attributes<BoundsAttribute>(context);
        var required = Attributes<RequiredFieldAttribute>(context);
        var lengths = Attributes<MaxCharsAttribute>(context);
        var counts = Attributes<CountAttribute>(context);
        foreach (var parameter in context.OperationDescription.Operation.Parameters.Where(p => p.Kind == OpenApiParameterKind.Query))
        {
            if (lengths.TryGetValue(parameter.Name, out var length) && parameter.Schema is { } text)
            {
                length.WriteTo(text);
            }

            if (counts.TryGetValue(parameter.Name, out var count) && parameter.Schema is { Item: not null } list)
            {
                count.WriteTo(list);
            }

            if (bounds.TryGetValue(parameter.Name, out var range) && parameter.Schema is { } numeric)
            {
                numeric.Minimum = range.Minimum;
                numeric.Maximum = range.Maximum == long.MaxValue ? null : range.Maximum;
                numeric.Default = range.Default;
            }

            if (required.ContainsKey(parameter.Name))
            {
                parameter.IsRequired = true;
                parameter.IsNullableRaw = false;
                if (parameter.Schema is { } value)
                {
                    value.IsNullableRaw = false;
                }
            }

            if (Enumerations.TryGetValue(parameter.Name, out var type) && parameter.Schema is { } schema)
            {
                // A single value stays nullable (a caller passes null to leave the parameter out);
                // a repeated one's items do not (each item is sent, and an empty one is 422).
                var named = new JsonSchema { Reference = context.SchemaGenerator.Generate(type, context.SchemaResolver), IsNullableRaw = schema.Item is null };
                if (schema.Item is not null)
                {
                    schema.Item = named;
                }
                else
                {
                    parameter.Schema = named;
                }
            }
        }

        return true;
    }

    /// <summary>The attribute of each query parameter that has one, on an action's parameter or on a property of its parameter object.</summary>
    private static Dictionary<string, T> Attributes<T>(OperationProcessorContext context)
        where T : Attribute
    {
        var found = new Dictionary<string, T>(StringComparer.Ordinal);
        if (context is not AspNetCoreOperationProcessorContext { ApiDescription: { } description })
        {
            return found;
        }

        foreach (var parameter in description.ParameterDescriptions.Where(p => p.Source == BindingSource.Query))
        {
            var attribute = parameter.ModelMetadata is { ContainerType: { } container, PropertyName: { } property }
                ? container.GetProperty(property)?.GetCustomAttribute<T>()
                : (parameter.ParameterDescriptor as ControllerParameterDescriptor)?.ParameterInfo.GetCustomAttribute<T>();
            if (attribute is not null)
            {
                found[parameter.Name] = attribute;
            }
        }

        return found;
    }
}
