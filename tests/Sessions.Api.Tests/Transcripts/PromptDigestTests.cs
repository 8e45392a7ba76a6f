using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Domain.Sessions;

namespace Sessions.Api.Tests.Transcripts;

/// <summary>
/// On PostgreSQL a session's prompt digest (ADR 0074) is also kept by the database: its migration
/// computes the digest as the service does, and a trigger sets it for a prompt row written beside
/// the service (an instance from before the digest during a rolling deploy, SQL by hand), so the
/// service never takes a prompt for the stored one when the stored one changed without it.
/// </summary>
public sealed class PromptDigestTests(CountingApiFactory factory) : ApiTest<CountingApiFactory>(factory), IClassFixture<CountingApiFactory>
{
    [ProviderFact("Postgres")]
    public async Task PostgreSqlDigestsAPrompt_AsTheServiceDoes_InTheMigrationsExpression()
    {
        string[] prompts = ["", "Be brief.", "café", "日本語", "🙂 and text", new string('p', 100_000)];
        foreach (var prompt in prompts)
        {
            // The expression of the migration SystemPromptDigest (its backfill and its trigger).
            var inSql = await Factory.WithDbAsync(db => db.Database
                .SqlQuery<string>($"SELECT encode(sha256(convert_to({prompt}, 'UTF8')), 'hex') AS \"Value\"")
                .SingleAsync());
            Assert.Equal(SessionPrompt.DigestOf(prompt), inSql);
        }
    }

    [ProviderFact("Postgres")]
    public async Task APromptWrittenBesideTheService_SetsItsSessionsDigest_AndTheServiceComparesWithIt()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, owner)).Id();
        Task<string?> DigestAsync() => Factory.WithDbAsync(db => db.Sessions.Where(s => s.Id == session).Select(s => s.SystemPromptDigest).SingleAsync());
        Task<IReadOnlyList<string>> AppendAsync(string prompt) => Factory.Statements.DuringAsync(async () =>
            await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), new { context = new { model = "m", system_prompt = prompt }, messages = new[] { new { role = "user", content = "q" } } }))
                .ExpectAsync(HttpStatusCode.OK));
        async Task<string?> ExportedAsync()
        {
            var response = await Client.GetAsync(workspace.SessionPath(session) + "/trajectory?format=openai", owner.Token());
            var first = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray()[0]!;
            return (string?)first["role"] == "system" ? (string?)first["content"] : null;
        }

        await Factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"INSERT INTO session_prompts (session_id, system_prompt) VALUES ({session}, 'Be brief.')"));
        Assert.Equal(SessionPrompt.DigestOf("Be brief."), await DigestAsync());
        await Factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE session_prompts SET system_prompt = 'Be terse.' WHERE session_id = {session}"));
        Assert.Equal(SessionPrompt.DigestOf("Be terse."), await DigestAsync());

        // The prompt written beside the service is the stored one: sending it touches nothing of it; the earlier one is a change.
        Assert.DoesNotContain(await AppendAsync("Be terse."), s => s.Contains("session_prompts", StringComparison.Ordinal));
        Assert.Equal("Be terse.", await ExportedAsync());
        Assert.Contains(await AppendAsync("Be brief."), s => s.Contains("session_prompts", StringComparison.Ordinal));
        Assert.Equal("Be brief.", await ExportedAsync());
        Assert.Equal(SessionPrompt.DigestOf("Be brief."), await DigestAsync());
    }
}
