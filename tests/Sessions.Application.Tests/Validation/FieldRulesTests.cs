using FluentValidation;
using Sessions.Application.Common.Validation;
using Sessions.Application.Groups;
using Sessions.Application.Items;
using Sessions.Application.Sessions;
using Sessions.Application.Sessions.Create;
using Sessions.Application.Sessions.List;
using Sessions.Domain.Common;
using Sessions.Domain.Groups;

namespace Sessions.Application.Tests.Validation;

/// <summary>The field rules of the commands and queries, each at its boundary, with the words the client reads.</summary>
public sealed class FieldRulesTests
{
    private static readonly CreateSessionCommand Session = new("o", "w", Guid.NewGuid(), "model", null, null, null, null, null, null, null, null, null);
    private static readonly CreateGroupCommand Group = new("o", "w", GroupKind.Workflow, Guid.NewGuid(), null, null, null, null, null, null, null, null, null, null);
    private static readonly ItemInput Item = new("finding", "{}", null, null, null, null, null, null, null, null, null, null, null);

    [Fact]
    public async Task ASession_NeedsAnIdThatIsNotNil_AndAModel()
    {
        Assert.Empty(await Validate.ErrorsAsync(Session, new CreateSessionValidator()));
        Assert.Equal(["Id: is required (Missing)", "Model: is required (Missing)"], await Validate.ErrorsAsync(Session with { Id = null, Model = null }, new CreateSessionValidator()));
        Assert.Equal(["Id: must not be the nil UUID (InvalidValue)"], await Validate.ErrorsAsync(Session with { Id = Guid.Empty }, new CreateSessionValidator()));
    }

    [Fact]
    public async Task SessionTexts_AreBoundedByTheirLimits()
    {
        var atLimits = Session with { Model = new string('m', FieldLimits.SessionModel), Title = new string('t', FieldLimits.SessionTitle), Agent = new string('a', FieldLimits.SessionAgent), MessageCount = 0 };
        var beyond = Session with { Model = "", Title = new string('t', FieldLimits.SessionTitle + 1), Agent = "a\0", MessageCount = -1 };

        Assert.Empty(await Validate.ErrorsAsync(atLimits, new CreateSessionValidator()));
        Assert.Equal(
            [
                "Model: must not be empty (StringTooShort)",
                "Title: must be at most 255 characters (StringTooLong)",
                "Agent: must not contain U+0000 (PatternMismatch)",
                "MessageCount: must be greater than or equal to 0 (BelowMinimum)",
            ],
            await Validate.ErrorsAsync(beyond, new CreateSessionValidator()));
        Assert.Empty(await Validate.ErrorsAsync(Session with { Title = "" }, new CreateSessionValidator()));
    }

    [Fact]
    public void Labels_KeysValuesAndCounts()
    {
        var labels = new Dictionary<string, IReadOnlyList<string>>
        {
            ["ok"] = ["v"],
            ["Bad Key"] = ["v"],
            ["empty"] = [],
            ["none"] = null!,
            ["values"] = ["", new string('v', FieldLimits.LabelValue + 1), "x\0", new string('v', FieldLimits.LabelValue), "red ", " red\t"],
        };

        Assert.Equal(
            [
                "Labels.Bad Key: key must be 1 to 64 characters of a-z, 0-9, '_', '.', ':', '/', '-' (PatternMismatch)",
                "Labels.empty: must hold at least 1 value (TooShort)",
                "Labels.none: must be a list of strings (NotAList)",
                "Labels.values.0: must be 1 to 256 characters (StringTooShort)",
                "Labels.values.1: must be 1 to 256 characters (StringTooLong)",
                "Labels.values.2: must not contain U+0000 (PatternMismatch)",
                "Labels.values.4: must not end with a space (PatternMismatch)",
            ],
            SessionRules.CheckLabels(labels, "Labels").Said());
    }

    /// <summary>A rule's errors are taken as far as an answer reports them: a lazy rule over a long list is not run to its end.</summary>
    [Fact]
    public void FieldErrors_AreTakenUpToWhatAnAnswerReports()
    {
        var made = 0;
        IEnumerable<FieldError> Errors()
        {
            for (var i = 0; i < 1_000; i++)
            {
                made++;
                yield return new FieldError(["Labels", i], "wrong", FieldProblem.InvalidValue);
            }
        }

        var validator = new InlineValidator<object>();
        validator.RuleFor(o => o).Custom((_, context) => context.AddFieldErrors(Errors()));

        Assert.Equal(ValidationRules.MaxReportedErrors, validator.Validate(new object()).Errors.Count);
        Assert.Equal(ValidationRules.MaxReportedErrors, made);
    }

