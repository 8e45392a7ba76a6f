using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sessions.Api.Tests.Infrastructure;

/// <summary>A host that keeps every log line it writes in <see cref="Logs"/>, for tests of what the service logs.</summary>
public abstract class LoggedApiFactory : ApiFactory
{
    protected LoggedApiFactory()
    {
    }

    /// <summary>A host on another host's database, or one it drops when it ends.</summary>
    protected LoggedApiFactory(TestDatabase database, bool ownsDatabase)
        : base(database, ownsDatabase)
    {
    }

    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(Logs));
    }
}
