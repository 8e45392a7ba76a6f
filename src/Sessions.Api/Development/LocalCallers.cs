using System.Net;
using Sessions.Infrastructure;

namespace Sessions.Api.Development;

/// <summary>
/// Whether a request comes from this machine, for what Development opens to local callers only
/// (<c>POST /dev/token</c>, tokens signed with the published development key): the connection's
/// own peer is a loopback address, and so is the client address a trusted proxy forwarded for it,
/// and no forwarding header is left over. Neither address alone will do: behind forwarded headers
/// that trust every sender, any client can name 127.0.0.1 as itself; behind a proxy on this
/// machine every peer is loopback, and only the forwarded address tells a remote client apart. A
/// <c>X-Forwarded-For</c> the forwarded headers did not consume (they are off, or the chain is
/// longer than they read) or a <c>Forwarded</c> header says a proxy spoke for someone else. A
/// connection with no address at all (a Unix socket, the in-process test server) is on this machine.
/// </summary>
public static class LocalCallers
{
    /// <summary><c>Development:AllowRemoteTokens</c>: whether callers on other machines may get and use the development tokens (both the token endpoint and the published key's tokens; off unless set true).</summary>
    public static bool RemoteTokensAllowed(IConfiguration configuration) => Settings.Flag(configuration, "Development:AllowRemoteTokens", defaultValue: false);

    /// <summary>Records each request's peer before the forwarded headers replace it; runs first, in Development only.</summary>
    public static void RecordPeers(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            context.Features.Set(new Peer(context.Connection.RemoteIpAddress));
            return next(context);
        });

    /// <summary>A request whose peer was not recorded counts as remote.</summary>
    public static bool IsLocal(HttpContext context) =>
        context.Features.Get<Peer>() is { } peer
        && OnThisMachine(peer.Address)
        && OnThisMachine(context.Connection.RemoteIpAddress)
        && !context.Request.Headers.ContainsKey("X-Forwarded-For")
        && !context.Request.Headers.ContainsKey("Forwarded");

    private static bool OnThisMachine(IPAddress? address) => address is null || IPAddress.IsLoopback(address);

    private sealed record Peer(IPAddress? Address);
}
