using System.Net;
using Microsoft.EntityFrameworkCore;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Domain.Sessions;

namespace Sessions.Api.Tests.Transcripts;

/// <summary>
/// A session's prompt digest (ADR 0074) tells the prompt sent from the stored one. On PostgreSQL it
/// is also kept by the database: its migration
/// computes the digest as the service does, and a trigger sets it for a prompt row written beside
/// the service (an instance from before the digest during a rolling deploy, SQL by hand), so the
/// service never takes a prompt for the stored one when the stored one changed without it.
/// </summary>
public sealed class PromptDigestTests(CountingApiFactory factory) : ApiTest<CountingApiFactory>(factory), IClassFixture<CountingApiFactory>
{
    /// <summary>
    /// CONTRACT §5.6: a context stores the system prompt it sends. Going back to an earlier prompt is a
    /// change like any other (the digest compared is the stored prompt's, not any prompt's seen before),
    /// and the export begins with the prompt sent last.
    /// </summary>
    [Fact]
    public async Task APromptSentAgainAfterAnother_IsStoredAgain()
    {
        var workspace = await TestWorkspace.CreateAsync(Factory);
        var owner = await workspace.AddMemberAsync();
        var session = (await Client.CreateSessionAsync(workspace, owner)).Id();

        foreach (var (prompt, content) in new[] { ("Be brief.", "one"), ("Be terse.", "two"), ("Be brief.", "three") })
        {
            await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), new { context = new { model = "m", system_prompt = prompt }, messages = new[] { new { role = "user", content } } }))
                .ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(prompt, await Client.ExportedSystemPromptAsync(workspace, owner, session));
        }

        Assert.Equal(SessionPrompt.DigestOf("Be brief."), await Factory.PromptDigestAsync(session));
    }

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
        Task<string?> DigestAsync() => Factory.PromptDigestAsync(session);
        Task<IReadOnlyList<string>> AppendAsync(string prompt) => Factory.Statements.DuringAsync(async () =>
            await (await Client.PostAsync(workspace.SessionPath(session) + "/transcript", owner.Token(), new { context = new { model = "m", system_prompt = prompt }, messages = new[] { new { role = "user", content = "q" } } }))
                .ExpectAsync(HttpStatusCode.OK));
        Task<string?> ExportedAsync() => Client.ExportedSystemPromptAsync(workspace, owner, session);

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
