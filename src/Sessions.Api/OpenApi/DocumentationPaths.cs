namespace Sessions.Api.OpenApi;

/// <summary>Where the API's documentation is served: Swagger UI and, under it, the OpenAPI document. It is the same for every caller.</summary>
public static class DocumentationPaths
{
    public const string Root = "/swagger";

    /// <summary>The last segment of the document's path, whatever the document's name.</summary>
    public const string DocumentFile = "swagger.json";

    public const string Document = Root + "/{documentName}/" + DocumentFile;
}
