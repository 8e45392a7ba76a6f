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
/// result), the command's resolver and, for a collection, its element shaper and the fix-up that
/// adds an element to its owner are lambdas nested in it; compiled as they are, every run of the
/// query turns the first two into delegates again, and every row the last two
/// (<c>DynamicMethod.CreateDelegate</c>, about a tenth of a GET's CPU on SQLite under load:
/// <c>bench/results/2026-12-01-stack-costs.md</c>). A nested lambda that uses no variable of the
/// code around it is the same delegate on every run, so it is compiled once, innermost first, and
/// the executor holds the delegate as a constant. A lambda that uses a variable of an enclosing
/// scope, a quoted one (an expression tree the executor hands on) and one invoked where it stands
/// (which the compiler inlines, making no delegate) are left as they are. On SQLite and
/// PostgreSQL; SQL Server's context, which this machine cannot run, is EF Core's own.
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
            return FreeVariables.NoneIn(lambda) ? Expression.Constant(lambda.Compile(), typeof(T)) : lambda;
        }

        /// <summary>A quoted lambda is an expression tree the executor hands on, not a delegate it makes: it is left whole.</summary>
        protected override Expression VisitUnary(UnaryExpression node) =>
            node.NodeType == ExpressionType.Quote ? node : base.VisitUnary(node);

        /// <summary>A lambda invoked where it stands is inlined by the compiler: it stays a lambda, with what is nested in it compiled.</summary>
        protected override Expression VisitInvocation(InvocationExpression node) =>
            node.Expression is LambdaExpression invoked
                ? node.Update(Expression.Lambda(invoked.Type, Visit(invoked.Body), invoked.Name, invoked.TailCall, invoked.Parameters), Visit(node.Arguments))
                : base.VisitInvocation(node);
    }

    /// <summary>
    /// Whether a lambda uses a variable that no scope within it declares (its parameters, its blocks'
    /// and catch blocks' variables, its nested lambdas' parameters), each use checked against the
    /// scopes that enclose it: EF Core gives nested lambdas parameters that are the same objects as
    /// those of the lambdas around them.
    /// </summary>
    private sealed class FreeVariables : ExpressionVisitor
    {
        private readonly Dictionary<ParameterExpression, int> _inScope = [];

        private bool _found;

        public static bool NoneIn(LambdaExpression lambda)
        {
            var variables = new FreeVariables();
            variables.Visit(lambda);
            return !variables._found;
        }

        protected override Expression VisitLambda<T>(Expression<T> node)
        {
            Enter(node.Parameters);
            Visit(node.Body);
            Leave(node.Parameters);
            return node;
        }

        protected override Expression VisitBlock(BlockExpression node)
        {
            Enter(node.Variables);
            Visit(node.Expressions);
            Leave(node.Variables);
            return node;
        }

        protected override CatchBlock VisitCatchBlock(CatchBlock node)
        {
            IReadOnlyList<ParameterExpression> declared = node.Variable is { } variable ? [variable] : [];
            Enter(declared);
            Visit(node.Filter);
            Visit(node.Body);
            Leave(declared);
            return node;
        }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            _found |= _inScope.GetValueOrDefault(node) == 0;
            return node;
        }

        private void Enter(IEnumerable<ParameterExpression> declared)
        {
            foreach (var variable in declared)
            {
                _inScope[variable] = _inScope.GetValueOrDefault(variable) + 1;
            }
        }

        private void Leave(IEnumerable<ParameterExpression> declared)
        {
            foreach (var variable in declared)
            {
                _inScope[variable]--;
            }
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
