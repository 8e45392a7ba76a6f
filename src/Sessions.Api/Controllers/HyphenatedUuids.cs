using Microsoft.AspNetCore.Mvc.ModelBinding;
using Sessions.Application.Sessions;

namespace Sessions.Api.Controllers;

/// <summary>
/// UUIDs in a path or query (<c>group_id</c>, <c>user_id</c>, <c>after_id</c>) are read in the one
/// spelling CONTRACT 4 names: 36 characters with hyphens, in any letter case. ASP.NET Core's own
/// binder also takes 32 bare digits and the braced and parenthesized forms, which the contract does
/// not; those are 422 at the parameter, as any value that is no UUID. The spelling is
/// <see cref="SessionReference.TryParseFullId"/>'s, as for a full session id. (Bodies are read by
/// System.Text.Json, which takes the hyphenated form only.)
/// </summary>
public sealed class HyphenatedUuids : IModelBinderProvider
{
    public IModelBinder? GetBinder(ModelBinderProviderContext context) =>
        context.Metadata.UnderlyingOrModelType == typeof(Guid) && context.BindingInfo.BindingSource != BindingSource.Body
            ? new ParsedValueBinder<Guid>(context.Metadata.IsReferenceOrNullableType, SessionReference.TryParseFullId)
            : null;
}
