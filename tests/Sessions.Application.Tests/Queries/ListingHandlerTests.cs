using Microsoft.Extensions.Time.Testing;
using Moq;
using Sessions.Application.Common.Security;
using Sessions.Application.Groups;
using Sessions.Application.Organizations;
using Sessions.Application.Sessions;
using Sessions.Application.Sessions.List;
using Sessions.Application.Tests.Validation;
using Sessions.Application.Transcripts;
using Sessions.Application.Usage;
using Sessions.Domain.Common;
using Sessions.Domain.Groups;
using Sessions.Domain.Organizations;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Tests.Queries;

/// <summary>Pages, orders and the tenant commands, with their ports faked.</summary>
public sealed class ListingHandlerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 13, 0, 0, TimeSpan.Zero);
    private readonly Guid _workspace = Guid.NewGuid();
    private readonly Guid _me = Guid.NewGuid();

    [Theory]
    [InlineData(1, 20, 45L, 3L, true, false)]
    [InlineData(3, 20, 45L, 3L, false, true)]
    [InlineData(2, 20, 40L, 2L, false, true)]
    [InlineData(1, 20, 0L, 0L, false, false)]
    [InlineData(2, 50, 120L, 3L, true, true)]
    public async Task SessionPages_CountPagesAndNeighbours(int page, int limit, long total, long pages, bool next, bool previous)
    {
        var reads = new Mock<ISessionReadStore>();
        reads.Setup(r => r.ListAsync(It.Is<SessionAudience>(a => a.UserId == _me && !a.SeesAllSessions), It.IsAny<SessionCriteria>(), SessionSortField.CreatedAt, SortDirection.Asc, (page - 1) * limit, limit, It.IsAny<CancellationToken>()))
            .ReturnsAsync(([], total));

        var answer = (await new ListSessionsHandler(reads.Object, Callers()).Handle(new ListSessionsQuery("o", "w", TestCallers.NoFilter, "created_at", "asc", page, limit), default)).Value;

        Assert.Equal((total, page, limit, pages, next, previous), (answer.Total, answer.Page, answer.Limit, answer.TotalPages, answer.HasNext, answer.HasPrevious));
    }

    [Fact]
    public async Task SessionPages_DefaultToTheFirstTwenty_ByUpdatedAtNewestFirst()
    {
        var reads = new Mock<ISessionReadStore>();
        reads.Setup(r => r.ListAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionCriteria>(), SessionSortField.UpdatedAt, SortDirection.Desc, 0, ListSessionsQuery.DefaultLimit, It.IsAny<CancellationToken>()))
            .ReturnsAsync(([], 1L));

        var answer = (await new ListSessionsHandler(reads.Object, Callers()).Handle(new ListSessionsQuery("o", "w", TestCallers.NoFilter, null, null, null, null), default)).Value;

        Assert.Equal((1, 20, 1L), (answer.Page, answer.Limit, answer.TotalPages));
    }

    [Fact]
    public async Task GroupPages_ReadStatusesKindsAndProjects_AndCountEachGroup()
    {
        var reads = new Mock<IGroupReadStore>();
        var group = SessionGroup.Create(new NewGroup(GroupKind.WorkerRun, Guid.NewGuid(), "g", GroupStatus.Running, null, null, null, null, null, null, null, null), _workspace, _me, Now.UtcDateTime);
        var project = Guid.NewGuid();
        reads.Setup(r => r.ListAsync(It.IsAny<GroupAudience>(), It.Is<GroupCriteria>(c => c.Statuses.SequenceEqual(new[] { GroupStatus.Failed }) && c.Kinds.SequenceEqual(new[] { GroupKind.WorkerRun }) && c.ProjectIds.SequenceEqual(new[] { project })), It.IsAny<SessionCriteria>(), true, 10, 10, It.IsAny<CancellationToken>()))
            .ReturnsAsync(([new GroupRead(group, null)], 21L));
        reads.Setup(r => r.CountsAsync(It.IsAny<SessionAudience>(), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<SessionCriteria>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Dictionary<Guid, GroupCounts> { [group.Id] = GroupCounts.None with { SessionCount = 4 } });

        var answer = (await new ListGroupsHandler(reads.Object, Callers()).Handle(
            new ListGroupsQuery("o", "w", TestCallers.NoFilter with { Agents = ["a"] }, ["failed", "failed"], ["worker_run"], [project, project], 2, 10), default)).Value;

        Assert.Equal((21L, 3L, true, true), (answer.Total, answer.TotalPages, answer.HasNext, answer.HasPrevious));
        Assert.Equal(4, Assert.Single(answer.Groups).SessionCount);
    }

    [Fact]
    public async Task GroupPages_DefaultToTheFirstTwenty_AndGroupsWithoutCountsShowNone()
    {
        var reads = new Mock<IGroupReadStore>();
        var group = SessionGroup.Create(new NewGroup(GroupKind.Workflow, Guid.NewGuid(), null, GroupStatus.Running, null, null, null, null, null, null, null, null), _workspace, _me, Now.UtcDateTime);
        reads.Setup(r => r.ListAsync(It.IsAny<GroupAudience>(), It.IsAny<GroupCriteria>(), It.IsAny<SessionCriteria>(), false, 0, GroupRules.DefaultLimit, It.IsAny<CancellationToken>()))
            .ReturnsAsync(([new GroupRead(group, null)], 1L));
        reads.Setup(r => r.CountsAsync(It.IsAny<SessionAudience>(), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<SessionCriteria>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Dictionary<Guid, GroupCounts>());

        var answer = (await new ListGroupsHandler(reads.Object, Callers()).Handle(new ListGroupsQuery("o", "w", TestCallers.NoFilter, [], [], [], null, null), default)).Value;

        Assert.Equal((1, 20, false, false), (answer.Page, answer.Limit, answer.HasNext, answer.HasPrevious));
        Assert.Equal(0, Assert.Single(answer.Groups).SessionCount);
    }

    [Theory]
    [InlineData(1, 40L, 2L, true)]
    [InlineData(2, 40L, 2L, false)]
    [InlineData(2, 41L, 3L, true)]
    public async Task GroupPages_CountWholePages(int page, long total, long pages, bool next)
    {
        var reads = new Mock<IGroupReadStore>();
        reads.Setup(r => r.ListAsync(It.IsAny<GroupAudience>(), It.IsAny<GroupCriteria>(), It.IsAny<SessionCriteria>(), false, (page - 1) * GroupRules.DefaultLimit, GroupRules.DefaultLimit, It.IsAny<CancellationToken>()))
            .ReturnsAsync(([], total));
        reads.Setup(r => r.CountsAsync(It.IsAny<SessionAudience>(), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<SessionCriteria>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Dictionary<Guid, GroupCounts>());

        var answer = (await new ListGroupsHandler(reads.Object, Callers()).Handle(new ListGroupsQuery("o", "w", TestCallers.NoFilter, [], [], [], page, null), default)).Value;

        Assert.Equal((pages, next), (answer.TotalPages, answer.HasNext));
    }

    [Fact]
    public void AUsageTally_CountsEveryKindOfToken()
    {
        var tally = new UsageTally(SessionCount: 1, MessageCount: 1, InputTokens: 1, OutputTokens: 20, CacheReadInputTokens: 300, CacheCreationInputTokens: 4000, ToolCallCount: 0, CostUsd: 0m, UncostedUsageCount: 0);

        Assert.Equal(4321, tally.Tokens);
    }

    [Fact]
    public void UsageTallies_AddEveryFigure_ExactlyPast64Bits()
    {
        var first = new UsageTally(1, 2, long.MaxValue, 4, 5, 6, 7, 8.5m, 9);
        var second = new UsageTally(10, 20, long.MaxValue, 40, 50, 60, 70, 80.25m, 90);

        Assert.Equal(new UsageTally(11, 22, 2m * long.MaxValue, 44, 55, 66, 77, 88.75m, 99), first + second);
        Assert.Equal(first, first + UsageTally.None);
    }

    /// <summary>A bucket's figures are answered as summed, tokens past 64 bits included; its cost is null while any usage lacks one.</summary>
    [Fact]
    public void UsageBuckets_AnswerTheirSums()
    {
        var sums = new UsageTally(1, 2, 3m * long.MaxValue, 4, 5, 6, 7, 8.50m, 0);

        Assert.Equal(new UsageBucket("k", 1, 2, 3m * long.MaxValue, 4, 5, 6, 7, 8.5m), UsageBucket.From("k", sums));
        Assert.Null(UsageBucket.From("k", sums with { UncostedUsageCount = 1 }).CostUsd);
    }

    /// <summary>Each kind's sum fits 64 bits and their total may not: a bucket past it still sorts by all its tokens.</summary>
    [Fact]
    public async Task Usage_ABucketWhoseTokensTogetherPass64Bits_SortsByAllOfThem()
    {
        var usage = new Mock<IUsageReadStore>();
        const long Most = 3_000_000_000_000_000_000;
        var huge = new UsageTally(1, 1, Most, Most, Most, Most, 0, 0m, 0);
        // More input tokens than the huge bucket, fewer tokens in all: a sort by one kind would put it first.
        var small = new UsageTally(1, 1, 9_000_000_000_000_000_000, 0, 0, 0, 0, 0m, 0);
        usage.Setup(u => u.SumAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionCriteria>(), It.IsAny<UsageGrouping>(), It.IsAny<UsageWindow>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(([("small", small), ("huge", huge)], small));

        var byModel = (await new GetUsageHandler(usage.Object, Callers()).Handle(new GetUsageQuery("o", "w", TestCallers.NoFilter, "model", null, null), default)).Value;

        Assert.Equal(12_000_000_000_000_000_000m, huge.Tokens);
        Assert.Equal(["huge", "small"], byModel.Buckets.Select(b => b.Key));
    }

    [Fact]
    public async Task GroupedPages_KeepTheNoGroupBucket_AndCountTheGroups()
    {
        var reads = new Mock<IGroupReadStore>();
        var group = SessionGroup.Create(new NewGroup(GroupKind.Workflow, Guid.NewGuid(), "g", GroupStatus.Running, null, null, null, null, null, null, null, null), _workspace, _me, Now.UtcDateTime);
        reads.Setup(r => r.GroupedAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionCriteria>(), 0, GroupRules.DefaultLimit, GroupedSessionsQuery.DefaultSessionsPerGroup, It.IsAny<CancellationToken>()))
            .ReturnsAsync(([(new GroupRead(group, null), [], 3L), (null, [], 5L)], 2L));
        reads.Setup(r => r.CountsAsync(It.IsAny<SessionAudience>(), It.Is<IReadOnlyCollection<Guid>>(ids => ids.SequenceEqual(new[] { group.Id })), It.IsAny<SessionCriteria>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Dictionary<Guid, GroupCounts> { [group.Id] = GroupCounts.None with { SessionCount = 3 } });

        var answer = (await new GroupedSessionsHandler(reads.Object, Callers()).Handle(new GroupedSessionsQuery("o", "w", TestCallers.NoFilter, null, null, null), default)).Value;

        Assert.Equal((2L, 1L, false, false), (answer.Total, answer.TotalPages, answer.HasNext, answer.HasPrevious));
        Assert.Equal((3L, 3L), (answer.Groups[0].SessionCount, answer.Groups[0].Group!.SessionCount));
        Assert.Equal((5L, true), (answer.Groups[1].SessionCount, answer.Groups[1].Group is null));
    }

    [Fact]
    public async Task Usage_BucketsByCostThenTokensThenKey_NoKeyLast_AndDaysInOrder()
    {
        var usage = new Mock<IUsageReadStore>();
        UsageTally Tally(decimal cost, long tokens) => new(1, 1, tokens, 0, 0, 0, 0, cost, 0);
        usage.Setup(u => u.SumAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionCriteria>(), It.Is<UsageGrouping>(g => g.Dimension == UsageDimension.Model), It.IsAny<UsageWindow>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(([("b", Tally(1m, 5)), (null, Tally(1m, 5)), ("a", Tally(1m, 5)), ("c", Tally(1m, 9)), ("d", Tally(2m, 1))], Tally(6m, 25)));
        usage.Setup(u => u.SumAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionCriteria>(), It.Is<UsageGrouping>(g => g.Dimension == UsageDimension.Day), It.IsAny<UsageWindow>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(([("2026-11-02", Tally(9m, 1)), ("2026-11-01", Tally(1m, 1))], Tally(10m, 2)));

        var byModel = (await new GetUsageHandler(usage.Object, Callers()).Handle(new GetUsageQuery("o", "w", TestCallers.NoFilter, "model", null, null), default)).Value;
        var byDay = (await new GetUsageHandler(usage.Object, Callers()).Handle(new GetUsageQuery("o", "w", TestCallers.NoFilter, "day", "2026-11-01T00:00:00Z", null), default)).Value;

        Assert.Equal(["d", "c", "a", "b", null], byModel.Buckets.Select(b => b.Key));
        Assert.Equal(("model", 6m, 25L), (byModel.GroupBy, byModel.Totals.CostUsd!.Value, byModel.Totals.InputTokens));
        Assert.Equal(["2026-11-01", "2026-11-02"], byDay.Buckets.Select(b => b.Key));
        usage.Verify(u => u.SumAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionCriteria>(), It.IsAny<UsageGrouping>(), new UsageWindow(new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), null), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Usage_ABucketOfUnknownCost_SortsByTheCostThatIsKnown_AndAnswersNull()
    {
        var usage = new Mock<IUsageReadStore>();
        UsageTally Tally(decimal cost, long uncosted) => new(1, 1, 5, 0, 0, 0, 0, cost, uncosted);
        usage.Setup(u => u.SumAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionCriteria>(), It.IsAny<UsageGrouping>(), It.IsAny<UsageWindow>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(([("costed", Tally(2m, 0)), ("partly", Tally(3m, 1)), ("unknown", Tally(0m, 2))], Tally(5m, 3)));

        var answer = (await new GetUsageHandler(usage.Object, Callers()).Handle(new GetUsageQuery("o", "w", TestCallers.NoFilter, "model", null, null), default)).Value;

        Assert.Equal(["partly", "costed", "unknown"], answer.Buckets.Select(b => b.Key));
        Assert.Equal([null, 2m, null], answer.Buckets.Select(b => b.CostUsd));
        Assert.Null(answer.Totals.CostUsd);
    }

    [Theory]
    [InlineData(WorkspaceRole.Member, Scopes.SessionsRead)]
    [InlineData(WorkspaceRole.Admin, Scopes.SessionsRead)]
    [InlineData(WorkspaceRole.Member, Scopes.SessionsEvaluate)]
    public async Task Usage_CountsWhatTheCallerSees_AdminsAndTheEvaluationServiceToo(WorkspaceRole role, string scope)
    {
        var usage = new Mock<IUsageReadStore>();
        usage.Setup(u => u.SumAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionCriteria>(), It.IsAny<UsageGrouping>(), It.IsAny<UsageWindow>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(([], UsageTally.None));

        await new GetUsageHandler(usage.Object, Callers(role, scope)).Handle(new GetUsageQuery("o", "w", TestCallers.NoFilter, "agent", null, null), default);

        usage.Verify(u => u.SumAsync(It.Is<SessionAudience>(a => !a.SeesAllSessions && a.UserId == _me && a.WorkspaceId == _workspace), It.IsAny<SessionCriteria>(), It.IsAny<UsageGrouping>(), It.IsAny<UsageWindow>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task AnOrganization_IsCreatedOnce_NamedByItsSlugUnlessNamed()
    {
        var organizations = new Mock<IOrganizationRepository>();
        organizations.Setup(o => o.FindOrganizationAsync("taken", It.IsAny<CancellationToken>())).ReturnsAsync(Organization.Create("taken", "Taken", Now.UtcDateTime));
        var handler = new CreateOrganizationHandler(organizations.Object, new FakeTimeProvider(Now));

        var created = (await handler.Handle(new CreateOrganizationCommand("acme", null), default)).Value;
        var named = (await handler.Handle(new CreateOrganizationCommand("labs", "Labs Inc."), default)).Value;
        var taken = await handler.Handle(new CreateOrganizationCommand("taken", null), default);

        Assert.Equal(("acme", "acme", Now.UtcDateTime), (created.Slug, created.Name, created.CreatedAt));
        Assert.Equal("Labs Inc.", named.Name);
        Assert.Equal((ErrorType.AlreadyExists, "An organization 'taken' already exists."), (taken.Error!.Type, taken.Error.Message));
        organizations.Verify(o => o.Add(It.IsAny<Organization>()), Times.Exactly(2));
    }

    [Fact]
    public async Task AWorkspace_BelongsToAnExistingOrganization_OnceBySlug()
    {
        var organizations = new Mock<IOrganizationRepository>();
        var acme = Organization.Create("acme", "Acme", Now.UtcDateTime);
        organizations.Setup(o => o.FindOrganizationAsync("acme", It.IsAny<CancellationToken>())).ReturnsAsync(acme);
        organizations.Setup(o => o.WorkspaceExistsAsync(acme.Id, "taken", It.IsAny<CancellationToken>())).ReturnsAsync(true);
        var handler = new CreateWorkspaceHandler(organizations.Object, new FakeTimeProvider(Now));

        var created = (await handler.Handle(new CreateWorkspaceCommand("acme", "lab", null), default)).Value;
        var taken = await handler.Handle(new CreateWorkspaceCommand("acme", "taken", "T"), default);
        var noOrganization = await handler.Handle(new CreateWorkspaceCommand("nobody", "lab", null), default);
        var badSlug = await handler.Handle(new CreateWorkspaceCommand("Not A Slug", "lab", null), default);

        Assert.Equal((acme.Id, "lab", "lab"), (created.OrganizationId, created.Slug, created.Name));
        Assert.Equal((ErrorType.AlreadyExists, "A workspace 'taken' already exists in 'acme'."), (taken.Error!.Type, taken.Error.Message));
        Assert.Equal((ErrorType.NotFound, "Organization not found."), (noOrganization.Error!.Type, noOrganization.Error.Message));
        Assert.Equal(ErrorType.NotFound, badSlug.Error!.Type);
        organizations.Verify(o => o.FindOrganizationAsync("Not A Slug", It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task SmallValidators_SayWhatIsWrong()
    {
        Assert.True(SessionReference.TryParse(Guid.NewGuid().ToString(), out var session));

        Assert.Equal(["Slug: is required (Missing)"], await Validate.ErrorsAsync(new CreateOrganizationCommand(null, null), new CreateOrganizationValidator()));
        Assert.Equal(["Slug: must be 1 to 63 characters of a-z, 0-9 and '-', not starting with '-' (^[a-z0-9][a-z0-9-]{0,62}$) (PatternMismatch)", "Name: must be at most 255 characters (StringTooLong)"], await Validate.ErrorsAsync(new CreateOrganizationCommand("-x", new string('n', 256)), new CreateOrganizationValidator()));
        Assert.Equal(["Slug: is required (Missing)", "Name: must not be empty (StringTooShort)"], await Validate.ErrorsAsync(new CreateWorkspaceCommand("acme", null, ""), new CreateWorkspaceValidator()));
        Assert.Empty(await Validate.ErrorsAsync(new CreateWorkspaceCommand("acme", "lab", new string('n', 255)), new CreateWorkspaceValidator()));
        Assert.Equal(["AfterSeq: must be greater than or equal to 0 (BelowMinimum)", "Limit: must be less than or equal to 500 (AboveMaximum)"], await Validate.ErrorsAsync(new GetTranscriptQuery("o", "w", session, -1, 501, null), new GetTranscriptValidator()));
        Assert.Empty(await Validate.ErrorsAsync(new GetTranscriptQuery("o", "w", session, 0, 500, null), new GetTranscriptValidator()));
        Assert.Equal(["Q: is required (Missing)", "AfterSeq: must be greater than or equal to 0 (BelowMinimum)", "Limit: must be greater than or equal to 1 (BelowMinimum)"], await Validate.ErrorsAsync(new SearchMessagesQuery("o", "w", session, null, -1, 0, null), new SearchMessagesValidator()));
        Assert.Equal(["Q: must be at most 200 characters (StringTooLong)", "Limit: must be less than or equal to 200 (AboveMaximum)"], await Validate.ErrorsAsync(new SearchMessagesQuery("o", "w", session, new string('q', 201), 0, 201, null), new SearchMessagesValidator()));
        Assert.Equal(
            ["Messages.1.ToolCalls.2.Id: repeats the id of tool call 0; give each call of a message an id of its own (InvalidValue)", "Messages.1.ToolCalls.3.Id: repeats the id of tool call 1; give each call of a message an id of its own (InvalidValue)",
             "Messages.1.ToolCalls.4.Id: is required (Missing)", "Messages.1.ToolCalls.6.Id: is required (Missing)"],
            await Validate.ErrorsAsync(
                new AppendTranscriptCommand("o", "w", session, null, [Calls("x"), Calls("a", "b", "a", "b", null, "A", null)]),
                new AppendTranscriptValidator()));
        Assert.Empty(await Validate.ErrorsAsync(new AppendTranscriptCommand("o", "w", session, null, [Calls("a"), Calls("a", "c"), Calls(), new MessageInput(null, MessageRole.User, "no calls", null, null, null, null, null)]), new AppendTranscriptValidator()));
        Assert.Equal(["FromSeq: is required (Missing)"], await Validate.ErrorsAsync(new RewindSessionCommand("o", "w", session, null), new RewindSessionValidator()));
        Assert.Equal(["FromSeq: must be greater than or equal to 1 (BelowMinimum)"], await Validate.ErrorsAsync(new RewindSessionCommand("o", "w", session, 0), new RewindSessionValidator()));
        Assert.Equal(["Summary: is required (Missing)", "UpToSeq: is required (Missing)"], await Validate.ErrorsAsync(new CompactTranscriptCommand("o", "w", session, null, null), new CompactTranscriptValidator()));
        Assert.Equal(["UpToSeq: must be greater than or equal to 1 (BelowMinimum)"], await Validate.ErrorsAsync(new CompactTranscriptCommand("o", "w", session, new MessageInput(null, MessageRole.System, "s", null, null, [], null, null), 0), new CompactTranscriptValidator()));
        Assert.Equal(
            ["Page: must be greater than or equal to 1 (BelowMinimum)", "Limit: must be less than or equal to 100 (AboveMaximum)", "SessionsPerGroup: must be less than or equal to 100 (AboveMaximum)"],
            await Validate.ErrorsAsync(new GroupedSessionsQuery("o", "w", TestCallers.NoFilter, 0, 101, 101), new GroupedSessionsValidator()));
        Assert.Equal(["SessionsPerGroup: must be greater than or equal to 1 (BelowMinimum)"], await Validate.ErrorsAsync(new GroupedSessionsQuery("o", "w", TestCallers.NoFilter, 1, 100, 0), new GroupedSessionsValidator()));
    }

    /// <summary>A list past its count limit is told so, once: none of its elements is checked, the tool calls' repeated ids included.</summary>
    [Fact]
    public async Task AListPastItsLimit_IsToldItsCountOnly()
    {
        Assert.True(SessionReference.TryParse(Guid.NewGuid().ToString(), out var session));
        var tooManyCalls = Calls([.. Enumerable.Repeat<string?>(null, 128), "a", "a"]);
        var tooManyMessages = Enumerable.Repeat<MessageInput?>(null, 501).ToList();

        Assert.Equal(["Messages.0.ToolCalls: must hold at most 128 tool calls (TooLong)"], await Validate.ErrorsAsync(new AppendTranscriptCommand("o", "w", session, null, [tooManyCalls]), new AppendTranscriptValidator()));
        Assert.Equal(["Messages: must hold 1 to 500 messages (ListLength)"], await Validate.ErrorsAsync(new AppendTranscriptCommand("o", "w", session, null, tooManyMessages), new AppendTranscriptValidator()));
    }

    /// <summary>A message's id is the client's to choose, but not the nil UUID: every later message sent with it would be taken for a retry of the first.</summary>
    [Fact]
    public async Task AMessageId_IsNotTheNilUuid()
    {
        Assert.True(SessionReference.TryParse(Guid.NewGuid().ToString(), out var session));
        MessageInput Message(Guid? id) => new(id, MessageRole.User, "q", null, null, null, null, null);

        Assert.Equal(["Messages.1.Id: must not be the nil UUID (InvalidValue)"], await Validate.ErrorsAsync(new AppendTranscriptCommand("o", "w", session, null, [Message(Guid.NewGuid()), Message(Guid.Empty), Message(null)]), new AppendTranscriptValidator()));
    }

    /// <summary>Of more field errors than an answer reports, the first hundred are reported, in the order found.</summary>
    [Fact]
    public async Task ManyFieldErrors_AreReportedAsTheFirstHundred()
    {
        Assert.True(SessionReference.TryParse(Guid.NewGuid().ToString(), out var session));
        var messages = Enumerable.Range(0, 300).Select(_ => new MessageInput(null, null, null, null, null, null, null, null)).ToList<MessageInput?>();

        var errors = await Validate.ErrorsAsync(new AppendTranscriptCommand("o", "w", session, null, messages), new AppendTranscriptValidator());

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"Messages.{i}.Role: is required (Missing)"), errors);
    }

    private static MessageInput Calls(params string?[] ids) =>
        new(null, MessageRole.Assistant, null, null, null, [.. ids.Select(id => new ToolCallInput(id, "f", null))], null, null);

    private CallerContext Callers(WorkspaceRole role = WorkspaceRole.Member, string scope = Scopes.SessionsRead) => TestCallers.As(_me, _workspace, role, scope);
}
