using Microsoft.EntityFrameworkCore;

namespace Sessions.Infrastructure.Persistence.Providers;

/// <summary>The SQLite model and migration set (the embedded default).</summary>
public sealed class SqliteSessionsDbContext(DbContextOptions<SqliteSessionsDbContext> options)
    : SessionsDbContext(options, DatabaseProvider.Sqlite);

/// <summary>The PostgreSQL model and migration set.</summary>
public sealed class PostgresSessionsDbContext(DbContextOptions<PostgresSessionsDbContext> options)
    : SessionsDbContext(options, DatabaseProvider.Postgres);

/// <summary>The SQL Server model and migration set.</summary>
public sealed class SqlServerSessionsDbContext(DbContextOptions<SqlServerSessionsDbContext> options)
    : SessionsDbContext(options, DatabaseProvider.SqlServer);
