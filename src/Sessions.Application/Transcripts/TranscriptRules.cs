using FluentValidation;
using FluentValidation.Results;
using Sessions.Application.Common.Validation;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Transcripts;

/// <summary>The limits of transcript input (documented in docs/api.md and ADR 0015).</summary>
public static class TranscriptRules
{
    public const int MaxMessagesPerAppend = 500;
    public const int MaxToolCallsPerMessage = 128;

    /// <summary>Token counts beyond this are not real generations (and could overflow the sums).</summary>
    public const long MaxTokens = 1_000_000_000_000;

    /// <summary>The stored cost has 10 decimal places and 10 integer digits; a session's sum has the same bound (<see cref="UsageTotals.CanTake"/>).</summary>
    public const decimal MaxCostUsd = UsageTotals.MaxCostUsd;

    public const int CostDecimalPlaces = 10;

    /// <summary>The least of <see cref="TranscriptLimits.MaxRetriedText"/>: what a request body holds by default (16 MiB).</summary>
    public const long MaxRetriedText = 16L * 1024 * 1024;
}

/// <summary>The limits of transcript input that follow the service's configuration.</summary>
public sealed record TranscriptLimits(long MaxRequestBodyBytes)
{
    /// <summary>
    /// The text (<see cref="MessagesRead.TextOf(SessionMessage)"/>, in characters) that the stored messages one
    /// append names may hold in all, a message named twice counted twice: a retry answers each as
    /// stored, so an append of a few bytes naming large messages stored earlier would make an
    /// answer of gigabytes, held whole. A batch stored from one body holds at most as many
    /// characters as the body had bytes, so sending it again is never refused: the bound is
    /// <see cref="TranscriptRules.MaxRetriedText"/>, or the body limit when that is more.
    /// </summary>
    public long MaxRetriedText { get; } = Math.Max(TranscriptRules.MaxRetriedText, MaxRequestBodyBytes);
}

/// <summary>The rules of one incoming message, reported at its path inside the request.</summary>
public sealed class MessageInputValidator : AbstractValidator<MessageInput>
{
    public MessageInputValidator()
    {
        RuleFor(m => m.Id).NotNilUuid();
        RuleFor(m => m.Role).Required();
        RuleFor(m => m.Content).Chars(0, FieldLimits.MessageContent);
        RuleFor(m => m.ToolCallId).Chars(1, FieldLimits.MessageIdentifier);
        RuleFor(m => m.ToolCalls!.Count)
            .LessThanOrEqualTo(TranscriptRules.MaxToolCallsPerMessage)
            .WithMessage($"must hold at most {TranscriptRules.MaxToolCallsPerMessage} tool calls")
            .WithErrorCode(nameof(FieldProblem.TooLong))
            .OverridePropertyName(nameof(MessageInput.ToolCalls))
            .When(m => m.ToolCalls is not null);
        RuleFor(m => m.ToolCalls).Custom((calls, context) =>
        {
            if (calls?.Count > TranscriptRules.MaxToolCallsPerMessage)
            {
                return;
            }

            foreach (var (index, first) in RepeatedIds(calls))
            {
                context.AddFailure(new ValidationFailure($"{context.PropertyPath}[{index}].{nameof(ToolCallInput.Id)}", $"repeats the id of tool call {first}; give each call of a message an id of its own")
                {
                    ErrorCode = nameof(FieldProblem.InvalidValue),
                });
            }
        });
        RuleFor(m => m.MetadataJson).JsonOfAtMost(FieldLimits.MessageMetadata, "Metadata");
        RuleForEach(m => m.ToolCalls).NotNull().WithMessage("must be an object").WithErrorCode(nameof(FieldProblem.NotAnObject)).ChildRules(call =>
        {
            call.RuleFor(c => c!.Id).Required().Chars(1, FieldLimits.MessageIdentifier);
            call.RuleFor(c => c!.Name).Required().Chars(1, FieldLimits.MessageIdentifier);
            call.RuleFor(c => c!.ArgumentsJson).JsonOfAtMost(FieldLimits.ToolArguments, "Arguments");
        }).When(m => m.ToolCalls is not { Count: > TranscriptRules.MaxToolCallsPerMessage });
        RuleFor(m => m.Usage).ChildRules(usage =>
        {
            usage.RuleFor(u => u!.InputTokens).AtLeast(0).AtMost(TranscriptRules.MaxTokens);
            usage.RuleFor(u => u!.OutputTokens).AtLeast(0).AtMost(TranscriptRules.MaxTokens);
            usage.RuleFor(u => u!.CacheReadInputTokens).AtLeast(0).AtMost(TranscriptRules.MaxTokens);
            usage.RuleFor(u => u!.CacheCreationInputTokens).AtLeast(0).AtMost(TranscriptRules.MaxTokens);
            usage.RuleFor(u => u!.CostUsd)
                .AtLeast(0m)
                .AtMost(TranscriptRules.MaxCostUsd)
                .Must(cost => cost is null || decimal.Round(cost.Value, TranscriptRules.CostDecimalPlaces) == cost.Value)
                .WithMessage($"must have at most {TranscriptRules.CostDecimalPlaces} decimal places")
                .WithErrorCode(nameof(FieldProblem.TooManyDecimalPlaces));
        }).When(m => m.Usage is not null);
    }

    /// <summary>
    /// Each call whose id an earlier call of the same message has, with that earlier call's index: a
    /// tool result names its call by id (ATIF's <c>source_call_id</c>, Chat Completions'
    /// <c>tool_call_id</c>), which two calls of one id leave ambiguous.
    /// </summary>
    private static IEnumerable<(int Index, int First)> RepeatedIds(IReadOnlyList<ToolCallInput?>? calls)
    {
        if (calls is null)
        {
            yield break;
        }

        var firsts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var index = 0; index < calls.Count; index++)
        {
            if (calls[index]?.Id is { } id && !firsts.TryAdd(id, index))
            {
                yield return (index, firsts[id]);
            }
        }
    }
}
