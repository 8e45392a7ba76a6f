using System.Net;
using Asp.Versioning;
using Asp.Versioning.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.DependencyInjection;
using Sessions.Api.Controllers;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Platform;

/// <summary>The version routing's remembered answers: over HTTP on every route kind, and the memory's rules on a table of its own.</summary>
[Collection(SharedApiCollection.Name)]
public sealed class RememberedVersionRoutesTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public void TheServiceRoutesVersions_ThroughTheRememberingPolicy()
    {
        var policies = Factory.Services.GetServices<MatcherPolicy>().ToList();

        Assert.Single(policies.OfType<RememberingApiVersionPolicy>());
        Assert.Empty(policies.OfType<ApiVersionMatcherPolicy>());
    }

    [Fact]
    public async Task EachRoute_AnswersFromItsOwnEndpoint_HoweverItsVersionIsWritten_AndErrorsStayErrors()
    {
        var (workspace, owner, session) = await AMembersSessionAsync();
        var token = owner.Token();
        var rest = $"org/{workspace.Org}/ws/{workspace.Workspace}/sessions";

        // Each segment twice (the second answer is the remembered one), interleaved over routes
        // whose tables are different nodes: a memory shared between nodes would route one to another.
        foreach (var version in (string[])["v1", "V1", "v1.0", "v2", "v1", "V1", "v1.0", "v2", "vx"])
        {
            var expected = version is "v2" or "vx" ? HttpStatusCode.BadRequest : HttpStatusCode.OK;
            var read = await Client.GetAsync($"/api/{version}/{rest}/{session}", token);
            var transcript = await Client.GetAsync($"/api/{version}/{rest}/{session}/transcript", token);
            var facets = await Client.GetAsync($"/api/{version}/{rest}/facets", token);

            if (expected == HttpStatusCode.OK)
            {
                Assert.Equal("1", read.Headers.GetValues(ApiVersions.SupportedHeader).Single());
                Assert.Equal(session.ToString(), (await read.ExpectAsync(HttpStatusCode.OK))["id"]!.GetValue<string>());
                Assert.NotNull((await transcript.ExpectAsync(HttpStatusCode.OK))["messages"]);
                Assert.NotNull((await facets.ExpectAsync(HttpStatusCode.OK))["agents"]);
            }
            else
            {
                await read.ExpectEnvelopeAsync(expected, "unsupported_api_version");
                await transcript.ExpectEnvelopeAsync(expected, "unsupported_api_version");
                await facets.ExpectEnvelopeAsync(expected, "unsupported_api_version");
            }
        }
    }

    /// <summary>
    /// The library's own table for the route of one session, alone and remembered, asked the same
    /// requests twice over: the same destination, the same version read and the same features set
    /// on the request, for versions it routes and for those it refuses.
    /// </summary>
    [Fact]
    public async Task TheLibrarysTable_AndItsRememberedForm_AnswerAlike()
    {
        var library = Factory.Services.GetServices<MatcherPolicy>().OfType<RememberingApiVersionPolicy>().Single();
        var endpoints = Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText == "api/v{version:apiVersion}/org/{org}/ws/{workspace}/sessions/{session_id}")
            .ToList<Endpoint>();
        Assert.NotEmpty(endpoints);
        var edges = library.GetEdges(endpoints).Select((edge, destination) => new PolicyJumpTableEdge(edge.State, destination)).ToList();
        var alone = ((RememberedVersionJumpTable)library.BuildJumpTable(-1, edges)).Library;
        await using var scope = Factory.Services.CreateAsyncScope();

        foreach (var segment in (string[])["v1", "V1", "v1.0", "v01", "v2", "v0", "vx", "v1.5", "v", "v1-beta"])
        {
            var remembered = new RememberedVersionJumpTable(alone);
            foreach (var _ in Enumerable.Range(0, 2))
            {
                var path = $"/api/{segment}/org/o/ws/w/sessions/{Guid.NewGuid()}";
                var byMemory = Request(path, scope.ServiceProvider);
                var byLibrary = Request(path, scope.ServiceProvider);

                Assert.Equal(alone.GetDestination(byLibrary), remembered.GetDestination(byMemory));
                Assert.Equal(byLibrary.ApiVersioningFeature.RawRequestedApiVersion, byMemory.ApiVersioningFeature.RawRequestedApiVersion);
                Assert.Equal(FeatureTypes(byLibrary), FeatureTypes(byMemory));
                Assert.Equal(segment is "v1" or "V1" or "v1.0" or "v01", !FeatureTypes(byLibrary).Any(t => t.EndsWith(".ApiVersionPolicyFeature", StringComparison.Ordinal)));
            }
        }
    }

    [Fact]
    public void ARoutedSegment_IsAnsweredFromMemory_WithTheVersionItRead()
    {
        var library = new LibraryTable();
        var table = new RememberedVersionJumpTable(library);

        Assert.Equal(7, table.GetDestination(Request("/api/v1/org/a")));
        var remembered = Request("/api/v1/org/b");
        Assert.Equal(7, table.GetDestination(remembered));

        Assert.Equal(1, library.Calls);
        Assert.Equal("1", remembered.ApiVersioningFeature.RawRequestedApiVersion);
        Assert.Equal(new ApiVersion(1, 0), remembered.ApiVersioningFeature.RequestedApiVersion);
    }

    [Fact]
    public void EachSegment_IsRememberedWithItsOwnDestination()
    {
        var library = new LibraryTable();
        var table = new RememberedVersionJumpTable(library);

        foreach (var _ in Enumerable.Range(0, 2))
        {
            Assert.Equal(7, table.GetDestination(Request("/api/v1/x")));
            Assert.Equal(8, table.GetDestination(Request("/api/V1/x")));
            Assert.Equal(9, table.GetDestination(Request("/api/v1.0/x")));
        }

        Assert.Equal(3, library.Calls);
    }

    [Fact]
    public void AnErrorAnswer_IsAskedOfTheLibraryEveryTime()
    {
        var library = new LibraryTable();
        var table = new RememberedVersionJumpTable(library);

        foreach (var _ in Enumerable.Range(0, 3))
        {
            var request = Request("/api/v2/x");
            Assert.Equal(LibraryTable.Rejected, table.GetDestination(request));
            Assert.NotNull(request.Features.Get<LibraryTable.RejectionMark>());
        }

        Assert.Equal(3, library.Calls);
    }

    [Fact]
    public void ASegmentTheLibraryReadOtherwise_IsNotRemembered()
    {
        var library = new LibraryTable { Reads = _ => "1" };
        var table = new RememberedVersionJumpTable(library);

        table.GetDestination(Request("/api/v1.0/x"));
        table.GetDestination(Request("/api/v1.0/x"));

        Assert.Equal(2, library.Calls);
    }

    [Fact]
    public void AVersionAlreadyReadFromElsewhere_GoesToTheLibrary()
    {
        var library = new LibraryTable();
        var table = new RememberedVersionJumpTable(library);
        table.GetDestination(Request("/api/v1/x"));

        var request = Request("/api/v1/x");
        request.ApiVersioningFeature.RawRequestedApiVersions = ["1.0"];
        table.GetDestination(request);

        Assert.Equal(2, library.Calls);
    }

    [Fact]
    public void NoMoreThanTheBound_AreRemembered_TheLatestLearnt()
    {
        var library = new LibraryTable { Destinations = _ => 7 };
        var table = new RememberedVersionJumpTable(library);
        var segments = Enumerable.Range(1, RememberedVersionJumpTable.MostRemembered + 2).Select(zeros => "v" + new string('0', zeros) + "1").ToList();
        void Route(IEnumerable<string> some)
        {
            foreach (var segment in some)
            {
                Assert.Equal(7, table.GetDestination(Request($"/api/{segment}/x")));
            }
        }

        Route(segments);
        Route(segments.Skip(2));
        Assert.Equal(segments.Count, library.Calls);

        Route([segments[0], segments[0]]);
        Assert.Equal(segments.Count + 1, library.Calls);

        Route([segments[2]]);
        Assert.Equal(segments.Count + 2, library.Calls);
    }

    private static DefaultHttpContext Request(string path, IServiceProvider? services = null) => new()
    {
        RequestServices = services ?? new ServiceCollection().AddSingleton<IApiVersionReader>(new UrlSegmentApiVersionReader()).BuildServiceProvider(),
        Request = { Path = path },
    };

    private static List<string> FeatureTypes(HttpContext request) => [.. request.Features.Select(f => f.Key.FullName!).Order(StringComparer.Ordinal)];

    /// <summary>
    /// What the library's table does with a URL segment version: sets the version it read (the
    /// segment after its <c>v</c>), routes the versions it knows and marks every other answer with
    /// a feature of its own.
    /// </summary>
    private sealed class LibraryTable : PolicyJumpTable
    {
        public const int Rejected = -1;

        public int Calls { get; private set; }

        public Func<string, string> Reads { get; init; } = segment => segment[1..];

        public Func<string, int?> Destinations { get; init; } = segment => segment switch
        {
            "v1" => 7,
            "V1" => 8,
            "v1.0" => 9,
            _ => null,
        };

        public override int GetDestination(HttpContext httpContext)
        {
            Calls++;
            var segment = httpContext.Request.Path.Value!.Split('/')[2];
            httpContext.ApiVersioningFeature.RawRequestedApiVersion = Reads(segment);
            if (Destinations(segment) is { } destination)
            {
                return destination;
            }

            httpContext.Features.Set(new RejectionMark());
            return Rejected;
        }

        public sealed class RejectionMark;
    }
}
