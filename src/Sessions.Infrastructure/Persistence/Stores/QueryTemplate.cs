using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Sessions.Application.Common.Security;
using Sessions.Application.Sessions.List;

namespace Sessions.Infrastructure.Persistence.Stores;

/// <summary>
/// A query composed for one request, made the body of a compiled query for every request of its
/// shape: <c>(db, workspaceId, userId, skip, take, labelKey, labelValue, labelBits) =&gt; the query</c>.
/// The query is composed by the code every request of other shapes runs, for a template audience,
/// and bound here: the audience's workspace and user and the page's one <c>Skip</c> and one
/// <c>Take</c> become the compiled query's parameters, each table read from the context it is
/// given. A shape filtered by one label is composed for a template label: its key and value, where
/// the composition reads them, are the <c>labelKey</c> and <c>labelValue</c> parameters (EF Core
/// translates scalar parameters only), and its folded bit (<see cref="LabelBits"/>), which the
/// composition computed, becomes the <c>labelBits</c> parameter wherever a captured
/// <see cref="long"/> holds that bit (the only captured longs of a listing are folded labels).
/// Every other value the composition captured is the shape's own (a filter the shape fixes, a tag)
/// and is written into the query, with the tests that a value decides
/// (<c>EF.Parameter(f) == null || ...</c>) decided. A captured value of any other kind than a plain
/// value or a query of the database is refused, and so is a static property or a static field
/// that may change (<c>DateTime.UtcNow</c> would be the moment the template was bound;
/// <c>EF.Functions</c>, which holds nothing, stays), so a value of the request that composed the
/// template never reaches the requests after it.
/// </summary>
internal sealed class QueryTemplate : ExpressionVisitor
{
    private static readonly MethodInfo ParameterMethod = typeof(EF).GetMethod(nameof(EF.Parameter))!;
    private static readonly MethodInfo SetMethod = typeof(DbContext).GetMethod(nameof(DbContext.Set), Type.EmptyTypes)!;

    private readonly SessionAudience template;
    private readonly ParameterExpression db = Expression.Parameter(typeof(SessionsDbContext), "db");
    private readonly ParameterExpression workspaceId = Expression.Parameter(typeof(Guid), "workspaceId");
    private readonly ParameterExpression userId = Expression.Parameter(typeof(Guid), "userId");
    private readonly ParameterExpression skip = Expression.Parameter(typeof(int), "skip");
    private readonly ParameterExpression take = Expression.Parameter(typeof(int), "take");
    private readonly ParameterExpression labelKey = Expression.Parameter(typeof(string), "labelKey");
    private readonly ParameterExpression labelValue = Expression.Parameter(typeof(string), "labelValue");
    private readonly ParameterExpression labelBits = Expression.Parameter(typeof(long), "labelBits");
    private readonly LabelMatch? templateLabel;
    private readonly long? templateBits;
    private bool skipBound;
    private bool takeBound;

    private QueryTemplate(SessionAudience template, LabelMatch? templateLabel)
    {
        this.template = template;
        this.templateLabel = templateLabel;
        templateBits = templateLabel is null ? null : LabelBits.Of([(templateLabel.Key, templateLabel.Value)]);
    }

    /// <summary>
    /// The compiled query's lambda of <paramref name="composed"/>, a query composed for
    /// <paramref name="template"/> (and, for a labelled shape, <paramref name="templateLabel"/>):
    /// its workspace and user, the page's bounds, and the label's key, value and folded bit, as parameters.
    /// </summary>
    public static Expression<Func<SessionsDbContext, Guid, Guid, int, int, string?, string?, long, IQueryable<T>>> Bind<T>(
        IQueryable<T> composed, SessionAudience template, LabelMatch? templateLabel = null)
    {
        var binder = new QueryTemplate(template, templateLabel);
        var body = binder.Visit(composed.Expression);
        return Expression.Lambda<Func<SessionsDbContext, Guid, Guid, int, int, string?, string?, long, IQueryable<T>>>(
            body, binder.db, binder.workspaceId, binder.userId, binder.skip, binder.take, binder.labelKey, binder.labelValue, binder.labelBits);
    }

