using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Sessions.Infrastructure.Persistence.Providers;

/// <summary>
/// Prepares the statements of queries tagged <see cref="Tag"/> on PostgreSQL: the one-session read
/// and the lock-and-load that every GET and every command about one session run, the sessions of a
/// list page or a group by their ids, and an unfiltered list page's count and ids (ADR 0028).
/// Npgsql keeps a prepared statement per physical connection, so each is parsed once per
/// connection instead of on every request, and PostgreSQL plans it once when its plan does not
/// depend on its values. Only statements of a few fixed forms are tagged: a filtered list or a
/// search comes in as many forms as its filters, and a plan made once for all its values could fit
/// some badly. A tagged statement's parameters are made positional first
/// (<see cref="PositionalParameters"/>), so Npgsql's preparation does not read its text for them.
/// </summary>
internal sealed class PostgresPreparedStatements : DbCommandInterceptor
{
    public const string Tag = "prepared";

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        if (QueryTags.Has(command, Tag))
        {
            PositionalParameters.Apply(command);
            command.Prepare();
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (QueryTags.Has(command, Tag))
        {
            PositionalParameters.Apply(command);
            await command.PrepareAsync(cancellationToken);
        }

        return result;
    }
}
