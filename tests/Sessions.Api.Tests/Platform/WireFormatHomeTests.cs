using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Sessions.Api.Controllers;
using Sessions.Api.Errors;

namespace Sessions.Api.Tests.Platform;

/// <summary>
/// The wire format lives in the Api: every documented answer is an Api type (or an enum of the
/// domain, written by the Api's converters), the inner layers carry no JSON attributes, and the
/// envelope's field problem types are named only by the Api.
/// </summary>
public sealed class WireFormatHomeTests
{
    private static readonly Assembly Api = typeof(ApiController).Assembly;
    private static readonly Assembly Application = typeof(Application.DependencyInjection).Assembly;
    private static readonly Assembly Domain = typeof(Domain.Common.Error).Assembly;

    [Fact]
    public void EveryDocumentedAnswer_IsAnApiType_AllTheWayDown()
    {
        var answers = Api.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(ApiController)))
            .SelectMany(t => t.GetMethods().Cast<MemberInfo>().Append(t))
            .SelectMany(m => m.GetCustomAttributes<ProducesResponseTypeAttribute>())
            .Select(a => a.Type)
            .Where(t => t != typeof(void))
            .ToHashSet();

        var foreign = answers.SelectMany(Reachable).Where(t => t.Assembly == Application || (t.Assembly == Domain && !t.IsEnum)).Distinct().ToList();

        Assert.NotEmpty(answers);
        Assert.Empty(foreign);
    }

    [Fact]
    public void TheInnerLayers_CarryNoJsonAttributes()
    {
        var annotated = Application.GetTypes().Concat(Domain.GetTypes())
            .SelectMany(t => t.GetProperties().Cast<MemberInfo>().Append(t))
            .Where(m => m.GetCustomAttributes().Any(a => a.GetType().Namespace == "System.Text.Json.Serialization"))
            .Select(m => $"{m.DeclaringType?.Name}.{m.Name}")
            .ToList();

        Assert.Empty(annotated);
    }

    [Fact]
    public void EveryFieldProblem_HasItsOwnWireName()
    {
        var names = Enum.GetValues<Domain.Common.FieldProblem>().Select(ErrorTypes.For).ToList();

        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, name => Assert.Matches("^[a-z]+(_[a-z]+)*$", name));
    }

    private static IEnumerable<Type> Reachable(Type root)
    {
        var seen = new HashSet<Type>();
        var pending = new Stack<Type>([root]);
        while (pending.TryPop(out var type))
        {
            if (!seen.Add(type))
            {
                continue;
            }

            yield return type;
            var inner = type.IsGenericType ? type.GetGenericArguments() : [];
            var members = type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true
                ? []
                : type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.PropertyType);
            foreach (var next in inner.Concat(members).Select(t => Nullable.GetUnderlyingType(t) ?? t))
            {
                pending.Push(next);
            }
        }
    }
}
