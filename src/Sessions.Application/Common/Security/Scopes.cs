namespace Sessions.Application.Common.Security;

/// <summary>The OAuth scopes this service understands.</summary>
public static class Scopes
{
    public const string SessionsRead = "sessions:read";
    public const string SessionsWrite = "sessions:write";
    public const string SessionsEvaluate = "sessions:evaluate";
    public const string Admin = "admin";
}
