using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Query;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Domain.Sessions;
using Sessions.Infrastructure.Persistence.Providers;

namespace Sessions.Api.Tests.Performance;

#pragma warning disable EF9100 // The executor's expression is EF Core's precompiled-query API: what the service's contexts compile.

/// <summary>
/// The service's queries compile their nested lambdas (the shaper, a collection's key readers)
/// once, with the query: the executor a run invokes holds them as delegates instead of making them
/// again on every run. The results of every query are the rest of the suite's to check.
/// </summary>
[Collection(SharedApiCollection.Name)]
public sealed class ShapersCompiledOnceTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public Task AQueryOfSessions_WithTheirLabels_IsOneLambdaOverCompiledDelegates() => Factory.WithDbAsync(db =>
    {
        var query = db.Sessions.AsNoTracking().Where(s => s.Title == "a title").Expression;

        var own = new RelationalQueryCompilationContext(db.GetService<QueryCompilationContextDependencies>(), db.GetService<RelationalQueryCompilationContextDependencies>(), async: false);
        Assert.True(Lambdas(own.CreateQueryExecutorExpression<IEnumerable<Session>>(query)) > 1, "EF Core's own executor of this query nests lambdas");

        var executor = db.GetService<IQueryCompilationContextFactory>().Create(async: false).CreateQueryExecutorExpression<IEnumerable<Session>>(query);
        Assert.Equal(1, Lambdas(executor));
        Assert.Contains(Constants(executor), c => c is Delegate);
        return Task.CompletedTask;
    });

    [Fact]
    public void ANestedLambdaOfItsOwnParameters_BecomesItsDelegate()
    {
        var x = Expression.Parameter(typeof(int), "x");
        var square = Expression.Lambda<Func<int, int>>(Expression.Multiply(x, x), x);
        var executor = Executor(Expression.Invoke(square, Expression.Constant(7)));

        var applied = ShapersCompiledOnce.Apply(executor);

        Assert.Equal(1, Lambdas(applied));
        Assert.Equal(49, applied.Compile()(null!));
    }

    [Fact]
    public void ANestedLambdaUsingAnEnclosingVariable_StaysALambda()
    {
        var outer = Expression.Variable(typeof(int), "outer");
        var x = Expression.Parameter(typeof(int), "x");
        var plusOuter = Expression.Lambda<Func<int, int>>(Expression.Add(x, outer), x);
        var executor = Executor(Expression.Block([outer], Expression.Assign(outer, Expression.Constant(5)), Expression.Invoke(plusOuter, Expression.Constant(2))));

        var applied = ShapersCompiledOnce.Apply(executor);

        Assert.Equal(2, Lambdas(applied));
        Assert.Equal(7, applied.Compile()(null!));
    }

    [Fact]
    public void ALambdaDeclaringItsOwnVariables_AndNestingAnother_IsCompiledWhole_InnermostFirst()
    {
        var local = Expression.Variable(typeof(int), "local");
        var x = Expression.Parameter(typeof(int), "x");
        var y = Expression.Parameter(typeof(int), "y");
        var inner = Expression.Lambda<Func<int, int>>(Expression.Add(y, Expression.Constant(1)), y);
        var middle = Expression.Lambda<Func<int, int>>(
            Expression.Block([local], Expression.Assign(local, Expression.Invoke(inner, x)), Expression.Multiply(local, Expression.Constant(10))), x);
        var executor = Executor(Expression.Invoke(middle, Expression.Constant(4)));

        var applied = ShapersCompiledOnce.Apply(executor);

        Assert.Equal(1, Lambdas(applied));
        Assert.Equal(50, applied.Compile()(null!));
    }

    [Fact]
    public void AClosedLambdaInsideAnOpenOne_IsCompiled_WhileTheOpenOneStays()
    {
        var outer = Expression.Variable(typeof(int), "outer");
        var x = Expression.Parameter(typeof(int), "x");
        var y = Expression.Parameter(typeof(int), "y");
        var closed = Expression.Lambda<Func<int, int>>(Expression.Negate(y), y);
        var open = Expression.Lambda<Func<int, int>>(Expression.Add(Expression.Invoke(closed, x), outer), x);
        var executor = Executor(Expression.Block([outer], Expression.Assign(outer, Expression.Constant(100)), Expression.Invoke(open, Expression.Constant(3))));

        var applied = ShapersCompiledOnce.Apply(executor);

        Assert.Equal(2, Lambdas(applied));
        Assert.Equal(97, applied.Compile()(null!));
    }

    [Fact]
    public void ACatchBlocksVariable_IsTheLambdasOwn()
    {
        var error = Expression.Variable(typeof(InvalidOperationException), "error");
        var x = Expression.Parameter(typeof(int), "x");
        var guarded = Expression.Lambda<Func<int, int>>(
            Expression.TryCatch(
                Expression.Block(Expression.Throw(Expression.New(typeof(InvalidOperationException))), x),
                Expression.Catch(error, Expression.Property(Expression.Property(error, nameof(Exception.Message)), nameof(string.Length)))),
            x);
        var executor = Executor(Expression.Invoke(guarded, Expression.Constant(1)));

        var applied = ShapersCompiledOnce.Apply(executor);

        Assert.Equal(1, Lambdas(applied));
        Assert.Equal(new InvalidOperationException().Message.Length, applied.Compile()(null!));
    }

    private static Expression<Func<QueryContext, int>> Executor(Expression body) =>
        Expression.Lambda<Func<QueryContext, int>>(body, QueryCompilationContext.QueryContextParameter);

    private static int Lambdas(Expression expression)
    {
        var found = new Found();
        found.Visit(expression);
        return found.Lambdas;
    }

    private static List<object?> Constants(Expression expression)
    {
        var found = new Found();
        found.Visit(expression);
        return found.Constants;
    }

    private sealed class Found : ExpressionVisitor
    {
        public int Lambdas { get; private set; }

        public List<object?> Constants { get; } = [];

        protected override Expression VisitLambda<T>(Expression<T> node)
        {
            Lambdas++;
            return base.VisitLambda(node);
        }

        protected override Expression VisitConstant(ConstantExpression node)
        {
            Constants.Add(node.Value);
            return node;
        }
    }
}
