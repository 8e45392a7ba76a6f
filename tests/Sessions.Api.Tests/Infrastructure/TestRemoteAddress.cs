using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Sessions.Api.Tests.Infrastructure;

/// <summary>
/// The in-memory test server has no network peer: this gives every request the loopback address, or
/// the one named in <see cref="Header"/>, as a real connection from that address would have, or
/// none at all for <see cref="NoAddress"/> (as the test server itself, or a Unix socket).
/// </summary>
public sealed class TestRemoteAddress : IStartupFilter
{
    public const string Header = "X-Test-Remote-Address";

    public const string NoAddress = "none";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((HttpContext context, RequestDelegate rest) =>
        {
            var named = context.Request.Headers[Header].ToString();
            context.Connection.RemoteIpAddress = named == NoAddress ? null : IPAddress.TryParse(named, out var address) ? address : IPAddress.Loopback;
            return rest(context);
        });
        next(app);
    };
}
