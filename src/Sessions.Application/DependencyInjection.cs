using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Application.Common.Behaviors;
using Sessions.Application.Common.Security;
using Sessions.Application.Sessions;
using Sessions.Application.Sessions.Bulk;

namespace Sessions.Application;

public static class DependencyInjection
{
    /// <summary>The mediator with its pipeline (outermost first), the validators and the application services.</summary>
    public static IServiceCollection AddApplication(this IServiceCollection services)
    {
        services.AddMediator((Mediator.MediatorOptions options) =>
        {
            options.ServiceLifetime = ServiceLifetime.Scoped;
            options.PipelineBehaviors =
            [
                typeof(ErrorTranslationBehavior<,>),
                typeof(TelemetryBehavior<,>),
                typeof(AuthorizationBehavior<,>),
                typeof(ValidationBehavior<,>),
                typeof(UnitOfWorkBehavior<,>),
            ];
        });
        services.AddValidatorsFromAssemblyContaining<CallerContext>(ServiceLifetime.Singleton, includeInternalTypes: true);
        services.AddScoped<CallerContext>();
        services.AddScoped<SessionCommandServices>();
        services.AddScoped<BulkSessionRunner>();
        services.AddSingleton(TimeProvider.System);
        return services;
    }
}
