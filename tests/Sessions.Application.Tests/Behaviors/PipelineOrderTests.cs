using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Sessions.Application.Common.Behaviors;
using Sessions.Application.Common.Persistence;
using Sessions.Application.Common.Security;
using Sessions.Application.Groups;
using Sessions.Application.Sessions;
using Sessions.Application.Sessions.Freeze;
using Sessions.Application.Sessions.Get;
using Sessions.Domain.Common;

namespace Sessions.Application.Tests.Behaviors;

public sealed class PipelineOrderTests
{
    [Fact]
    public void Commands_RunTheFiveBehaviorsOutermostFirst()
    {
        using var provider = Services();
        using var scope = provider.CreateScope();

        var behaviors = scope.ServiceProvider.GetServices<IPipelineBehavior<FreezeSessionCommand, Result<SessionView>>>()
            .Select(b => b.GetType().GetGenericTypeDefinition());

        Assert.Equal(
            [typeof(ErrorTranslationBehavior<,>), typeof(TelemetryBehavior<,>), typeof(AuthorizationBehavior<,>), typeof(ValidationBehavior<,>), typeof(UnitOfWorkBehavior<,>)],
            behaviors);
    }

    [Fact]
    public void Queries_SkipTheUnitOfWork()
    {
        using var provider = Services();
        using var scope = provider.CreateScope();

        var behaviors = scope.ServiceProvider.GetServices<IPipelineBehavior<GetSessionQuery, Result<SessionView>>>()
            .Select(b => b.GetType().GetGenericTypeDefinition());

        Assert.Equal(
            [typeof(ErrorTranslationBehavior<,>), typeof(TelemetryBehavior<,>), typeof(AuthorizationBehavior<,>), typeof(ValidationBehavior<,>)],
            behaviors);
    }

    private static ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddApplication();
        services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>));
        services.AddSingleton(Mock.Of<IDatabaseErrorClassifier>());
        services.AddSingleton(Mock.Of<ICurrentUser>());
        services.AddSingleton(Mock.Of<IWorkspaceDirectory>());
        services.AddSingleton(Mock.Of<IUnitOfWork>());
        services.AddSingleton(Mock.Of<ISessionReadStore>());
        services.AddSingleton(Mock.Of<IGroupReadStore>());
        services.AddSingleton(Mock.Of<ISessionRepository>());
        return services.BuildServiceProvider();
    }
}
