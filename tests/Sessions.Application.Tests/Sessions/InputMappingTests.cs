using Moq;
using Sessions.Application.Common.Security;
using Sessions.Application.Groups;
using Sessions.Application.Items;
using Sessions.Application.Organizations;
using Sessions.Application.Sessions;
using Sessions.Application.Sessions.Create;
using Sessions.Application.Sessions.List;
using Sessions.Application.Tests.Validation;
using Sessions.Application.Transcripts;
using Sessions.Domain.Common;
using Sessions.Domain.Organizations;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Tests.Sessions;

/// <summary>What the input records become, and the remaining defaults of the listings.</summary>
public sealed class InputMappingTests
{

    [Fact]
    public void AMessage_BecomesADraft_WithItsDefaults()
    {
        var id = Guid.NewGuid();
        var parent = Guid.NewGuid();

        var full = new MessageInput(id, MessageRole.Assistant, "c", parent, "t", [new ToolCallInput("c1", "f", """{"x":1}"""), new ToolCallInput("c2", "g", null)], """{"m":1}""", new UsageInput(1, 2, 3, 4, 0.5m)).ToDraft();
        var bare = new MessageInput(null, MessageRole.User, null, null, null, null, null, new UsageInput(null, null, null, null, null)).ToDraft();

        Assert.Equal((id, MessageRole.Assistant, "c", parent, "t", """{"m":1}"""), (full.Id!.Value, full.Role, full.Content, full.ParentId!.Value, full.ToolCallId, full.MetadataJson));
        Assert.Equal([new ToolCall("c1", "f", """{"x":1}"""), new ToolCall("c2", "g", "{}")], full.ToolCalls);
        Assert.Equal(new MessageUsage(1, 2, 3, 4, 0.5m), full.Usage);
        Assert.Equal(("", 0), (bare.Content, bare.ToolCalls.Count));
        Assert.Equal(new MessageUsage(0, 0, 0, 0, null), bare.Usage);
        Assert.Null(new MessageInput(null, MessageRole.User, "x", null, null, null, null, null).ToDraft().Usage);
    }

    /// <summary>
    /// What a message sends is counted as a stored message's text is (<see cref="MessagesRead.TextOf(SessionMessage)"/>):
    /// its content, metadata and tool calls' arguments, and nothing for what it leaves out.
    /// </summary>
    [Fact]
    public void AMessagesText_CountsItsContentMetadataAndToolArguments()
    {
        var full = new MessageInput(null, MessageRole.Assistant, "abc", null, "t", [new ToolCallInput("c1", "f", """{"x":1}"""), new ToolCallInput("c2", "g", null), null], """{"m":12}""", null);
        var bare = new MessageInput(null, MessageRole.User, null, null, null, null, null, null);

        Assert.Equal(3 + 8 + 7, full.Text);
        Assert.Equal(0, bare.Text);
    }

