using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;

namespace Sessions.Application.Items;

/// <summary>
/// Items are changes to a session, for its owner or a workspace admin. A dedupe key already stored
/// answers that item without a write lock; under the lock it is looked up again if the session
/// changed since it was read (every recorded item moves its version), so two concurrent posts with
/// one key store one item.
/// </summary>
public sealed class RecordItemHandler(SessionCommandServices services, ISessionItemStore items)
    : SessionCommandHandler<RecordItemCommand, RecordedItem>(services)
{
    protected override async ValueTask<SessionPlan<RecordedItem>> PlanAsync(SessionRead read, Caller caller, RecordItemCommand command, CancellationToken cancellationToken)
    {
        var input = command.Item!;
        if (input.DedupeKey is { } key && await items.FindByDedupeKeyAsync(SessionLifeKey.Of(read.Session), key, cancellationToken) is { } stored)
        {
            return SessionPlan<RecordedItem>.AnswerWith(new RecordedItem(ItemView.From(stored), Created: false, read.Session.Version));
        }

        return SessionPlan<RecordedItem>.ChangeWith(async (session, now, ct) =>
        {
            var storedMeanwhile = input.DedupeKey is { } again && !read.StillDescribes(session) ? await items.FindByDedupeKeyAsync(SessionLifeKey.Of(session), again, ct) : null;
            var recorded = session.RecordItem(input.ToDraft(), storedMeanwhile, caller.Membership.OrganizationId, caller.UserId, now);
            if (!recorded.IsSuccess)
            {
                return recorded.Error;
            }

            if (recorded.Value.Created)
            {
                items.Add(recorded.Value.Item);
            }

            return new RecordedItem(ItemView.From(recorded.Value.Item), recorded.Value.Created, session.Version);
        });
    }
}
