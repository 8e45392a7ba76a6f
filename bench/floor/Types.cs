using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.EntityFrameworkCore;

namespace Floor;

/// <summary>The row the shared ceiling reads: a session's columns as the service answers them.</summary>
public sealed class SessionRow
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public string? Title { get; set; }

    public string Model { get; set; } = "";

    public string Origin { get; set; } = "user";

    public string Visibility { get; set; } = "private";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? FrozenAt { get; set; }

    public string? FrozenBy { get; set; }

    public long Version { get; set; }

    public long TotalInputTokens { get; set; }

    public long TotalOutputTokens { get; set; }
}

public sealed class FloorDb(DbContextOptions<FloorDb> options) : DbContext(options)
{
    public DbSet<SessionRow> Sessions => Set<SessionRow>();
}

[ApiController]
public sealed class SessionsController : ControllerBase
{
    /// <summary>Whether the probe runs the full stack (FLOOR_STACK=full): the GET then goes through the mediator.</summary>
    public static readonly bool Full = Environment.GetEnvironmentVariable("FLOOR_STACK") == "full";

    [HttpGet("{id:guid}")]
    public async Task<IActionResult> Get(Guid id, [FromServices] FloorDb db, [FromServices] IServiceProvider services, CancellationToken cancellationToken)
    {
        var row = Full
            ? await services.GetRequiredService<IMediator>().Send(new GetSession(id), cancellationToken)
            : await db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        return row is null ? NotFound() : Ok(row);
    }
}

public sealed record GetSession(Guid Id) : IQuery<SessionRow?>;

public sealed class GetSessionHandler(FloorDb db) : IQueryHandler<GetSession, SessionRow?>
{
    public async ValueTask<SessionRow?> Handle(GetSession query, CancellationToken cancellationToken) =>
        await db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == query.Id, cancellationToken);
}

public sealed class GetSessionValidator : AbstractValidator<GetSession>
{
    public GetSessionValidator() => RuleFor(q => q.Id).NotEmpty();
}

public sealed class ValidationBehavior<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        foreach (var validator in validators)
        {
            await validator.ValidateAndThrowAsync(message, cancellationToken);
        }

        return await next(message, cancellationToken);
    }
}

internal sealed class RouteConvention(string template) : IApplicationModelConvention
{
    public void Apply(ApplicationModel application)
    {
        foreach (var selector in application.Controllers.SelectMany(c => c.Selectors))
        {
            selector.AttributeRouteModel = new AttributeRouteModel(new RouteAttribute(template));
        }
    }
}
