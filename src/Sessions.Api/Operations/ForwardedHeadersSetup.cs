using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Sessions.Infrastructure;

namespace Sessions.Api.Operations;

/// <summary>
/// Behind a reverse proxy (<c>ForwardedHeaders:Enabled</c>, off by default), the client address and
/// scheme come from <c>X-Forwarded-For</c>/<c>X-Forwarded-Proto</c>, but only when the request
/// arrives from a proxy listed in <c>ForwardedHeaders:KnownProxies</c> (addresses) or
/// <c>ForwardedHeaders:KnownNetworks</c> (CIDR ranges); with neither listed, only loopback is trusted.
/// Anonymous rate limits then key on the real client, not on the proxy.
/// </summary>
public static class ForwardedHeadersSetup
{
    /// <summary>
    /// The default host runs the framework's own forwarded-headers middleware when
    /// <c>ForwardedHeaders_Enabled</c> is true (<c>ASPNETCORE_FORWARDEDHEADERS_ENABLED</c>, or a slip
    /// of the service's double underscore); it trusts every sender, so any client could choose its
    /// address. Refused before anything starts; a deployment that means to trust every sender (a
    /// platform whose front end is the only way in) says so with the service's own settings.
    /// </summary>
    public static void RefuseTheFrameworksSwitch(IConfiguration configuration)
    {
        if (string.Equals(configuration["ForwardedHeaders_Enabled"], "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new RefusedSettingException(
                "ForwardedHeaders_Enabled (ASPNETCORE_FORWARDEDHEADERS_ENABLED) makes the framework trust X-Forwarded-For from any sender. Set ForwardedHeaders:Enabled (ForwardedHeaders__Enabled) with ForwardedHeaders:KnownProxies or ForwardedHeaders:KnownNetworks instead (0.0.0.0/0 and ::/0 to trust every sender on purpose).");
        }
    }

    /// <summary>
    /// The forwarded-headers options the settings ask for, or null when <c>ForwardedHeaders:Enabled</c>
    /// is off; read (and a wrong value refused) before the host is built and the database touched.
    /// </summary>
    public static ForwardedHeadersOptions? OptionsFrom(IConfiguration configuration)
    {
        if (!Settings.Flag(configuration, "ForwardedHeaders:Enabled", defaultValue: false))
        {
            return null;
        }

        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        var proxies = Settings.List(configuration, "ForwardedHeaders:KnownProxies");
        var networks = Settings.List(configuration, "ForwardedHeaders:KnownNetworks");
        if (proxies.Length + networks.Length > 0)
        {
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
        }

        foreach (var proxy in proxies)
        {
            options.KnownProxies.Add(IPAddress.TryParse(proxy, out var address)
                ? address
                : throw new RefusedSettingException($"ForwardedHeaders:KnownProxies holds '{proxy}', which is not an IP address."));
        }

        foreach (var network in networks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var range)
                ? range
                : throw new RefusedSettingException($"ForwardedHeaders:KnownNetworks holds '{network}', which is not a CIDR range such as 10.0.0.0/8."));
        }

        return options;
    }

    /// <summary>Reads the forwarded headers as <paramref name="options"/> (from <see cref="OptionsFrom"/>) say; nothing when they are null.</summary>
    public static void UseServiceForwardedHeaders(this WebApplication app, ForwardedHeadersOptions? options)
    {
        if (options is not null)
        {
            app.UseForwardedHeaders(options);
        }
    }
}
