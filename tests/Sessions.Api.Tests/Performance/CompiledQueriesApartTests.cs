using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Query.Internal;
using Microsoft.Extensions.Caching.Memory;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Infrastructure.Persistence.Providers;

namespace Sessions.Api.Tests.Performance;

#pragma warning disable EF1001 // EF Core's compiled-query cache is internal API: the service derives its own from it.

/// <summary>
/// EF Core's compiled queries keep a memory of their own: the command templates EF Core makes for
/// each pattern of null parameters (a listing's absent filters, ADR 0055) fill the shared cache
/// without pushing a compiled query out of it.
/// </summary>
[Collection(SharedApiCollection.Name)]
public sealed class CompiledQueriesApartTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public void ACompiledQuery_IsNotCompiledAgain_WhenTheSharedCacheIsEmptied()
    {
        Assert.Equal(2, CompilationsAcrossAnEmptiedSharedCache(apart: false));
        Assert.Equal(1, CompilationsAcrossAnEmptiedSharedCache(apart: true));
    }

    [Fact]
    public Task TheServicesContexts_KeepTheirCompiledQueriesApart() => Factory.WithDbAsync(db =>
    {
        Assert.IsType<CompiledQueriesApart>(db.GetService<ICompiledQueryCache>());
        return Task.CompletedTask;
    });

    /// <summary>
    /// Runs one query, empties EF Core's shared memory cache (what templates enough do to its
    /// oldest entries), runs the query again, and counts the compilations: on a SQLite database in
    /// memory, with an EF Core service provider of its own (no other test's queries in its caches).
    /// </summary>
    private static int CompilationsAcrossAnEmptiedSharedCache(bool apart)
    {
        var compilations = 0;
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        var builder = new DbContextOptionsBuilder<NotesContext>()
            .UseSqlite(connection)
            .EnableServiceProviderCaching(false)
            .LogTo(_ => compilations++, [CoreEventId.QueryCompilationStarting]);
        if (apart)
        {
            CompiledQueriesApart.Use(builder);
        }

        using var db = new NotesContext(builder.Options);
        db.Database.EnsureCreated();
        var text = "a note";
        Assert.Equal(0, db.Notes.Count(n => n.Text == text));
        ((MemoryCache)db.GetService<IMemoryCache>()).Compact(1.0);
        Assert.Equal(0, db.Notes.Count(n => n.Text == text));
        return compilations;
    }

    private sealed class NotesContext(DbContextOptions<NotesContext> options) : DbContext(options)
    {
        public DbSet<Note> Notes => Set<Note>();
    }

    private sealed class Note
    {
        public int Id { get; set; }

        public string Text { get; set; } = string.Empty;
    }
}
