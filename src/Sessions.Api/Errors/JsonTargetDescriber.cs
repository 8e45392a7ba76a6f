using System.Collections;
using System.Reflection;
using Sessions.Api.OpenApi;
using Sessions.Application.Common.Validation;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;

namespace Sessions.Api.Errors;

/// <summary>
/// Says what a JSON value should have been, from the request type and the path of the bad value:
/// <c>$.messages[0].role</c> on the transcript request is a role, so "must be one of: user, ...".
/// </summary>
public static class JsonTargetDescriber
{
    /// <summary>
    /// What the value at <paramref name="path"/> should have been; for an integer member with a
    /// stated range (<see cref="NumberRangeAttribute"/>), that range rather than its type's, so
    /// <c>{"from_seq": 1.5}</c> is told what <c>{"from_seq": 0}</c> is told.
    /// </summary>
    public static (string Message, string Type) Describe(Type? root, IReadOnlyList<object> path)
    {
        var (target, member) = root is null ? (null, null) : Resolve(root, path);
        var described = Describe(target);
        return member?.GetCustomAttribute<NumberRangeAttribute>() is { } range && IntegerRange(target) is { } type
            ? (IntegerMessage(range.Minimum, Math.Min(range.Maximum, type.Maximum)), described.Type)
            : described;
    }

    /// <summary>What one query or route value should have been; for a repeatable parameter, what each value should be.</summary>
    public static (string Message, string Type) DescribeValue(Type? type) =>
        Describe(type is null || type == typeof(string) ? type : ElementType(type) ?? type);

    /// <summary>The message of an integer that must lie in [<paramref name="minimum"/>, <paramref name="maximum"/>].</summary>
    public static string IntegerMessage(long minimum, long maximum) =>
        FormattableString.Invariant($"must be an integer from {minimum} to {maximum}");

    /// <summary>The range an integer type holds; null for any other type.</summary>
    public static (long Minimum, long Maximum)? IntegerRange(Type? type) =>
        (type is null ? null : Nullable.GetUnderlyingType(type) ?? type) switch
        {
            { } t when t == typeof(int) => (int.MinValue, int.MaxValue),
            { } t when t == typeof(long) => (long.MinValue, long.MaxValue),
            _ => null,
        };

    private static (string Message, string Type) Describe(Type? type)
    {
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        if (type is null)
        {
            return ("has an invalid value", ErrorTypes.ValueError);
        }

        if (type == typeof(Guid))
        {
            return ("must be a UUID", ErrorTypes.NotAUuid);
        }

        if (type == typeof(SessionReference))
        {
            return (SessionRules.ReferenceMessage, ErrorTypes.ValueError);
        }

        if (type == typeof(string))
        {
            return ("must be a string", ErrorTypes.NotAString);
        }

        if (type == typeof(bool))
        {
            return ("must be true or false", ErrorTypes.NotABoolean);
        }

        if (IntegerRange(type) is { } integers)
        {
            return (IntegerMessage(integers.Minimum, integers.Maximum), ErrorTypes.NotAnInteger);
        }

        if (type == typeof(decimal) || type == typeof(double))
        {
            return ("must be a number", ErrorTypes.NotANumber);
        }

        if (type == typeof(DateTime))
        {
            return ("must be an RFC 3339 timestamp", ErrorTypes.For(FieldProblem.NotATimestamp));
        }

        if (type.IsEnum)
        {
            var names = Enum.GetNames(type).Select(FieldPath.ToSnakeCase);
            return ($"must be one of: {string.Join(", ", names)}", ErrorTypes.For(FieldProblem.NotAllowedValue));
        }

        if (DictionaryValueType(type) is not null || type == typeof(System.Text.Json.Nodes.JsonObject))
        {
            return ("must be an object", ErrorTypes.NotAMap);
        }

        if (ElementType(type) is not null)
        {
            return ("must be a list", ErrorTypes.For(FieldProblem.NotAList));
        }

        return ("must be an object", ErrorTypes.For(FieldProblem.NotAnObject));
    }

    /// <summary>The type at <paramref name="path"/>, and the member it is when its last segment names one.</summary>
    private static (Type? Type, PropertyInfo? Member) Resolve(Type root, IReadOnlyList<object> path)
    {
        Type? current = root;
        PropertyInfo? member = null;
        foreach (var segment in path)
        {
            if (current is null)
            {
                return (null, null);
            }

            current = Nullable.GetUnderlyingType(current) ?? current;
            member = null;
            if (DictionaryValueType(current) is { } valueType)
            {
                current = valueType;
            }
            else if (segment is int)
            {
                current = ElementType(current);
            }
            else if (segment is string name)
            {
                member = current.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .FirstOrDefault(p => FieldPath.ToSnakeCase(p.Name) == name);
                current = member?.PropertyType;
            }
        }

        return (current, member);
    }

    private static Type? DictionaryValueType(Type type) =>
        FindInterface(type, typeof(IDictionary<,>)) is { } dictionary ? dictionary.GetGenericArguments()[1]
        : FindInterface(type, typeof(IReadOnlyDictionary<,>)) is { } readOnly ? readOnly.GetGenericArguments()[1]
        : null;

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        return type.IsArray ? type.GetElementType() : FindInterface(type, typeof(IEnumerable<>))?.GetGenericArguments()[0];
    }

    private static Type? FindInterface(Type type, Type generic) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == generic
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == generic);
}
