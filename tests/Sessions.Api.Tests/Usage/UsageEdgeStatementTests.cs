using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Sessions.Api.Tests.Infrastructure;

namespace Sessions.Api.Tests.Usage;

/// <summary>
/// A window that ends now reads its last day from the day's rows less the messages after its end
/// (none), not every message of the day up to now (ADR 0048): the statement nets the day's rows
/// and those messages per session; one that ends early in its day reads the inside.
/// </summary>
public sealed class UsageEdgeStatementTests(CountingApiFactory factory) : IClassFixture<CountingApiFactory>
{
    /// <summary>The netting's grouping, as EF Core writes it on SQLite and PostgreSQL.</summary>
    private static readonly Regex Netted = new("GROUP BY \"?u\"?\\.\"SessionId\"", RegexOptions.CultureInvariant);

    [Fact]
    public async Task AWindowEndingNow_ReadsItsLastDayFromTheRows_OneEndingEarlyInADay_ReadsItsMessages()
    {
        var client = factory.CreateClient();
        var workspace = await TestWorkspace.CreateAsync(factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await client.CreateSessionAsync(workspace, owner)).Id();
        await client.AppendAsync(workspace, owner, session, new { role = "assistant", content = "a", usage = new { input_tokens = 3, output_tokens = 1 } });
        var today = DateTime.UtcNow.Date;
        string Window(DateTime to) => $"{workspace.SessionsPath}/usage?group_by=model&from={today.AddDays(-1):yyyy-MM-dd}T00:00:00Z&to={Uri.EscapeDataString(to.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture))}";

        var endingNow = await factory.Statements.DuringAsync(async () =>
            Assert.Equal(1, (await client.GetAsync(Window(DateTime.UtcNow.AddMinutes(1)), owner.Token()).ExpectAsync(HttpStatusCode.OK))["totals"]!["message_count"]!.GetValue<long>()));
        var endingEarly = await factory.Statements.DuringAsync(async () =>
            await client.GetAsync(Window(today.AddDays(-1).AddHours(1)), owner.Token()).ExpectAsync(HttpStatusCode.OK));

        Assert.Contains(endingNow, Netted.IsMatch);
        Assert.DoesNotContain(endingEarly, Netted.IsMatch);
        Assert.Contains(endingEarly, s => s.Contains("session_messages", StringComparison.Ordinal));
    }
}
