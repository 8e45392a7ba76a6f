using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Sessions.Infrastructure.Persistence.Providers;

/// <summary>
/// On PostgreSQL, appends a save's upserts of kept sums (the facet counts a create, an archive or a
/// relabel moves, the usage day an append adds to; those of a few fixed forms,
/// <see cref="RowWriter.Statement.Prepared"/>) to the first command of EF Core's batch, behind its
/// writes: they reach the server in the round trip of the save's own rows instead of one each, which
/// an append spends under its session's turn (ADR 0090). Npgsql sends a command's statements
/// together and reads their results in order; EF Core reads those of its own statements, and
/// Npgsql reads the rest as the reader closes, failing the save with any error they met. Their
/// parameters are named apart from EF Core's (<c>@c</c>, <c>@u</c> against <c>@p</c>), and a save has
/// at most one statement of each.
/// </summary>
internal sealed class KeptSumsInTheSaveBatch : DbCommandInterceptor
{
    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Carry(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Carry(command, eventData);
        return ValueTask.FromResult(result);
    }

    private static void Carry(DbCommand command, CommandEventData eventData)
    {
        if (eventData.CommandSource != CommandSource.SaveChanges || eventData.Context is not SessionsDbContext db)
        {
            return;
        }

        var riders = db.TakeRiders();
        if (riders.Count == 0)
        {
            return;
        }

        command.CommandText = string.Join('\n', [command.CommandText.TrimEnd(), .. riders.Select(rider => rider.Sql)]);
        foreach (var parameter in riders.SelectMany(rider => rider.Parameters))
        {
            command.Parameters.Add(parameter);
        }
    }
}