    [Fact]
    public void Labels_AtMostFiftyKeys_AndTwentyDistinctValues()
    {
        var fiftyKeys = Enumerable.Range(0, SessionRules.MaxLabelKeys).ToDictionary(i => $"k{i}", _ => (IReadOnlyList<string>)["v"]);
        var twentyValues = new Dictionary<string, IReadOnlyList<string>> { ["k"] = [.. Enumerable.Range(0, 20).Select(i => $"v{i}"), "v0"] };

        Assert.Empty(SessionRules.CheckLabels(fiftyKeys, "Labels"));
        Assert.Empty(SessionRules.CheckLabels(twentyValues, "Labels"));
        Assert.Equal(["Labels: must have at most 50 keys (TooLong)"], SessionRules.CheckLabels(new Dictionary<string, IReadOnlyList<string>>(fiftyKeys) { ["k50"] = ["v"] }, "Labels").Said());
        Assert.Equal(["Labels.k: must hold at most 20 distinct values (TooLong)"], SessionRules.CheckLabels(new Dictionary<string, IReadOnlyList<string>> { ["k"] = [.. Enumerable.Range(0, 21).Select(i => $"v{i}")] }, "Labels").Said());
        Assert.Equal(["Labels: must have at most 50 keys (TooLong)"], SessionRules.CheckLabels(Enumerable.Range(0, 51).ToDictionary(i => $"BAD KEY {i}", _ => (IReadOnlyList<string>)[""]), "Labels").Said());
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("team_1.x:y/z-w", true)]
    [InlineData("", false)]
    [InlineData("A", false)]
    [InlineData("é", false)]
    [InlineData("a b", false)]
    public void LabelKeys_AreLowercaseAsciiWithFewPunctuationMarks(string key, bool valid)
    {
        Assert.Equal(valid, SessionRules.IsLabelKey(key));
    }

    [Fact]
    public void LabelKeys_AreAtMost64Characters()
    {
        Assert.True(SessionRules.IsLabelKey(new string('k', FieldLimits.LabelKey)));
        Assert.False(SessionRules.IsLabelKey(new string('k', FieldLimits.LabelKey + 1)));
    }

    [Fact]
    public async Task AGroup_NeedsAKindAndAProject_AndBoundedTexts()
    {
        var text = new string('t', FieldLimits.GroupText);

        Assert.Empty(await Validate.ErrorsAsync(Group with { Title = text, Capability = text, CapabilityVersion = text, Worker = text, MetadataJson = new string(' ', FieldLimits.GroupMetadata) }, new CreateGroupValidator()));
        Assert.Equal(
            [
                "Kind: is required (Missing)",
                "ProjectId: is required (Missing)",
                "Title: must be at most 255 characters (StringTooLong)",
                "Capability: must be at most 255 characters (StringTooLong)",
                "CapabilityVersion: must be at most 255 characters (StringTooLong)",
                "Worker: must not contain U+0000 (PatternMismatch)",
                "Metadata: must be at most 65536 bytes of JSON (TooLong)",
            ],
            await Validate.ErrorsAsync(
                Group with { Kind = null, ProjectId = null, Title = text + "t", Capability = text + "t", CapabilityVersion = text + "t", Worker = "\0", MetadataJson = new string(' ', FieldLimits.GroupMetadata + 1) },
                new CreateGroupValidator()));
    }

