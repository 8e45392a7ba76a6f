namespace Sessions.Infrastructure.Persistence;

/// <summary>The database engines the service runs on, chosen by <c>Database:Provider</c>.</summary>
public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
    Postgres,
}
