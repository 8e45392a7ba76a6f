using FluentValidation;
using Mediator;
using Sessions.Application.Common.Security;
using Sessions.Application.Common.Validation;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;

namespace Sessions.Application.Items;

public sealed class ListItemsHandler(ISessionReadStore reads, CallerContext callers, ISessionItemStore items)
    : IQueryHandler<ListItemsQuery, Result<ItemList>>
{
    public async ValueTask<Result<ItemList>> Handle(ListItemsQuery query, CancellationToken cancellationToken)
    {
        var resolved = await reads.ResolveAsync(callers.Current.Audience, query.Session, cancellationToken);
        if (!resolved.IsSuccess)
        {
            return resolved.Error;
        }

        var page = await items.ListAsync(resolved.Value, query.Limit ?? ListItemsQuery.DefaultLimit, cancellationToken);
        return new ItemList([.. page.Select(ItemView.From)]);
    }
}

public sealed class ListItemsValidator : AbstractValidator<ListItemsQuery>
{
    public ListItemsValidator() => RuleFor(q => q.Limit).AtLeast(1).AtMost(ListItemsQuery.MaxLimit);
}
