using Sessions.Domain.Sessions;

namespace Sessions.Domain.Tests.Builders;

/// <summary>
/// A session as a test needs it, in one line: <c>A.Session().Shared().Build()</c>. Unless a test
/// says otherwise it is a private session a user started, created at <see cref="Created"/> by a fresh
/// owner, with its creation event cleared so a test sees only what it does.
/// </summary>
public sealed class SessionBuilder
{
    public static readonly DateTime Created = new(2026, 11, 28, 12, 0, 0, DateTimeKind.Utc);

    private Guid _owner = Guid.NewGuid();
    private SessionOrigin _origin = SessionOrigin.User;
    private SessionVisibility _visibility = SessionVisibility.Private;
    private IReadOnlyDictionary<string, IReadOnlyList<string>> _labels = new Dictionary<string, IReadOnlyList<string>>();
    private string? _title;
    private FrozenBy? _frozenBy;
    private MessageDraft[] _messages = [];
    private bool _keepEvents;
    private bool _promptStoredBeforeDigests;

    public SessionBuilder OwnedBy(Guid owner)
    {
        _owner = owner;
        return this;
    }

    public SessionBuilder StartedBy(SessionOrigin origin)
    {
        _origin = origin;
        return this;
    }

    public SessionBuilder Shared()
    {
        _visibility = SessionVisibility.Workspace;
        return this;
    }

    public SessionBuilder Titled(string title)
    {
        _title = title;
        return this;
    }

    public SessionBuilder Labelled(IReadOnlyDictionary<string, IReadOnlyList<string>> labels)
    {
        _labels = labels;
        return this;
    }

    public SessionBuilder WithMessages(params MessageDraft[] messages)
    {
        _messages = messages;
        return this;
    }

    public SessionBuilder Frozen(FrozenBy by = FrozenBy.User)
    {
        _frozenBy = by;
        return this;
    }

    /// <summary>
    /// A session as the migration that added prompt digests leaves one whose prompt was stored
    /// before it: the prompt is stored, its digest not known. No operation of the domain makes one.
    /// </summary>
    public SessionBuilder WithPromptStoredBeforeDigests()
    {
        _promptStoredBeforeDigests = true;
        return this;
    }

    /// <summary>Keeps the events of building (creation, appends, freeze) for a test about them.</summary>
    public SessionBuilder KeepingEvents()
    {
        _keepEvents = true;
        return this;
    }

    public NewSession Spec() =>
        new(Guid.NewGuid(), "gpt-4o", _title, null, _labels, 0, _origin, _visibility, null, null, null);

    public Session Build()
    {
        var session = Session.Create(Spec(), Guid.NewGuid(), _owner, Created);
        if (_messages.Length > 0)
        {
            _ = session.AppendMessages(null, _messages, _owner, Created).Value;
        }

        if (_frozenBy is { } by)
        {
            session.Freeze(_owner, by, Created);
        }

        if (_promptStoredBeforeDigests)
        {
            typeof(Session).GetProperty(nameof(Session.SystemPromptDigest))!.SetValue(session, SessionPrompt.UnknownDigest);
        }

        if (!_keepEvents)
        {
            session.ClearDomainEvents();
        }

        return session;
    }
}

/// <summary>Entry points of the builders.</summary>
public static class A
{
    public static SessionBuilder Session() => new();
}

/// <summary>Transcript messages as a client sends them.</summary>
public static class Draft
{
    public static MessageDraft User(string content) => Message(MessageRole.User, content);

    public static MessageDraft System(string content) => Message(MessageRole.System, content);

    public static MessageDraft Assistant(string content, MessageUsage? usage = null, int toolCalls = 0) =>
        Message(MessageRole.Assistant, content, usage, toolCalls);

    public static MessageDraft Message(MessageRole role, string content, MessageUsage? usage = null, int toolCalls = 0) =>
        new(null, role, content, null, null, [.. Enumerable.Range(0, toolCalls).Select(i => new ToolCall($"c{i}", "f", "{}"))], null, usage);

    public static ItemDraft Item(string? dedupeKey, string type = "finding") =>
        new(type, "{}", null, dedupeKey, null, null, ItemSource.Api, null, null, null, null, null, null);
}
