using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Sessions.Infrastructure.Persistence.Providers;

/// <summary>
/// Prepares the statements of queries tagged <see cref="Tag"/> on PostgreSQL: the one-session read
/// and the lock-and-load that every GET and every command about one session run. Npgsql keeps a
/// prepared statement per physical connection, so each is parsed and planned once per connection
/// instead of on every request. Only these statements: their plans (a primary-key lookup) do not
/// depend on their parameters, while a list or a search planned once for all parameters could pick
/// a plan that fits some values badly.
/// </summary>
internal sealed class PostgresPreparedStatements : DbCommandInterceptor
{
    public const string Tag = "prepared";

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        if (QueryTags.Has(command, Tag))
        {
            command.Prepare();
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (QueryTags.Has(command, Tag))
        {
            await command.PrepareAsync(cancellationToken);
        }

        return result;
    }
}