    [Fact]
    public async Task AnItem_NeedsATypeAndData_AndBoundedTexts()
    {
        Assert.True(SessionReference.TryParse(Guid.NewGuid().ToString(), out var session));
        var command = new RecordItemCommand("o", "w", session, Item);
        var text = new string('t', FieldLimits.ItemText);
        var reference = new string('r', FieldLimits.ItemReference);
        var full = Item with { ItemType = new string('i', FieldLimits.ItemType), DataJson = new string(' ', FieldLimits.ItemData), DispositionJson = new string(' ', FieldLimits.ItemDisposition), Title = text, DedupeKey = text, Ref = reference, SchemaRef = reference, Capability = text, CapabilityVersion = text, SpanId = text, TraceId = text };
        var over = Item with { ItemType = new string('i', FieldLimits.ItemType + 1), DataJson = new string(' ', FieldLimits.ItemData + 1), DispositionJson = new string(' ', FieldLimits.ItemDisposition + 1), Title = text + "t", DedupeKey = "", Ref = reference + "r", SchemaRef = reference + "r", Capability = text + "t", CapabilityVersion = text + "t", SpanId = text + "t", TraceId = text + "t" };

        Assert.Empty(await Validate.ErrorsAsync(command with { Item = full }, new RecordItemValidator()));
        Assert.Equal(["Item: is required (Missing)"], await Validate.ErrorsAsync(command with { Item = null }, new RecordItemValidator()));
        Assert.Empty(await Validate.ErrorsAsync(command with { Item = Item with { DedupeKey = " k\t" } }, new RecordItemValidator()));
        Assert.Equal(["DedupeKey: must not end with a space (PatternMismatch)"], await Validate.ErrorsAsync(command with { Item = Item with { DedupeKey = "k " } }, new RecordItemValidator()));
        Assert.Equal(["ItemType: is required (Missing)", "Data: is required (Missing)"], await Validate.ErrorsAsync(command with { Item = Item with { ItemType = null, DataJson = null } }, new RecordItemValidator()));
        Assert.Equal(
            [
                "ItemType: must be at most 64 characters (StringTooLong)",
                "Data: must be at most 1048576 bytes of JSON (TooLong)",
                "Disposition: must be at most 65536 bytes of JSON (TooLong)",
                "Title: must be at most 255 characters (StringTooLong)",
                "DedupeKey: must not be empty (StringTooShort)",
                "Ref: must be at most 1024 characters (StringTooLong)",
                "SchemaRef: must be at most 1024 characters (StringTooLong)",
                "Capability: must be at most 255 characters (StringTooLong)",
                "CapabilityVersion: must be at most 255 characters (StringTooLong)",
                "SpanId: must be at most 255 characters (StringTooLong)",
                "TraceId: must be at most 255 characters (StringTooLong)",
            ],
            await Validate.ErrorsAsync(command with { Item = over }, new RecordItemValidator()));
    }

    [Fact]
    public async Task AListing_PagesWithinBounds_AndSortsByNamedFields()
    {
        var query = new ListSessionsQuery("o", "w", TestCallers.NoFilter, "last_message_at", "asc", 1, 1);

        Assert.Empty(await Validate.ErrorsAsync(query, new ListSessionsValidator()));
        Assert.Empty(await Validate.ErrorsAsync(query with { Page = ListSessionsQuery.MaxPage, Limit = ListSessionsQuery.MaxLimit, SortBy = null, SortDir = null }, new ListSessionsValidator()));
        Assert.Equal(
            [
                "Page: must be greater than or equal to 1 (BelowMinimum)",
                "Limit: must be less than or equal to 100 (AboveMaximum)",
                "SortBy: must be one of: updated_at, last_message_at, created_at, message_count (NotAllowedValue)",
                "SortDir: must be one of: desc, asc (NotAllowedValue)",
                "Search: must be at most 200 characters (StringTooLong)",
            ],
            await Validate.ErrorsAsync(query with { Page = 0, Limit = 101, SortBy = "title", SortDir = "up", Filter = TestCallers.NoFilter with { Search = new string('s', 201) } }, new ListSessionsValidator()));
        Assert.Equal(["Page: must be less than or equal to 1000000 (AboveMaximum)", "Limit: must be greater than or equal to 1 (BelowMinimum)"], await Validate.ErrorsAsync(query with { Page = ListSessionsQuery.MaxPage + 1, Limit = 0 }, new ListSessionsValidator()));
    }

    [Fact]
    public async Task AGroupListing_TakesKnownStatusesAndKinds_AtMostFiftyOfEach()
    {
        var query = new ListGroupsQuery("o", "w", TestCallers.NoFilter, ["running"], ["worker_run"], [Guid.NewGuid()], 1, GroupRules.MaxLimit);
        var many = Enumerable.Repeat("running", 51).ToList();

        Assert.Empty(await Validate.ErrorsAsync(query, new ListGroupsValidator()));
        Assert.Equal(
            [
                "Limit: must be less than or equal to 100 (AboveMaximum)",
                "Statuses.1: must be one of: running, completed, failed, cancelled (NotAllowedValue)",
                "Kinds.0: must be one of: worker_run, evaluation_item, workflow (NotAllowedValue)",
            ],
            await Validate.ErrorsAsync(query with { Statuses = ["running", "done"], Kinds = ["run"], Limit = GroupRules.MaxLimit + 1 }, new ListGroupsValidator()));
        Assert.Equal(
            ["Statuses: must be given at most 50 times (TooLong)", "Kinds: must be given at most 50 times (TooLong)", "ProjectIds: must be given at most 50 times (TooLong)"],
            await Validate.ErrorsAsync(query with { Statuses = many, Kinds = [.. Enumerable.Repeat("workflow", 51)], ProjectIds = [.. Enumerable.Range(0, 51).Select(_ => Guid.NewGuid())] }, new ListGroupsValidator()));
    }

