using Asp.Versioning.Routing;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Sessions.Api.Controllers;

/// <summary>
/// Asp.Versioning's routing policy with its answers remembered. The library's jump table reads the
/// version out of the path on every request by building a route template and a matcher for each
/// route of the node (the routes carry <c>{version:apiVersion}</c>, and it reads them before it
/// looks at anything else): about a tenth of a GET's CPU under load
/// (<c>bench/results/2026-12-01-stack-costs.md</c>). Which route a version segment leads
/// to does not change while the service runs, so each node's table answers a version segment it
/// has routed once from memory (<see cref="RememberedVersionJumpTable"/>); everything else is
/// still the library's.
/// </summary>
internal sealed class RememberingApiVersionPolicy(ApiVersionMatcherPolicy library) : MatcherPolicy, IEndpointSelectorPolicy, INodeBuilderPolicy
{
    public override int Order => library.Order;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => library.AppliesToEndpoints(endpoints);

    /// <summary>The library's own answer for building a node's table, which leaves out nodes with dynamic endpoints.</summary>
    bool INodeBuilderPolicy.AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => ((INodeBuilderPolicy)library).AppliesToEndpoints(endpoints);

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates) => library.ApplyAsync(httpContext, candidates);

    public IReadOnlyList<PolicyNodeEdge> GetEdges(IReadOnlyList<Endpoint> endpoints) => library.GetEdges(endpoints);

    public PolicyJumpTable BuildJumpTable(int exitDestination, IReadOnlyList<PolicyJumpTableEdge> edges) =>
        new RememberedVersionJumpTable(library.BuildJumpTable(exitDestination, edges));

    /// <summary>
    /// Puts this policy in the place of the library's. Throws when the library registered its policy
    /// otherwise than this expects (a new version of it), so that no request is routed without it.
    /// </summary>
    public static void ReplaceTheLibrarys(IServiceCollection services)
    {
        var registered = services.SingleOrDefault(s => s.ServiceType == typeof(MatcherPolicy) && s.ImplementationType == typeof(ApiVersionMatcherPolicy))
            ?? throw new InvalidOperationException("Asp.Versioning no longer registers its ApiVersionMatcherPolicy as a MatcherPolicy: RememberingApiVersionPolicy must follow it.");
        services.Remove(registered);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, RememberingApiVersionPolicy>(
            provider => new(ActivatorUtilities.CreateInstance<ApiVersionMatcherPolicy>(provider))));
    }
}

/// <summary>
/// One routing node's version jump table, remembering the destination of each version segment (the
/// path's second, <c>v1</c> of <c>/api/v1/...</c>) that the library routed to one of the node's
/// versions. A segment it has not seen, or one the library answered with an error (a version the
/// service does not offer, one it cannot read), goes to the library every time, and so does any
/// request whose version was already read from elsewhere. Only segments the library routed are
/// remembered, and at most <see cref="MostRemembered"/> of them, the most recently learnt: a client
/// can write one version in many ways (<c>v1</c>, <c>V1</c>, <c>v1.0</c>, <c>v01</c>), and none of
/// them grows the memory past that bound or keeps a spelling out of it for good.
/// </summary>
internal sealed class RememberedVersionJumpTable(PolicyJumpTable library) : PolicyJumpTable
{
    public const int MostRemembered = 8;

    /// <summary>The library's table this one remembers the answers of; its tests compare the two tables' answers.</summary>
    public PolicyJumpTable Library => library;

    private Remembered[] _remembered = [];

    public override int GetDestination(HttpContext httpContext)
    {
        var segment = VersionSegment(httpContext.Request.Path);
        var feature = httpContext.ApiVersioningFeature;
        var readElsewhere = feature.RawRequestedApiVersions.Count > 0;
        if (!readElsewhere)
        {
            foreach (var remembered in Volatile.Read(ref _remembered))
            {
                if (segment.SequenceEqual(remembered.Segment))
                {
                    feature.RawRequestedApiVersion = remembered.Version;
                    return remembered.Destination;
                }
            }
        }

        // Every answer of the library that is not one of the node's versions sets a feature on the
        // request (its policy feature, which Kestrel counts as a change even when it is null); an
        // answer that sets none routed the version it read.
        var revision = httpContext.Features.Revision;
        var destination = library.GetDestination(httpContext);
        if (!readElsewhere
            && httpContext.Features.Revision == revision
            && feature.RawRequestedApiVersion is { } version
            && segment.Length > 1
            && segment[1..].SequenceEqual(version))
        {
            Remember(new Remembered(segment.ToString(), version, destination));
        }

        return destination;
    }

    private void Remember(Remembered remembered)
    {
        while (true)
        {
            var known = Volatile.Read(ref _remembered);
            if (Array.Exists(known, r => r.Segment == remembered.Segment))
            {
                return;
            }

            Remembered[] kept = known.Length < MostRemembered ? [.. known, remembered] : [.. known.AsSpan(1), remembered];
            if (Interlocked.CompareExchange(ref _remembered, kept, known) == known)
            {
                return;
            }
        }
    }

    /// <summary>The path's second segment (the version segment of every versioned route); empty when it has none.</summary>
    private static ReadOnlySpan<char> VersionSegment(PathString path)
    {
        var rest = path.Value.AsSpan();
        var first = rest.Length > 0 ? rest[1..].IndexOf('/') : -1;
        if (first < 0)
        {
            return [];
        }

        rest = rest[(first + 2)..];
        var end = rest.IndexOf('/');
        return end < 0 ? rest : rest[..end];
    }

    private sealed record Remembered(string Segment, string Version, int Destination);
}
