using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Sessions.Infrastructure.Persistence.Stores;

/// <summary>
/// A compiled query, compiled once for each model it runs with. EF Core binds a compiled query to
/// the model of its first run and refuses any other; a service runs one model, but a process can
/// hold several (one per provider, one per test host), and a single compiled query would answer
/// only for whichever ran it first.
/// </summary>
internal sealed class CompiledPerModel<TQuery>(Func<SessionsDbContext, TQuery> compile)
    where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> byModel = new();

    /// <summary>A query whose lambda does not depend on the context that first runs it.</summary>
    public CompiledPerModel(Func<TQuery> compile)
        : this(_ => compile())
    {
    }

    /// <summary>
    /// The query for <paramref name="db"/>'s model, created on the model's first call, from that
    /// call's context (two first calls at once may both create one; one is kept). EF Core compiles
    /// it on its first run.
    /// </summary>
    public TQuery For(SessionsDbContext db) =>
        byModel.TryGetValue(db.Model, out var query) ? query : byModel.GetValue(db.Model, _ => compile(db));
}
