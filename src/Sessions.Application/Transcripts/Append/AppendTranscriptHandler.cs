using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Transcripts;

/// <summary>
/// Messages whose ids the session already has are retries: answered as stored, never stored twice.
/// A batch made only of retries is the retry of an append that happened, context and all: it
/// changes nothing (its context was applied with the first, and applying it again would undo what
/// changed the session since), so it is answered also once the session is frozen (a client whose
/// answer was lost learns its messages are stored; ADR 0015, as for items), from the read and
/// without a write lock. The stored ids are looked up before the lock; if the session changed
/// before the lock was taken (a concurrent append), they are looked up again under it.
/// </summary>
public sealed class AppendTranscriptHandler(SessionCommandServices services, ITranscriptStore transcripts, TranscriptLimits limits)
    : SessionCommandHandler<AppendTranscriptCommand, TranscriptMessages>(services)
{
    protected override async ValueTask<SessionPlan<TranscriptMessages>> PlanAsync(SessionRead read, Caller caller, AppendTranscriptCommand command, CancellationToken cancellationToken)
    {
        var inputs = command.Messages!.Select(m => m!).ToList();
        var sentIds = inputs.Where(m => m.Id is not null).Select(m => m.Id!.Value).Distinct().ToList();
        var stored = await FindStoredAsync(read.Session, inputs, sentIds, cancellationToken);
        if (stored is null)
        {
            return SessionPlan<TranscriptMessages>.AnswerWith(TooMuchRetried());
        }

        if (inputs.All(m => m.Id is { } id && stored.ContainsKey(id)))
        {
            return SessionPlan<TranscriptMessages>.AnswerWith(Answer(inputs, stored, [], read.Session.Version));
        }

        return SessionPlan<TranscriptMessages>.ChangeWith(async (session, now, ct) =>
        {
            // What was read before the write turn holds unless another writer moved the session since.
            var current = stored;
            if (!read.StillDescribes(session))
            {
                current = await FindStoredAsync(session, inputs, sentIds, ct);
                if (current is null)
                {
                    return TooMuchRetried();
                }
            }

            var fresh = new List<MessageInput>();
            var freshIds = new HashSet<Guid>();
            foreach (var input in inputs)
            {
                if (input.Id is not { } id || (!current.ContainsKey(id) && freshIds.Add(id)))
                {
                    fresh.Add(input);
                }
            }

            if (fresh.Count == 0)
            {
                return Answer(inputs, current, [], session.Version);
            }

            var context = command.Context is { } c
                ? new TranscriptContext(c.Agent, c.Model!, c.SystemPrompt, c.SystemPrompt is null || session.KnowsItsPromptDigest ? null : await Services.Sessions.GetPromptAsync(session.Id, ct))
                : null;
            var promptDigest = session.SystemPromptDigest;
            var appended = session.AppendMessages(context, [.. fresh.Select(m => m.ToDraft())], caller.UserId, now);
            if (!appended.IsSuccess)
            {
                return appended.Error;
            }

            if (session.SystemPromptDigest != promptDigest)
            {
                Services.Sessions.StorePrompt(new SessionPrompt(session.Id, context!.SystemPrompt!), replaces: promptDigest is not null);
            }

            transcripts.Add(appended.Value);
            return Answer(inputs, current, appended.Value, session.Version);
        });
    }

    private Error TooMuchRetried() => Error.Validation(
        nameof(AppendTranscriptCommand.Messages),
        $"names stored messages holding more than {limits.MaxRetriedText} characters of text (content, metadata and tool arguments) beyond what it sends of them, which a retry answers whole: send fewer of them at once",
        FieldProblem.TooLong);

    /// <summary>
    /// The sent ids already stored in this life of the session (none of a session created again
    /// under its id), or null when the text the answer would repeat of them beyond what the
    /// request sends of them passes <see cref="TranscriptLimits.MaxRetriedText"/>. Each message
    /// named counts its stored text less the text its input sends (a message named twice counts
    /// twice): one named by id alone counts whole, one sent again with its content nothing. So a
    /// batch that passed once passes when sent again whole, its new messages stored since, and
    /// what a few bytes can make the service hold stays bounded by the bound and the body. The
    /// rows are read no further than the bound plus the text the inputs send: a read that stops
    /// there found more than the bound allows.
    /// </summary>
    private async Task<Dictionary<Guid, SessionMessage>?> FindStoredAsync(Session session, List<MessageInput> inputs, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var named = inputs.Where(input => input.Id is not null).Select(input => (Id: input.Id!.Value, Sent: input.Text)).ToList();
        var found = (await transcripts.FindByIdsAsync(SessionLifeKey.Of(session), ids, limits.MaxRetriedText + named.Sum(n => n.Sent), cancellationToken)).ToDictionary(m => m.Id);
        var beyondSent = named.Sum(n => found.TryGetValue(n.Id, out var message) ? Math.Max(0, MessagesRead.TextOf(message) - n.Sent) : 0);
        return beyondSent > limits.MaxRetriedText ? null : found;
    }

    /// <summary>Each sent message as stored: a retried one as it was, a new one as just appended, in the order sent; with the session's version.</summary>
    private static TranscriptMessages Answer(List<MessageInput> inputs, Dictionary<Guid, SessionMessage> stored, IReadOnlyList<SessionMessage> created, long sessionVersion)
    {
        var next = new Queue<SessionMessage>(created);
        var byId = new Dictionary<Guid, SessionMessage>(stored);
        var answer = new List<MessageView>(inputs.Count);
        foreach (var input in inputs)
        {
            var message = input.Id is { } id && byId.TryGetValue(id, out var known) ? known : next.Dequeue();
            byId[message.Id] = message;
            answer.Add(MessageView.From(message));
        }

        return new TranscriptMessages(answer, sessionVersion);
    }
}