    [Fact]
    public async Task AGroupListing_ChecksItsPageAndSessionFilters_AndTakesExactlyFiftyOfEach()
    {
        var query = new ListGroupsQuery("o", "w", TestCallers.NoFilter, [], [], [], 1, null);

        Assert.Equal(
            ["Page: must be greater than or equal to 1 (BelowMinimum)", "Labels.0: must be key:value (InvalidValue)"],
            await Validate.ErrorsAsync(query with { Page = 0, Filter = TestCallers.NoFilter with { Labels = ["nokey"] } }, new ListGroupsValidator()));
        Assert.Equal(["Page: must be less than or equal to 1000000 (AboveMaximum)"], await Validate.ErrorsAsync(query with { Page = ListSessionsQuery.MaxPage + 1 }, new ListGroupsValidator()));
        Assert.Empty(await Validate.ErrorsAsync(
            query with { Statuses = [.. Enumerable.Repeat("running", 50)], Kinds = [.. Enumerable.Repeat("workflow", 50)], ProjectIds = [.. Enumerable.Range(0, 50).Select(_ => Guid.NewGuid())] },
            new ListGroupsValidator()));
    }

    /// <summary>"At most 64 KiB of JSON" is bytes: a two-byte character counts twice, a four-byte one (two UTF-16 units) four times.</summary>
    [Theory]
    [InlineData("é", 2)]
    [InlineData("😀", 4)]
    [InlineData("a", 1)]
    public async Task JsonLimits_CountUtf8Bytes_NotCharacters(string character, int bytes)
    {
        string Json(int limit, int extra) => $$"""{"k":"{{string.Concat(Enumerable.Repeat(character, ((limit - 10) / bytes) + extra))}}"}""";
        var update = new UpdateGroupCommand("o", "w", Guid.NewGuid(), null, null, "{}");
        Assert.True(SessionReference.TryParse(Guid.NewGuid().ToString(), out var session));
        var item = new RecordItemCommand("o", "w", session, Item);

        Assert.Empty(await Validate.ErrorsAsync(update with { MetadataJson = Json(FieldLimits.GroupMetadata, 0) }, new UpdateGroupValidator()));
        Assert.Equal(
            [$"Metadata: must be at most {FieldLimits.GroupMetadata} bytes of JSON (TooLong)"],
            await Validate.ErrorsAsync(update with { MetadataJson = Json(FieldLimits.GroupMetadata, 11) }, new UpdateGroupValidator()));
        Assert.Empty(await Validate.ErrorsAsync(item with { Item = Item with { DataJson = Json(FieldLimits.ItemData, 0) } }, new RecordItemValidator()));
        Assert.Equal(
            [$"Data: must be at most {FieldLimits.ItemData} bytes of JSON (TooLong)"],
            await Validate.ErrorsAsync(item with { Item = Item with { DataJson = Json(FieldLimits.ItemData, 11) } }, new RecordItemValidator()));
    }

    [Fact]
    public async Task AGroupUpdate_BoundsItsTitleAndMetadata()
    {
        var update = new UpdateGroupCommand("o", "w", Guid.NewGuid(), new string('t', FieldLimits.GroupText), null, "{}");

        Assert.Empty(await Validate.ErrorsAsync(update, new UpdateGroupValidator()));
        Assert.Equal(
            [
                $"Title: must be at most {FieldLimits.GroupText} characters (StringTooLong)",
                $"Metadata: must be at most {FieldLimits.GroupMetadata} bytes of JSON (TooLong)",
            ],
            await Validate.ErrorsAsync(update with { Title = new string('t', FieldLimits.GroupText + 1), MetadataJson = $$"""{"a":"{{new string('m', FieldLimits.GroupMetadata)}}"}""" }, new UpdateGroupValidator()));
    }

    [Fact]
    public async Task ATextOfAtLeastSeveralCharacters_SaysHowMany()
    {
        Assert.Equal(["Title: must be at least 3 characters (StringTooShort)"], await Validate.ErrorsAsync(Group with { Title = "ab" }, new ThreeToTen()));
        Assert.Empty(await Validate.ErrorsAsync(Group with { Title = "abc" }, new ThreeToTen()));
    }

    private sealed class ThreeToTen : FluentValidation.AbstractValidator<CreateGroupCommand>
    {
        public ThreeToTen() => RuleFor(g => g.Title).Chars(3, 10);
    }
}
