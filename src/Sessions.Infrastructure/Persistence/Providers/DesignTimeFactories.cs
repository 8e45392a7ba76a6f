using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Configuration;

namespace Sessions.Infrastructure.Persistence.Providers;

/// <summary>
/// Lets <c>dotnet ef</c> build each provider's context without starting the service. The
/// connection strings are placeholders: generating migrations and scripts opens no connection.
/// </summary>
internal static class DesignTime
{
    public static TContext Create<TContext>(DatabaseProvider provider, string connectionString, Func<DbContextOptions<TContext>, TContext> create)
        where TContext : DbContext
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:Provider"] = provider.ToString(),
                ["ConnectionStrings:Sessions"] = connectionString,
            })
            .Build();
        var builder = new DbContextOptionsBuilder<TContext>();
        DatabaseOptions.FromConfiguration(configuration).Configure(builder);
        return create(builder.Options);
    }
}

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteSessionsDbContext>
{
    public SqliteSessionsDbContext CreateDbContext(string[] args) =>
        DesignTime.Create<SqliteSessionsDbContext>(DatabaseProvider.Sqlite, "Data Source=design.db", options => new(options));
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresSessionsDbContext>
{
    public PostgresSessionsDbContext CreateDbContext(string[] args) =>
        DesignTime.Create<PostgresSessionsDbContext>(DatabaseProvider.Postgres, "Host=localhost;Database=sessions_design", options => new(options));
}

internal sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerSessionsDbContext>
{
    public SqlServerSessionsDbContext CreateDbContext(string[] args) =>
        DesignTime.Create<SqlServerSessionsDbContext>(DatabaseProvider.SqlServer, "Server=localhost;Database=sessions_design;Trusted_Connection=True;TrustServerCertificate=True", options => new(options));
}
