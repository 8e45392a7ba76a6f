using System.Runtime.CompilerServices;
using FluentValidation;
using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Validation;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Items;

public sealed class ListItemsHandler(ISessionReadStore reads, CallerContext callers, ISessionItemStore items)
    : IQueryHandler<ListItemsQuery, Result<ItemList>>
{
    /// <summary>
    /// Items are read this many at a time: what a listing holds at once. An item's data and
    /// disposition are up to about 1 MiB of JSON; a page of 500 held whole was half a gigabyte.
    /// </summary>
    public const int PageSize = 10;

    public async ValueTask<Result<ItemList>> Handle(ListItemsQuery query, CancellationToken cancellationToken)
    {
        var resolved = await reads.ResolveAsync(callers.Current.Audience, query.Session, cancellationToken);
        if (!resolved.IsSuccess)
        {
            return resolved.Error;
        }

        return new ItemList(ItemsAsync(resolved.Value, query.Limit ?? ListItemsQuery.DefaultLimit, cancellationToken));
    }

    /// <summary>
    /// The newest <paramref name="limit"/> items of the life the listing found, page by page, each
    /// page after the last item listed (an item recorded meanwhile moves no item to a second
    /// place); a session deleted meanwhile ends them, one created again under its id adds none.
    /// A page lets go of each item as it is listed, so none of it is held while the next is read.
    /// </summary>
    private async IAsyncEnumerable<ItemView> ItemsAsync(SessionLifeKey session, int limit, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ItemPlace? after = null;
        for (var left = limit; left > 0;)
        {
            var take = Math.Min(left, PageSize);
            var page = new Queue<SessionItem>(await items.PageAsync(session, after, take, cancellationToken));
            var read = page.Count;
            while (page.TryDequeue(out var item))
            {
                after = ItemPlace.Of(item);
                yield return ItemView.From(item);
            }

            if (read < take)
            {
                yield break;
            }

            left -= take;
        }
    }
}

public sealed class ListItemsValidator : AbstractValidator<ListItemsQuery>
{
    public ListItemsValidator() => RuleFor(q => q.Limit).AtLeast(1).AtMost(ListItemsQuery.MaxLimit);
}
