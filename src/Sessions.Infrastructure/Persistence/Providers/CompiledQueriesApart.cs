using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query.Internal;
using Microsoft.Extensions.Caching.Memory;

namespace Sessions.Infrastructure.Persistence.Providers;

#pragma warning disable EF1001 // EF Core's compiled-query cache is internal API; deriving from it is the one way to give it a memory of its own.

/// <summary>
/// EF Core's compiled queries in a memory of their own. EF Core keeps them in one memory cache
/// with the command templates it makes of them, one for each pattern of null parameters a query
/// is run with (1,024 entries of either kind). A listing's absent filters are null parameters (ADR
/// 0055), so a stream of listings of varied filters makes templates enough to push the compiled
/// queries out, and compiling a query again costs many times what making a template does. Here
/// the compiled queries keep EF Core's 1,024 places to themselves (its entry size of 10 in a
/// cache of 10,240) and the templates keep the shared cache. The memory is the singleton's: one
/// per EF Core internal service provider, as the shared cache is (EF Core keeps those providers for
/// the process's life; the memory is released with its provider).
/// </summary>
internal sealed class CompiledQueriesApart : CompiledQueryCache, IDisposable
{
    /// <summary>EF Core's own bound: its shared cache's size, in which each compiled query counts 10.</summary>
    private const long SizeLimit = 10_240;

    private readonly MemoryCache _queries;

    public CompiledQueriesApart()
        : this(new MemoryCache(new MemoryCacheOptions { SizeLimit = SizeLimit }))
    {
    }

    private CompiledQueriesApart(MemoryCache queries)
        : base(queries) => _queries = queries;

    /// <summary>Makes the contexts built with <paramref name="builder"/> keep their compiled queries apart.</summary>
    public static void Use(DbContextOptionsBuilder builder) =>
        builder.ReplaceService<ICompiledQueryCache, CompiledQueriesApart>();

    public void Dispose() => _queries.Dispose();
}
