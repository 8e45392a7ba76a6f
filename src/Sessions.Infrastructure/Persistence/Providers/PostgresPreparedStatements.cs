using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Sessions.Infrastructure.Persistence.Providers;

/// <summary>
/// Prepares on PostgreSQL the statements tagged <see cref="Tag"/> (the one-session read and the
/// lock-and-load that every GET and every command about one session run, the sessions of a list
/// page or a group by their ids, an unfiltered list page's count and ids, ADR 0028; the upserts of
/// kept sums that a change of one session makes, <see cref="RowWriter.KeptSums"/>) and the
/// statements of EF Core's saves (ADR 0087). Npgsql keeps a prepared statement per physical
/// connection, so each is parsed once per connection instead of on every request, and PostgreSQL
/// plans it once when its plan does not depend on its values. Only statements of a few fixed forms
/// are prepared: a filtered list or a search comes in as many forms as its filters, and a plan
/// made once for all its values could fit some badly. A save's statements insert, update or delete
/// rows by their keys, one statement per row whose text names the columns it writes (Npgsql
/// numbers each statement's parameters from one, so the same write of any row of a batch is one
/// statement): their forms are as many as the changes the model makes, and their plans find a row
/// by its key whatever the values. A tagged statement's parameters are made positional first
/// (<see cref="PositionalParameters"/>), so Npgsql's preparation does not read its text for them.
/// </summary>
internal sealed class PostgresPreparedStatements : DbCommandInterceptor
{
    public const string Tag = "prepared";

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        if (Prepares(command, eventData))
        {
            command.Prepare();
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (Prepares(command, eventData))
        {
            await command.PrepareAsync(cancellationToken);
        }

        return result;
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        if (Prepares(command, eventData))
        {
            command.Prepare();
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (Prepares(command, eventData))
        {
            await command.PrepareAsync(cancellationToken);
        }

        return result;
    }

    /// <summary>
    /// Whether the command is to be prepared: a tagged one, whose parameters are made positional on
    /// the way, or a save's.
    /// </summary>
    private static bool Prepares(DbCommand command, CommandEventData eventData)
    {
        if (QueryTags.Has(command, Tag))
        {
            PositionalParameters.Apply(command);
            return true;
        }

        return eventData.CommandSource == CommandSource.SaveChanges;
    }
}
