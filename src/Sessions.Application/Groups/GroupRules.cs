using FluentValidation;
using Sessions.Application.Common.Validation;
using Sessions.Domain.Common;

namespace Sessions.Application.Groups;

/// <summary>The limits of group input (CONTRACT §5.5) and the answers every group handler shares.</summary>
public static class GroupRules
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <summary>How many sessions a group's own answer lists (its summary counts them all).</summary>
    public const int MaxSessionsInGroupAnswer = 500;

    public static Error NotFound { get; } = Error.NotFound("Session group not found.");

    public static Error NotChangeable { get; } = Error.Forbidden("Only the group's creator or a workspace admin may change it, and viewers change nothing.");

    public static Error UnknownGroup { get; } = Error.Validation(nameof(Sessions.Create.CreateSessionCommand.GroupId), "must name a session group of this workspace", FieldProblem.InvalidValue);

    public static IRuleBuilderOptions<T, string?> MetadataRule<T>(this IRuleBuilder<T, string?> rule) =>
        rule.JsonOfAtMost(FieldLimits.GroupMetadata, "Metadata");

    public static IRuleBuilderOptions<T, string?> TextRule<T>(this IRuleBuilder<T, string?> rule) => rule.Chars(0, FieldLimits.GroupText);
}
