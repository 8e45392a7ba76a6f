using System.Net;

namespace Sessions.Api.Development;

/// <summary>
/// Whether a request comes from this machine, for what Development opens to local callers only
/// (<c>POST /dev/token</c>, tokens signed with the published development key): the connection's
/// own peer is a loopback address, and so is the client address a trusted proxy forwarded for it.
/// Neither alone will do. Behind forwarded headers that trust every sender, any client can name
/// 127.0.0.1 as itself; behind a proxy on this machine every peer is loopback, and only the
/// forwarded address tells a remote client apart.
/// </summary>
public static class LocalCallers
{
    /// <summary>Records each request's peer before the forwarded headers replace it; runs first, in Development only.</summary>
    public static void RecordPeers(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            context.Features.Set(new Peer(context.Connection.RemoteIpAddress));
            return next(context);
        });

    /// <summary>A request whose peer was not recorded counts as remote.</summary>
    public static bool IsLocal(HttpContext context) =>
        context.Features.Get<Peer>() is { Address: { } peer }
        && IPAddress.IsLoopback(peer)
        && context.Connection.RemoteIpAddress is { } client
        && IPAddress.IsLoopback(client);

    private sealed record Peer(IPAddress? Address);
}
