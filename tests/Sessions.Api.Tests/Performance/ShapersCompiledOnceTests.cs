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
/// The service's queries compile their nested lambdas (the shaper, the command's resolver, a
/// collection's element shaper and fix-up) once, with the query: the executor a run invokes holds
/// them as delegates instead of making them again on every run. The results of every query are the
/// rest of the suite's to check.
/// </summary>
[Collection(SharedApiCollection.Name)]
public sealed class ShapersCompiledOnceTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public Task AQueryOfSessions_WithTheirLabels_IsOneLambdaOverCompiledDelegates() => Factory.WithDbAsync(db =>
    {
        var query = db.Sessions.AsNoTracking().Where(s => s.Title == "a title").Expression;

        var own = new RelationalQueryCompilationContext(db.GetService<QueryCompilationContextDependencies>(), db.GetService<RelationalQueryCompilationContextDependencies>(), async: false);
        var ownExecutor = db.GetService<ILiftableConstantProcessor>().InlineConstants(own.CreateQueryExecutorExpression<IEnumerable<Session>>(query), supportsPrecompiledQuery: false);
        Assert.True(Lambdas(ownExecutor) > 1, "EF Core's own executor of this query, its constants inlined, nests lambdas");

        var executor = db.GetService<IQueryCompilationContextFactory>().Create(async: false).CreateQueryExecutorExpression<IEnumerable<Session>>(query);
        Assert.Equal(1, Lambdas(executor));
        return Task.CompletedTask;
    });

    [Fact]
    public void ANestedLambdaOfItsOwnParameters_BecomesItsDelegate()
    {
        var x = Expression.Parameter(typeof(int), "x");
        var square = Expression.Lambda<Func<int, int>>(Expression.Multiply(x, x), x);
        var executor = Executor(Call(square, Expression.Constant(7)));

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
        var executor = Executor(Expression.Block([outer], Expression.Assign(outer, Expression.Constant(5)), Call(plusOuter, Expression.Constant(2))));

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
            Expression.Block([local], Expression.Assign(local, Call(inner, x)), Expression.Multiply(local, Expression.Constant(10))), x);
        var executor = Executor(Call(middle, Expression.Constant(4)));

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
        var open = Expression.Lambda<Func<int, int>>(Expression.Add(Call(closed, x), outer), x);
        var executor = Executor(Expression.Block([outer], Expression.Assign(outer, Expression.Constant(100)), Call(open, Expression.Constant(3))));

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
        var executor = Executor(Call(guarded, Expression.Constant(1)));

        var applied = ShapersCompiledOnce.Apply(executor);

        Assert.Equal(1, Lambdas(applied));
        Assert.Equal(new InvalidOperationException().Message.Length, applied.Compile()(null!));
    }

    [Fact]
    public void AQuotedLambda_StaysAnExpressionTree()
    {
        var x = Expression.Parameter(typeof(int), "x");
        var quoted = Expression.Quote(Expression.Lambda<Func<int, int>>(Expression.Add(x, Expression.Constant(1)), x));
        var executor = Expression.Lambda<Func<QueryContext, Expression<Func<int, int>>>>(quoted, QueryCompilationContext.QueryContextParameter);

        var applied = ShapersCompiledOnce.Apply(executor);

        Assert.Equal(2, Lambdas(applied));
        Assert.Equal(3, applied.Compile()(null!).Compile()(2));
    }

    [Fact]
    public void ALambdaInvokedWhereItStands_StaysInline_WithAClosedLambdaInItCompiled()
    {
        var x = Expression.Parameter(typeof(int), "x");
        var y = Expression.Parameter(typeof(int), "y");
        var closed = Expression.Lambda<Func<int, int>>(Expression.Multiply(y, Expression.Constant(3)), y);
        var invoked = Expression.Lambda<Func<int, int>>(Expression.Add(Call(closed, x), Expression.Constant(1)), x);
        var executor = Executor(Expression.Invoke(invoked, Expression.Constant(5)));

        var applied = ShapersCompiledOnce.Apply(executor);

        Assert.Equal(2, Lambdas(applied));
        Assert.Equal(16, applied.Compile()(null!));
    }

    /// <summary>
    /// EF Core gives a nested lambda parameters that are the very objects of the lambdas around it:
    /// a lambda using a variable of its enclosing scope stays a lambda even when a lambda within it
    /// declares a parameter that is the same object.
    /// </summary>
    [Fact]
    public void ALambdaUsingAnEnclosingVariable_StaysALambda_WhenALambdaWithinItDeclaresTheSameObject()
    {
        var shared = Expression.Variable(typeof(int), "shared");
        var own = Expression.Variable(typeof(int), "own");
        var x = Expression.Parameter(typeof(int), "x");
        var inner = Expression.Lambda<Func<int, int>>(Expression.Add(shared, own), shared);
        var middle = Expression.Lambda<Func<int, int>>(
            Expression.Block([own], Expression.Assign(own, Expression.Constant(100)), Expression.Add(Call(inner, x), Expression.Add(x, shared))), x);
        var executor = Executor(Expression.Block([shared], Expression.Assign(shared, Expression.Constant(5)), Call(middle, Expression.Constant(1))));

        var applied = ShapersCompiledOnce.Apply(executor);

        Assert.Equal(3, Lambdas(applied));
        Assert.Equal(107, applied.Compile()(null!));
    }

    /// <summary>Calls <paramref name="function"/> with <paramref name="argument"/>: a lambda handed to code as a delegate, as EF Core hands a shaper to its enumerable.</summary>
    public static int Run(Func<int, int> function, int argument) => function(argument);

    private static MethodCallExpression Call(LambdaExpression function, Expression argument) =>
        Expression.Call(typeof(ShapersCompiledOnceTests).GetMethod(nameof(Run))!, function, argument);

    private static Expression<Func<QueryContext, int>> Executor(Expression body) =>
        Expression.Lambda<Func<QueryContext, int>>(body, QueryCompilationContext.QueryContextParameter);

    private static int Lambdas(Expression expression)
    {
        var found = new Found();
        found.Visit(expression);
        return found.Lambdas;
    }

    private sealed class Found : ExpressionVisitor
    {
        public int Lambdas { get; private set; }

        protected override Expression VisitLambda<T>(Expression<T> node)
        {
            Lambdas++;
            return base.VisitLambda(node);
        }
    }
}
