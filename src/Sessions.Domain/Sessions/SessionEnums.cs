namespace Sessions.Domain.Sessions;

/// <summary>Who or what started a session.</summary>
public enum SessionOrigin
{
    User,
    Eval,
    Worker,
}

/// <summary>Who may see a session: its owner only, or every member of its workspace.</summary>
public enum SessionVisibility
{
    Private,
    Workspace,
}

/// <summary>What froze a session: a user (owner or workspace admin) or the evaluation service.</summary>
public enum FrozenBy
{
    User,
    Evaluation,
}

/// <summary>The author role of a transcript message.</summary>
public enum MessageRole
{
    User,
    Assistant,
    Tool,
    System,
}

/// <summary>Where an item of a session came from.</summary>
public enum ItemSource
{
    Api,
    Runtime,
    Extracted,
}
