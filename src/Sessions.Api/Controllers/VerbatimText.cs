using Microsoft.AspNetCore.Mvc.ModelBinding.Metadata;

namespace Sessions.Api.Controllers;

/// <summary>
/// Text in a path, query or header is bound as sent: ASP.NET Core's binder turns a value of white
/// space alone into none, so a search for two spaces (<c>q=%20%20</c>) was refused as missing and a
/// filter could not name a stored value of spaces that the facets offer. Each rule that ignores
/// white space says so itself (a blank <c>search</c> is no filter, a blank <c>If-Match</c> is none).
/// </summary>
public sealed class VerbatimText : IDisplayMetadataProvider
{
    public void CreateDisplayMetadata(DisplayMetadataProviderContext context)
    {
        if (context.Key.ModelType == typeof(string))
        {
            context.DisplayMetadata.ConvertEmptyStringToNull = false;
        }
    }
}
