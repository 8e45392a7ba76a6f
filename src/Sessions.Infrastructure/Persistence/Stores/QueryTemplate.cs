using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Sessions.Application.Common.Security;

namespace Sessions.Infrastructure.Persistence.Stores;

/// <summary>
/// A query composed for one request, made the body of a compiled query for every request of its
/// shape: <c>(db, workspaceId, userId, skip, take) =&gt; the query</c>. The query is composed by the
/// code every request of other shapes runs, for a template audience, and bound here: the
/// audience's workspace and user and the page's one <c>Skip</c> and one <c>Take</c> become the
/// compiled query's parameters, each table read from the context it is given. Every other value
/// the composition captured is the shape's own (a filter the shape fixes, a tag) and is written
/// into the query, with the tests that a value decides (<c>EF.Parameter(f) == null || ...</c>)
/// decided. A captured value of any other kind than a plain value or a query of the database is
/// refused, and so is a static property or a static field that may change (<c>DateTime.UtcNow</c>
/// would be the moment the template was bound), so a value of the request that composed the
/// template never reaches the requests after it.
/// </summary>
internal sealed class QueryTemplate : ExpressionVisitor
{
    private static readonly MethodInfo ParameterMethod = typeof(EF).GetMethod(nameof(EF.Parameter))!;

    private readonly SessionAudience template;
    private readonly ParameterExpression db = Expression.Parameter(typeof(SessionsDbContext), "db");
    private readonly ParameterExpression workspaceId = Expression.Parameter(typeof(Guid), "workspaceId");
    private readonly ParameterExpression userId = Expression.Parameter(typeof(Guid), "userId");
    private readonly ParameterExpression skip = Expression.Parameter(typeof(int), "skip");
    private readonly ParameterExpression take = Expression.Parameter(typeof(int), "take");
    private bool skipBound;
    private bool takeBound;

    private QueryTemplate(SessionAudience template) => this.template = template;

    /// <summary>
    /// The compiled query's lambda of <paramref name="composed"/>, a query composed for
    /// <paramref name="template"/>: its workspace and user, and the page's bounds, as parameters.
    /// </summary>
    public static Expression<Func<SessionsDbContext, Guid, Guid, int, int, IQueryable<T>>> Bind<T>(IQueryable<T> composed, SessionAudience template)
    {
        var binder = new QueryTemplate(template);
        var body = binder.Visit(composed.Expression);
        return Expression.Lambda<Func<SessionsDbContext, Guid, Guid, int, int, IQueryable<T>>>(body, binder.db, binder.workspaceId, binder.userId, binder.skip, binder.take);
    }

    /// <summary>A table of the query, read from the compiled query's context.</summary>
    protected override Expression VisitExtension(Expression node) => node switch
    {
        EntityQueryRootExpression root => Expression.Property(db, TableOf(root.EntityType.ClrType)),
        _ => throw Refused(node.Type),
    };

    protected override Expression VisitMember(MemberExpression node)
    {
        if (node.Expression is ConstantExpression { Value: var owner } && ReferenceEquals(owner, template))
        {
            return node.Member.Name switch
            {
                nameof(SessionAudience.WorkspaceId) => workspaceId,
                nameof(SessionAudience.UserId) => userId,
                _ => throw Refused(node.Type),
            };
        }

        return TryEvaluate(node, out var value) ? Bound(value, node.Type) : base.VisitMember(node);
    }

    /// <summary>The value of a chain of member reads from a constant (a captured variable), or false where the chain reads a row.</summary>
    private bool TryEvaluate(Expression? expression, out object? value)
    {
        switch (expression)
        {
            case ConstantExpression constant:
                value = ReferenceEquals(constant.Value, template) ? throw Refused(constant.Type) : constant.Value;
                return true;
            case MemberExpression member:
                object? owner = null;
                if (member.Expression is not null && !TryEvaluate(member.Expression, out owner))
                {
                    value = null;
                    return false;
                }

                if (ReferenceEquals(owner, template) || (member.Expression is null && member.Member is not FieldInfo { IsInitOnly: true }))
                {
                    throw Refused(member.Type);
                }

                value = member.Member switch
                {
                    FieldInfo field => field.GetValue(owner),
                    PropertyInfo property => property.GetValue(owner),
                    _ => throw Refused(member.Type),
                };
                return true;
            default:
                value = null;
                return false;
        }
    }

