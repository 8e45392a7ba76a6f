using System.Data.Common;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Sessions.Application.Common.Persistence;
using Sessions.Domain.Common;

namespace Sessions.Infrastructure.Persistence;

/// <summary>Reads provider exceptions (wrapped or not) into the failures the contract names.</summary>
internal sealed class DatabaseErrorClassifier : IDatabaseErrorClassifier
{
    private const int SqliteBusy = 5;
    private const int SqliteError = 1;
    private const int SqliteLocked = 6;
    private const int SqliteReadOnly = 8;
    private const int SqliteInterrupt = 9;
    private const int SqliteIoError = 10;
    private const int SqliteCorrupt = 11;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;
    private const int SqliteNotADatabase = 26;
    private const int SqliteTooBig = 18;
    private const int SqliteConstraint = 19;
    private const int SqlServerTimeout = -2;
    private const int SqlServerDeadlockVictim = 1205;
    private const int SqlServerLockTimeout = 1222;
    private const int SqlServerTruncation = 8152;
    private const int SqlServerTruncationWithColumn = 2628;
    private const int SqlServerArithmeticOverflow = 8115;

    /// <summary>The namespaces of the drivers' exceptions, as text (see <see cref="FromDriver"/>).</summary>
    internal const string SqliteNamespace = "Microsoft.Data.Sqlite";
    internal const string NpgsqlNamespace = "Npgsql";
    internal const string SqlClientNamespace = "Microsoft.Data.SqlClient";

    private static Error Unavailable { get; } = new(ErrorType.DependencyUnavailable, "The database could not be reached; try again shortly.");

    /// <summary>Input the validators let through but the database refuses (too long, not encodable): the client's to fix.</summary>
    private static Error Unstorable { get; } = Error.Validation(
        [new FieldError([], "holds a value the database cannot store (too long, out of range, or characters it cannot encode)", FieldProblem.InvalidValue)]);

    private static Error TimedOut { get; } = new(ErrorType.DependencyTimedOut, "The database did not answer in time; try again shortly.");

    public Error? Classify(Exception exception)
    {
        if (exception is DbUpdateConcurrencyException)
        {
            return Error.Conflict("The session was changed by another request at the same time; retry.");
        }

        for (var current = exception; current is not null; current = current.InnerException)
        {
            var error = current switch
            {
                TimeoutException => TimedOut,
                DbException driver => FromDriver(driver),
                SocketException => Unavailable,
                System.Text.EncoderFallbackException => Unstorable,
                _ => null,
            };
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    /// <summary>
    /// A driver's exception, read by that driver's method, chosen by the exception's namespace: a
    /// method that names a driver's types loads its assembly when it is compiled, and reading one
    /// driver's exceptions names no other driver (ADR 0078).
    /// </summary>
    private static Error? FromDriver(DbException exception) => exception.GetType().Namespace switch
    {
        SqliteNamespace => FromSqlite(exception),
        NpgsqlNamespace => FromNpgsql(exception),
        SqlClientNamespace => FromSqlServer(exception),
        _ => null,
    };

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Error? FromNpgsql(DbException exception) => exception switch
    {
        PostgresException postgres => FromPostgres(postgres),
        NpgsqlException npgsql when npgsql.InnerException is TimeoutException => TimedOut,
        NpgsqlException npgsql when npgsql.InnerException is SocketException or IOException || npgsql.IsTransient => Unavailable,
        _ => null,
    };

    private static Error? FromPostgres(PostgresException exception) => exception.SqlState switch
    {
        PostgresErrorCodes.UniqueViolation => Duplicate,
        PostgresErrorCodes.StringDataRightTruncation or PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter
            or PostgresErrorCodes.NumericValueOutOfRange or PostgresErrorCodes.ProgramLimitExceeded => Unstorable,
        PostgresErrorCodes.QueryCanceled or PostgresErrorCodes.LockNotAvailable => TimedOut,
        PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow => Unavailable,
        PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected =>
            Error.Conflict("The request collided with another one; retry."),
        _ when exception.SqlState.StartsWith("08", StringComparison.Ordinal) => Unavailable,

        // The server refusing the configured login (class 28) or database (3D000): the database
        // out of reach until the operator fixes the connection string, not a defect of a request.
        _ when exception.SqlState.StartsWith("28", StringComparison.Ordinal) || exception.SqlState == PostgresErrorCodes.InvalidCatalogName => Unavailable,

        // What else the server says may pass if tried again (too many clients, out of memory or
        // disk, an I/O error, a database not taking connections): the database failing to answer.
        _ when exception.IsTransient => Unavailable,
        _ => null,
    };

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Error? FromSqlite(DbException exception) => exception is not SqliteException sqlite ? null : sqlite.SqliteErrorCode switch
    {
        SqliteConstraint when sqlite.SqliteExtendedErrorCode is 1555 or 2067 => Duplicate,
        SqliteBusy or SqliteLocked => TimedOut,

        // A statement stopped past the command timeout or for a caller who left (SqliteStatementDeadline).
        SqliteInterrupt => TimedOut,
        SqliteCantOpen or SqliteReadOnly or SqliteIoError or SqliteCorrupt or SqliteFull or SqliteNotADatabase => Unavailable,
        SqliteTooBig => Unstorable,

        // SQLite's SUM of integers past 64 bits (a group's usage), as PostgreSQL's NumericValueOutOfRange.
        SqliteError when sqlite.Message.Contains("integer overflow", StringComparison.Ordinal) => Unstorable,
        _ => null,
    };

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Error? FromSqlServer(DbException exception) => exception is not SqlException sql ? null : sql.Number switch
    {
        2627 or 2601 => Duplicate,
        SqlServerTruncation or SqlServerTruncationWithColumn or SqlServerArithmeticOverflow => Unstorable,
        SqlServerTimeout or SqlServerLockTimeout => TimedOut,
        SqlServerDeadlockVictim => Error.Conflict("The request collided with another one; retry."),
        53 or 40 or 233 or 10053 or 10054 or 10060 or 10061 or 4060 => Unavailable,
        _ => null,
    };

    private static Error Duplicate { get; } = new(ErrorType.AlreadyExists, "A record with this identity already exists.");
}
