using FluentValidation;
using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Time;
using Sessions.Application.Common.Validation;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Transcripts;

/// <summary>Appends 1 to 500 messages; a message whose id the session already has is answered as stored, not stored again.</summary>
[RequiresScope(Scopes.SessionsWrite)]
public sealed record AppendTranscriptCommand(string Org, string Workspace, string SessionId, ContextInput? Context, IReadOnlyList<MessageInput?>? Messages)
    : ICommand<Result<TranscriptMessages>>, IWorkspaceRequest;

/// <summary>The messages of an append, as stored, in the order they were sent.</summary>
public sealed record TranscriptMessages(IReadOnlyList<MessageView> Messages);

public sealed class AppendTranscriptValidator : AbstractValidator<AppendTranscriptCommand>
{
    public AppendTranscriptValidator()
    {
        RuleFor(c => c.SessionId).SessionReferenceRule();
        RuleFor(c => c.Messages).Required();
        RuleFor(c => c.Messages!.Count)
            .InclusiveBetween(1, TranscriptRules.MaxMessagesPerAppend)
            .WithMessage($"must hold 1 to {TranscriptRules.MaxMessagesPerAppend} messages")
            .WithErrorCode("list_length")
            .OverridePropertyName("messages")
            .When(c => c.Messages is not null);
        RuleForEach(c => c.Messages).NotNull().WithMessage("must be an object").WithErrorCode("model_type").SetValidator(new MessageInputValidator()!);
        RuleFor(c => c.Context).ChildRules(context =>
        {
            context.RuleFor(c => c!.Model).Required().Chars(1, SessionRules.MaxModelLength);
            context.RuleFor(c => c!.Agent).Chars(0, SessionRules.MaxAgentLength);
            context.RuleFor(c => c!.SystemPrompt).Chars(0, TranscriptRules.MaxSystemPromptLength);
        }).When(c => c.Context is not null);
    }
}

public sealed class AppendTranscriptHandler(SessionAccess access, ITranscriptStore transcripts, CallerContext callers, TimeProvider clock)
    : ICommandHandler<AppendTranscriptCommand, Result<TranscriptMessages>>
{
    public async ValueTask<Result<TranscriptMessages>> Handle(AppendTranscriptCommand command, CancellationToken cancellationToken)
    {
        var loaded = await access.LoadChangeableAsync(command.SessionId, cancellationToken);
        if (!loaded.IsSuccess)
        {
            return loaded.Error;
        }

        var session = loaded.Value;
        var inputs = command.Messages!.Select(m => m!).ToList();
        var sentIds = inputs.Where(m => m.Id is not null).Select(m => m.Id!.Value).Distinct().ToList();
        var stored = (await transcripts.FindByIdsAsync(session.Id, sentIds, cancellationToken)).ToDictionary(m => m.Id);

        var fresh = new List<MessageInput>();
        var freshIds = new HashSet<Guid>();
        foreach (var input in inputs)
        {
            if (input.Id is not { } id || (!stored.ContainsKey(id) && freshIds.Add(id)))
            {
                fresh.Add(input);
            }
        }

        var context = command.Context is { } c ? new TranscriptContext(c.Agent, c.Model!, c.SystemPrompt) : null;
        var appended = session.AppendMessages(context, [.. fresh.Select(m => m.ToDraft())], callers.Current.UserId, clock.UtcNow());
        if (!appended.IsSuccess)
        {
            return appended.Error;
        }

        transcripts.Add(appended.Value);
        var created = new Queue<SessionMessage>(appended.Value);
        var byId = new Dictionary<Guid, SessionMessage>(stored);
        var answer = new List<MessageView>(inputs.Count);
        foreach (var input in inputs)
        {
            var message = input.Id is { } id && byId.TryGetValue(id, out var known) ? known : created.Dequeue();
            byId[message.Id] = message;
            answer.Add(MessageView.From(message));
        }

        return new TranscriptMessages(answer);
    }
}