    /// <summary>A table of the query, read from the compiled query's context.</summary>
    protected override Expression VisitExtension(Expression node) => node switch
    {
        EntityQueryRootExpression root => TableOf(root.EntityType.ClrType),
        _ => throw Refused(node.Type),
    };

    protected override Expression VisitMember(MemberExpression node)
    {
        if (node.Type == typeof(DbFunctions))
        {
            return node;
        }

        if (node.Expression is ConstantExpression { Value: var owner } && ReferenceEquals(owner, template))
        {
            return node.Member.Name switch
            {
                nameof(SessionAudience.WorkspaceId) => workspaceId,
                nameof(SessionAudience.UserId) => userId,
                _ => throw Refused(node.Type),
            };
        }

        if (templateLabel is not null && TryEvaluate(node.Expression, out var labelOwner) && ReferenceEquals(labelOwner, templateLabel))
        {
            return node.Member.Name switch
            {
                nameof(LabelMatch.Key) => labelKey,
                nameof(LabelMatch.Value) => labelValue,
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

                if (ReferenceEquals(owner, template) || (templateLabel is not null && ReferenceEquals(owner, templateLabel))
                    || (member.Expression is null && member.Member is not FieldInfo { IsInitOnly: true }))
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
        var marked = Unparameterized(node);
        if (marked != node)
        {
            return Visit(marked);
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

    /// <summary>
    /// Decides the tests of values written into the query: <c>null == null || x</c> is true,
    /// <c>true == null || x</c> is <c>x</c>; a captured value that is not null is not null, also
    /// when it is bound to a parameter (the label's bit).
    /// </summary>
    protected override Expression VisitBinary(BinaryExpression node)
    {
        if (node is { NodeType: ExpressionType.Equal or ExpressionType.NotEqual, Right: ConstantExpression { Value: null } }
            && TryEvaluate(Unparameterized(node.Left), out var captured) && captured is not null)
        {
            return Expression.Constant(node.NodeType == ExpressionType.NotEqual);
        }

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

    /// <summary>The value <c>EF.Parameter(value)</c> marks, or the expression itself.</summary>
    private static Expression Unparameterized(Expression expression) =>
        expression is MethodCallExpression { Method.IsGenericMethod: true } call && call.Method.GetGenericMethodDefinition() == ParameterMethod
            ? call.Arguments[0]
            : expression;

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
    /// the query itself) is refused, and so is the template label's key or value reached other than
    /// through the label (a copy the composition made of it), which would answer every request
    /// with the template's label.
    /// </summary>
    private Expression Bound(object? value, Type type) => value switch
    {
        IQueryable { Provider: IAsyncQueryProvider } query => Visit(query.Expression),
        long bits when bits == templateBits => type == typeof(long) ? labelBits : Expression.Convert(labelBits, type),
        string text when templateLabel is not null && (text == templateLabel.Key || text == templateLabel.Value) => throw Refused(typeof(LabelMatch)),
        null or string or Guid or DateTime or DateTimeOffset => Expression.Constant(value, type),
        _ when value.GetType().IsPrimitive || value.GetType().IsEnum => Expression.Constant(value, type),
        _ => throw Refused(value.GetType()),
    };

    /// <summary>The context's table of <paramref name="entity"/>: its property, or <c>Set&lt;T&gt;()</c> for an entity without one (the search index's rows).</summary>
    private Expression TableOf(Type entity) =>
        typeof(SessionsDbContext).GetProperties().SingleOrDefault(p => p.PropertyType == typeof(DbSet<>).MakeGenericType(entity)) is { } table
            ? Expression.Property(db, table)
            : Expression.Call(db, SetMethod.MakeGenericMethod(entity));

    private static NotSupportedException Refused(Type type) =>
        new($"A query template does not bind {type.Name}: only its audience, its page's bounds, its label, its tables and plain values.");
}
