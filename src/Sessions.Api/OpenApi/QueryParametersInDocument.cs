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
/// document: a numeric parameter's range and default (<see cref="BoundsAttribute"/>), the values an enumerated parameter takes, as the enumeration's own schema (the wire's
/// strings, under the enum's name, the one answers use), so a generated client types it as those
/// strings, and the parameters an
/// operation requires. The validators enforce the same rules (422 at the parameter); this only
/// documents them.
/// </summary>
public sealed class QueryParametersInDocument : IOperationProcessor
{
    /// <summary>Parameters required wherever they appear: the usage report's grouping (§5.8) and the message search's text (§5.3).</summary>
    private static readonly HashSet<string> Required = ["group_by", "q"];

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
        var bounds = Bounds(context);
        foreach (var parameter in context.OperationDescription.Operation.Parameters.Where(p => p.Kind == OpenApiParameterKind.Query))
        {
            if (bounds.TryGetValue(parameter.Name, out var range) && parameter.Schema is { } numeric)
            {
                numeric.Minimum = range.Minimum;
                numeric.Maximum = range.Maximum;
                numeric.Default = range.Default;
            }

            if (Required.Contains(parameter.Name))
            {
                parameter.IsRequired = true;
                parameter.IsNullableRaw = false;
                if (parameter.Schema is { } required)
                {
                    required.IsNullableRaw = false;
                }
            }

            if (Enumerations.TryGetValue(parameter.Name, out var type) && parameter.Schema is { } schema)
            {
                // Nullable as before: a caller may pass null to leave the parameter out.
                var named = new JsonSchema { Reference = context.SchemaGenerator.Generate(type, context.SchemaResolver), IsNullableRaw = true };
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

    /// <summary>The <see cref="BoundsAttribute"/> of each query parameter, on an action's parameter or on a property of its parameter object.</summary>
    private static Dictionary<string, BoundsAttribute> Bounds(OperationProcessorContext context)
    {
        var found = new Dictionary<string, BoundsAttribute>(StringComparer.Ordinal);
        if (context is not AspNetCoreOperationProcessorContext { ApiDescription: { } description })
        {
            return found;
        }

        foreach (var parameter in description.ParameterDescriptions.Where(p => p.Source == BindingSource.Query))
        {
            var attribute = parameter.ModelMetadata is { ContainerType: { } container, PropertyName: { } property }
                ? container.GetProperty(property)?.GetCustomAttribute<BoundsAttribute>()
                : (parameter.ParameterDescriptor as ControllerParameterDescriptor)?.ParameterInfo.GetCustomAttribute<BoundsAttribute>();
            if (attribute is not null)
            {
                found[parameter.Name] = attribute;
            }
        }

        return found;
    }
}
