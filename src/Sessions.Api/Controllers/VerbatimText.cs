using Microsoft.AspNetCore.Mvc.ModelBinding.Metadata;

namespace Sessions.Api.Controllers;

/// <summary>
/// Text that is matched as sent binds as sent. ASP.NET Core's binder turns a value of white space
/// alone into none, which suits a parameter of one value (<c>?sort_by=</c> is as if absent,
/// docs/api.md) but not text a client matches: a search for two spaces (<c>q=%20%20</c>) was
/// refused as missing, and a repeatable filter could not name a model or agent of spaces that the
/// facets offer. The values of a repeatable parameter (bound as their element type) and a
/// parameter marked <see cref="VerbatimAttribute"/> keep their white space.
/// </summary>
public sealed class VerbatimText : IDisplayMetadataProvider
{
    public void CreateDisplayMetadata(DisplayMetadataProviderContext context)
    {
        if (context.Key.ModelType == typeof(string)
            && (context.Key.MetadataKind == ModelMetadataKind.Type || context.Attributes.OfType<VerbatimAttribute>().Any()))
        {
            context.DisplayMetadata.ConvertEmptyStringToNull = false;
        }
    }
}

/// <summary>A text parameter bound as sent, white space alone included (<see cref="VerbatimText"/>).</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property)]
public sealed class VerbatimAttribute : Attribute;
