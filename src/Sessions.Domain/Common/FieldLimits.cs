namespace Sessions.Domain.Common;

/// <summary>
/// How long each stored text may be, in UTF-16 characters, declared once: the validators refuse
/// longer input, the database columns are sized by them, and the OpenAPI document states them as
/// <c>maxLength</c>.
/// </summary>
public static class FieldLimits
{
    public const int SessionTitle = 255;
    public const int SessionModel = 255;
    public const int SessionAgent = 255;
    public const int LabelKey = 64;
    public const int LabelValue = 256;

    /// <summary>How much of the first user message a session keeps as its preview.</summary>
    public const int Preview = 200;

    public const int MessageContent = 2 * 1024 * 1024;

    /// <summary>A tool call's id and name, and a tool message's <c>tool_call_id</c>.</summary>
    public const int MessageIdentifier = 255;

    public const int SystemPrompt = 1024 * 1024;
    public const int ToolArguments = 2 * 1024 * 1024;
    public const int MessageMetadata = 64 * 1024;

    /// <summary>A group's title, capability, capability version and worker.</summary>
    public const int GroupText = 255;

    public const int GroupMetadata = 64 * 1024;
    public const int ItemType = 64;

    /// <summary>An item's title, dedupe key, capability, capability version, span id and trace id.</summary>
    public const int ItemText = 255;

    /// <summary>An item's <c>ref</c> and <c>schema_ref</c>.</summary>
    public const int ItemReference = 1024;

    public const int ItemData = 1024 * 1024;
    public const int ItemDisposition = 64 * 1024;

    /// <summary>An organization's or workspace's slug (<see cref="Organizations.Slug.Pattern"/>).</summary>
    public const int Slug = 63;

    /// <summary>An organization's or workspace's display name.</summary>
    public const int OrganizationName = 255;

    public const int Email = 320;

    /// <summary>A user's full name or username, as cleaned from token claims.</summary>
    public const int DisplayName = 255;
}
