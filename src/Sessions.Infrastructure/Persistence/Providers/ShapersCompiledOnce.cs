using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.EntityFrameworkCore.Sqlite.Query.Internal;
using Npgsql.EntityFrameworkCore.PostgreSQL.Query.Internal;

namespace Sessions.Infrastructure.Persistence.Providers;

#pragma warning disable EF1001 // The providers' query compilation contexts are internal API; deriving from them is the one way to see a query's executor before it is compiled.
#pragma warning disable EF9100 // The executor's expression and the constants' inlining are EF Core's precompiled-query API, used here as its own pipeline uses them.

/// <summary>
/// A query's executor with its nested lambdas compiled once, when the query is. EF Core builds a
/// query's executor as one expression in which the shaper (the code that turns a row into the
/// result) and a collection's key readers are lambdas nested in it; compiled as they are, every
/// run of the query turns each of them into a delegate again (<c>DynamicMethod.CreateDelegate</c>,
/// a twentieth of a GET's CPU on SQLite under load: <c>bench/results/2026-12-01-shapers-compiled-once.md</c>).
/// A nested lambda that uses nothing of the lambdas around it is the same delegate on every run, so
/// it is compiled once, innermost first, and the executor holds the delegate as a constant. A
/// lambda that uses a variable of an enclosing one is left as it is. On SQLite and PostgreSQL; SQL
/// Server's context, which this machine cannot run, is EF Core's own.
/// </summary>
internal static class ShapersCompiledOnce
{
    /// <summary>Makes the SQLite contexts built with <paramref name="builder"/> compile their queries so.</summary>
    public static void UseOnSqlite(DbContextOptionsBuilder builder) =>
        builder.ReplaceService<IQueryCompilationContextFactory, SqliteContexts>();

    /// <summary>Makes the PostgreSQL contexts built with <paramref name="builder"/> compile their queries so.</summary>
    public static void UseOnPostgres(DbContextOptionsBuilder builder) =>
        builder.ReplaceService<IQueryCompilationContextFactory, PostgresContexts>();

    /// <summary><paramref name="executor"/> with every nested lambda that closes over nothing replaced by its compiled delegate.</summary>
    public static Expression<Func<QueryContext, TResult>> Apply<TResult>(Expression<Func<QueryContext, TResult>> executor) =>
        executor.Update(new NestedLambdas().Visit(executor.Body), executor.Parameters);

    /// <summary>
    /// The executor with its constants inlined (what EF Core's own compilation does next, and then
    /// finds none left to inline), then <see cref="Apply{TResult}"/>: a nested lambda is compiled
    /// once its constants are in it.
    /// </summary>
    private static Expression<Func<QueryContext, TResult>> Inlined<TResult>(ILiftableConstantProcessor constants, Expression<Func<QueryContext, TResult>> executor, bool supportsPrecompiledQuery) =>
        Apply((Expression<Func<QueryContext, TResult>>)constants.InlineConstants(executor, supportsPrecompiledQuery));

    private sealed class NestedLambdas : ExpressionVisitor
    {
        protected override Expression VisitLambda<T>(Expression<T> node)
        {
            var lambda = node.Update(Visit(node.Body), node.Parameters);
            return ClosesOverNothing(lambda) ? Expression.Constant(lambda.Compile(), typeof(T)) : lambda;
        }
    }

    /// <summary>Whether every variable <paramref name="lambda"/> uses is declared within it: its own parameters, its blocks' variables, its catch blocks' and its nested lambdas' own.</summary>
    private static bool ClosesOverNothing(LambdaExpression lambda)
    {
        var variables = new Variables();
        variables.Visit(lambda);
        return variables.Used.IsSubsetOf(variables.Declared);
    }

    private sealed class Variables : ExpressionVisitor
    {
        public HashSet<ParameterExpression> Declared { get; } = [];

        public HashSet<ParameterExpression> Used { get; } = [];

        protected override Expression VisitLambda<T>(Expression<T> node)
        {
            Declared.UnionWith(node.Parameters);
            return base.VisitLambda(node);
        }

        protected override Expression VisitBlock(BlockExpression node)
        {
            Declared.UnionWith(node.Variables);
            return base.VisitBlock(node);
        }

        protected override CatchBlock VisitCatchBlock(CatchBlock node)
        {
            if (node.Variable is { } variable)
            {
                Declared.Add(variable);
            }

            return base.VisitCatchBlock(node);
        }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            Used.Add(node);
            return node;
        }
    }

    private sealed class SqliteContexts(QueryCompilationContextDependencies dependencies, RelationalQueryCompilationContextDependencies relational) : IQueryCompilationContextFactory
    {
        public QueryCompilationContext Create(bool async) => new SqliteContext(dependencies, relational, async);
    }

    private sealed class SqliteContext(QueryCompilationContextDependencies dependencies, RelationalQueryCompilationContextDependencies relational, bool async)
        : SqliteQueryCompilationContext(dependencies, relational, async)
    {
        public override Expression<Func<QueryContext, TResult>> CreateQueryExecutorExpression<TResult>(Expression query) =>
            Inlined(Dependencies.LiftableConstantProcessor, base.CreateQueryExecutorExpression<TResult>(query), SupportsPrecompiledQuery);
    }

    private sealed class PostgresContexts(QueryCompilationContextDependencies dependencies, RelationalQueryCompilationContextDependencies relational) : IQueryCompilationContextFactory
    {
        public QueryCompilationContext Create(bool async) => new PostgresContext(dependencies, relational, async);
    }

    private sealed class PostgresContext(QueryCompilationContextDependencies dependencies, RelationalQueryCompilationContextDependencies relational, bool async)
        : NpgsqlQueryCompilationContext(dependencies, relational, async)
    {
        public override Expression<Func<QueryContext, TResult>> CreateQueryExecutorExpression<TResult>(Expression query) =>
            Inlined(Dependencies.LiftableConstantProcessor, base.CreateQueryExecutorExpression<TResult>(query), SupportsPrecompiledQuery);
    }
}