    protected override Expression VisitConstant(ConstantExpression node) =>
        ReferenceEquals(node.Value, template) ? throw Refused(node.Type) : Bound(node.Value, node.Type);

    protected override Expression VisitMethodCall(MethodCallExpression node)
    {
        if (node.Method.IsGenericMethod && node.Method.GetGenericMethodDefinition() == ParameterMethod)
        {
            return Visit(node.Arguments[0]);
        }

        if (node.Method.DeclaringType == typeof(Queryable) && node.Arguments is [var source, ConstantExpression { Value: int }])
        {
            switch (node.Method.Name)
            {
                case nameof(Queryable.Skip):
                    return node.Update(null, [Visit(source), Once(ref skipBound, skip)]);
                case nameof(Queryable.Take):
                    return node.Update(null, [Visit(source), Once(ref takeBound, take)]);
            }
        }

        var visited = (MethodCallExpression)base.VisitMethodCall(node);
        return visited.Method.DeclaringType == typeof(Queryable)
            && visited.Method.Name == nameof(Queryable.Where)
            && visited.Arguments[1] is UnaryExpression { Operand: LambdaExpression { Body: ConstantExpression { Value: true } } }
            ? visited.Arguments[0]
            : visited;
    }

    /// <summary>Decides the tests of values written into the query: <c>null == null || x</c> is true, <c>true == null || x</c> is <c>x</c>.</summary>
    protected override Expression VisitBinary(BinaryExpression node)
    {
        var visited = base.VisitBinary(node);
        return visited switch
        {
            BinaryExpression { NodeType: ExpressionType.Equal, Left: ConstantExpression left, Right: ConstantExpression right } => Expression.Constant(Equals(left.Value, right.Value)),
            BinaryExpression { NodeType: ExpressionType.NotEqual, Left: ConstantExpression left, Right: ConstantExpression right } => Expression.Constant(!Equals(left.Value, right.Value)),
            BinaryExpression { NodeType: ExpressionType.OrElse, Left: ConstantExpression { Value: bool either } } or => either ? or.Left : or.Right,
            BinaryExpression { NodeType: ExpressionType.AndAlso, Left: ConstantExpression { Value: bool both } } and => both ? and.Right : and.Left,
            _ => visited,
        };
    }

    /// <summary>A page bound once: a second <c>Skip</c> or <c>Take</c> would be a bound this template cannot tell from the page's.</summary>
    private static ParameterExpression Once(ref bool bound, ParameterExpression parameter)
    {
        if (bound)
        {
            throw new NotSupportedException("A query template binds one Skip and one Take, the page's.");
        }

        bound = true;
        return parameter;
    }

    /// <summary>
    /// A value the composition captured: a query of the database in its place, a plain value written
    /// into the query. A query of anything else (a list's <c>AsQueryable()</c>, whose expression is
    /// the query itself) is refused.
    /// </summary>
    private Expression Bound(object? value, Type type) => value switch
    {
        IQueryable { Provider: IAsyncQueryProvider } query => Visit(query.Expression),
        null or string or Guid or DateTime or DateTimeOffset => Expression.Constant(value, type),
        _ when value.GetType().IsPrimitive || value.GetType().IsEnum => Expression.Constant(value, type),
        _ => throw Refused(value.GetType()),
    };

    private static PropertyInfo TableOf(Type entity) =>
        typeof(SessionsDbContext).GetProperties().SingleOrDefault(p => p.PropertyType == typeof(DbSet<>).MakeGenericType(entity))
        ?? throw Refused(entity);

    private static NotSupportedException Refused(Type type) =>
        new($"A query template does not bind {type.Name}: only its audience, its page's bounds, its tables and plain values.");
}
