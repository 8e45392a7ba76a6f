using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Time;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Transcripts;

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