    [Fact]
    public void AStoredMessage_ShowsItsMetadataAndUsage()
    {
        var session = Session.Create(new NewSession(Guid.NewGuid(), "m", null, null, new Dictionary<string, IReadOnlyList<string>>(), 0, SessionOrigin.User, SessionVisibility.Private, null, null, null), Guid.NewGuid(), Guid.NewGuid(), DateTime.UtcNow);
        var messages = session.AppendMessages(null, [
            new MessageInput(null, MessageRole.Assistant, "a", null, null, [new ToolCallInput("c", "f", """{"x":1}""")], """{"m":1}""", new UsageInput(1, 2, 3, 4, 1.50m)).ToDraft(),
            new MessageInput(null, MessageRole.User, "u", null, null, null, null, null).ToDraft(),
        ], session.UserId, DateTime.UtcNow).Value;

        var withMetadata = MessageView.From(messages[0]);
        var without = MessageView.From(messages[1]);

        Assert.Equal(1, withMetadata.Metadata!.Value.GetProperty("m").GetInt32());
        Assert.Equal(1, Assert.Single(withMetadata.ToolCalls).Arguments.GetProperty("x").GetInt32());
        Assert.Equal(new UsageReport(1, 2, 3, 4, 1.5m), withMetadata.Usage);
        Assert.Equal("1.5", withMetadata.Usage!.CostUsd!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Null(without.Metadata);
        Assert.Null(without.Usage);
    }

    [Fact]
    public void AnItem_ComesFromTheApiUnlessItSaysOtherwise()
    {
        var input = new ItemInput("t", "{}", null, null, null, null, null, null, null, null, null, null, null);

        Assert.Equal(ItemSource.Api, input.ToDraft().Source);
        Assert.Equal(ItemSource.Runtime, (input with { Source = ItemSource.Runtime }).ToDraft().Source);
    }

    [Fact]
    public async Task ItemsAreListedUpToTheLimitAsked()
    {
        var reads = new Mock<ISessionReadStore>();
        var items = new Mock<ISessionItemStore>();
        var session = Guid.NewGuid();
        reads.Setup(r => r.ResolveAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionReference>(), It.IsAny<CancellationToken>())).ReturnsAsync(Result<SessionLifeKey>.Success(new SessionLifeKey(session, DateTime.UnixEpoch)));
        items.Setup(i => i.PageAsync(new SessionLifeKey(session, DateTime.UnixEpoch), null, 7, It.IsAny<CancellationToken>())).ReturnsAsync([]);
        Assert.True(SessionReference.TryParse(session.ToString(), out var reference));

        var list = await new ListItemsHandler(reads.Object, Callers(WorkspaceRole.Member), items.Object).Handle(new ListItemsQuery("o", "w", reference, 7), default);

        Assert.Empty(await list.Value.Items.ToListAsync());
        items.Verify(i => i.PageAsync(new SessionLifeKey(session, DateTime.UnixEpoch), null, 7, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task SessionLabels_AreCheckedOnCreate()
    {
        var command = new CreateSessionCommand("o", "w", Guid.NewGuid(), "m", null, null, new Dictionary<string, IReadOnlyList<string>> { ["Bad"] = ["v"] }, null, null, null, null, null, null);

        Assert.Equal(["Labels.Bad: key must be 1 to 64 characters of a-z, 0-9, '_', '.', ':', '/', '-' (PatternMismatch)"], await Validate.ErrorsAsync(command, new CreateSessionValidator()));
        Assert.Empty(await Validate.ErrorsAsync(command with { Labels = new Dictionary<string, IReadOnlyList<string>> { ["good"] = ["v"] } }, new CreateSessionValidator()));
    }

    [Fact]
    public async Task GroupedPages_PageAsAsked()
    {
        var reads = new Mock<IGroupReadStore>();
        reads.Setup(r => r.GroupedAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionCriteria>(), 20, 10, 3, It.IsAny<CancellationToken>())).ReturnsAsync(([], 31L));
        reads.Setup(r => r.GroupedAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionCriteria>(), 30, 10, 3, It.IsAny<CancellationToken>())).ReturnsAsync(([], 31L));
        reads.Setup(r => r.CountsAsync(It.IsAny<SessionAudience>(), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<SessionCriteria>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Dictionary<Guid, GroupCounts>());

        var page = (await new GroupedSessionsHandler(reads.Object, Callers(WorkspaceRole.Member)).Handle(new GroupedSessionsQuery("o", "w", TestCallers.NoFilter, 3, 10, 3), default)).Value;
        var last = (await new GroupedSessionsHandler(reads.Object, Callers(WorkspaceRole.Member)).Handle(new GroupedSessionsQuery("o", "w", TestCallers.NoFilter, 4, 10, 3), default)).Value;

        Assert.Equal((3, 10, 31L, 4L, true, true), (page.Page, page.Limit, page.Total, page.TotalPages, page.HasNext, page.HasPrevious));
        Assert.Equal((4, 4L, false, true), (last.Page, last.TotalPages, last.HasNext, last.HasPrevious));
        Assert.Equal(["Agents.0: must not be empty (StringTooShort)"], await Validate.ErrorsAsync(new GroupedSessionsQuery("o", "w", TestCallers.NoFilter with { Agents = [""] }, null, null, null), new GroupedSessionsValidator()));
    }

    [Fact]
    public async Task GroupedPages_OnTheLastPage_HaveNoNext()
    {
        var reads = new Mock<IGroupReadStore>();
        reads.Setup(r => r.GroupedAsync(It.IsAny<SessionAudience>(), It.IsAny<SessionCriteria>(), 30, 10, It.IsAny<int>(), It.IsAny<CancellationToken>())).ReturnsAsync(([], 40L));
        reads.Setup(r => r.CountsAsync(It.IsAny<SessionAudience>(), It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<SessionCriteria>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Dictionary<Guid, GroupCounts>());

        var page = (await new GroupedSessionsHandler(reads.Object, Callers(WorkspaceRole.Member)).Handle(new GroupedSessionsQuery("o", "w", TestCallers.NoFilter, 4, 10, null), default)).Value;

        Assert.Equal((4L, false, true), (page.TotalPages, page.HasNext, page.HasPrevious));
    }

    [Fact]
    public async Task Members_AreListedForAdminsOnly()
    {
        var directory = new Mock<IWorkspaceDirectory>();
        var member = new MemberView(new UserChip(Guid.NewGuid(), null, null, null), WorkspaceRole.Member, DateTime.UtcNow, DateTime.UtcNow);
        directory.Setup(d => d.ListMembersAsync(It.IsAny<Guid>(), It.IsAny<CancellationToken>())).ReturnsAsync([member]);

        var listed = await new ListMembersHandler(directory.Object, Callers(WorkspaceRole.Admin)).Handle(new ListMembersQuery("o", "w"), default);
        var refused = await new ListMembersHandler(directory.Object, Callers(WorkspaceRole.Member)).Handle(new ListMembersQuery("o", "w"), default);

        Assert.Equal([member], listed.Value.Members);
        Assert.Equal(ErrorType.PermissionDenied, refused.Error!.Type);
    }

    private static CallerContext Callers(WorkspaceRole role) => TestCallers.As(Guid.NewGuid(), Guid.NewGuid(), role, Scopes.SessionsRead);
}
