using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Sessions.Api.Tests.Infrastructure;

/// <summary>
/// The in-memory test server has no network peer: this gives every request the loopback address, or
/// the one named in <see cref="Header"/>, as a real connection from that address would have.
/// </summary>
public sealed class TestRemoteAddress : IStartupFilter
{
    public const string Header = "X-Test-Remote-Address";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((HttpContext context, RequestDelegate rest) =>
        {
            context.Connection.RemoteIpAddress = IPAddress.TryParse(context.Request.Headers[Header].ToString(), out var address) ? address : IPAddress.Loopback;
            return rest(context);
        });
        next(app);
    };
}
