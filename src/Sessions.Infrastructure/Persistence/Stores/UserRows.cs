using Microsoft.EntityFrameworkCore;
using Sessions.Domain.Users;

namespace Sessions.Infrastructure.Persistence.Stores;

/// <summary>
/// A user's row is created by whichever request needs it first: the user's own first request
/// (with the token's profile) or an admin adding them (without one), possibly at the same moment.
/// </summary>
internal static class UserRows
{
    /// <summary>
    /// Inserts the row unless one with its id exists (on PostgreSQL waiting for a concurrent insert
    /// of the same id to end); whether it inserted it.
    /// </summary>
    public static async Task<bool> InsertIfAbsentAsync(SessionsDbContext db, User user, CancellationToken cancellationToken)
    {
        var columns = RowWriter.Columns(db.Model.FindEntityType(typeof(User))!);
        var columnNames = columns.Select(c => c.Name).ToList();
        var names = string.Join(", ", columnNames);
        await using var factory = db.Database.GetDbConnection().CreateCommand();
        var row = RowWriter.ValueLists(factory, columns, [user], "n", int.MaxValue).Single();
        var key = row.Name(0, columnNames.IndexOf("id"));
        var sql = db.Provider == DatabaseProvider.SqlServer
            ? $"INSERT INTO users ({names}) SELECT * FROM (VALUES {row.Rows}) AS v ({names}) WHERE NOT EXISTS (SELECT 1 FROM users WITH (UPDLOCK, HOLDLOCK) WHERE id = {key});"
            : $"INSERT INTO users ({names}) VALUES {row.Rows} ON CONFLICT (id) DO NOTHING;";
        return await db.Database.ExecuteSqlRawAsync(sql, row.Parameters, cancellationToken) > 0;
    }
}
