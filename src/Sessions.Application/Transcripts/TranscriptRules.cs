using FluentValidation;
using Sessions.Application.Common.Validation;

namespace Sessions.Application.Transcripts;

/// <summary>The limits of transcript input (documented in the README and ADR 0015).</summary>
public static class TranscriptRules
{
    public const int MaxMessagesPerAppend = 500;
    public const int MaxContentLength = 2 * 1024 * 1024;
    public const int MaxIdentifierLength = 255;
    public const int MaxSystemPromptLength = 1024 * 1024;
}

/// <summary>The rules of one incoming message, reported at its path inside the request.</summary>
public sealed class MessageInputValidator : AbstractValidator<MessageInput>
{
    public MessageInputValidator()
    {
        RuleFor(m => m.Role).Required();
        RuleFor(m => m.Content).Chars(0, TranscriptRules.MaxContentLength);
        RuleFor(m => m.ToolCallId).Chars(1, TranscriptRules.MaxIdentifierLength);
        RuleForEach(m => m.ToolCalls).ChildRules(call =>
        {
            call.RuleFor(c => c.Id).Required().Chars(1, TranscriptRules.MaxIdentifierLength);
            call.RuleFor(c => c.Name).Required().Chars(1, TranscriptRules.MaxIdentifierLength);
        });
        RuleFor(m => m.Usage).ChildRules(usage =>
        {
            usage.RuleFor(u => u!.InputTokens).AtLeast(0);
            usage.RuleFor(u => u!.OutputTokens).AtLeast(0);
            usage.RuleFor(u => u!.CacheReadInputTokens).AtLeast(0);
            usage.RuleFor(u => u!.CacheCreationInputTokens).AtLeast(0);
            usage.RuleFor(u => u!.CostUsd).AtLeast(0m);
        }).When(m => m.Usage is not null);
    }
}
