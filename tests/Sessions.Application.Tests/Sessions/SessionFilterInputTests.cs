using Sessions.Application.Common.Validation;
using Sessions.Application.Sessions.List;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Tests.Sessions;

/// <summary>The list filters as the client sends them: every refusal at its parameter and index, and the criteria they become.</summary>
public sealed class SessionFilterInputTests
{
    private static readonly SessionFilterInput None = new([], [], [], [], [], [], [], null, null, null);

    [Fact]
    public void NoFilter_IsValid_AndNarrowsNothing()
    {
        Assert.Empty(None.Check());
        Assert.False(None.NarrowsSessions);
    }

    public static TheoryData<SessionFilterInput> EachFilter => new()
    {
        None with { UserIds = [Guid.NewGuid()] },
        None with { Users = [Guid.NewGuid()] },
        None with { ProjectIds = [Guid.NewGuid()] },
        None with { Agents = ["a"] },
        None with { Models = ["m"] },
        None with { Origins = ["user"] },
        None with { Labels = ["k:v"] },
        None with { Archived = "any" },
        None with { Archived = "archived" },
        None with { Search = "s" },
        None with { IncludeWorkloadSessions = true },
    };

    [Fact]
    public void TheDefaultsSpelledOut_NarrowNothing()
    {
        Assert.False((None with { Archived = "active" }).NarrowsSessions);
        Assert.False((None with { IncludeWorkloadSessions = false }).NarrowsSessions);
        Assert.False((None with { Archived = "active", IncludeWorkloadSessions = false }).NarrowsSessions);
    }

    /// <summary>A blank search is no filter (docs/api.md), of the sessions or of the groups listed beside them.</summary>
    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void ABlankSearch_NarrowsNothing(string search)
    {
        Assert.False((None with { Search = search }).NarrowsSessions);
        Assert.Null((None with { Search = search }).ToCriteria().Search);
    }

    [Theory]
    [MemberData(nameof(EachFilter))]
    public void AnyOneFilter_NarrowsTheSessions_AndIsValid(SessionFilterInput filter)
    {
        Assert.True(filter.NarrowsSessions);
        Assert.Empty(filter.Check());
    }

    [Fact]
    public void EachRepeatableParameter_TakesFiftyValues_ButNotFiftyOne()
    {
        var fifty = Enumerable.Range(0, 50).Select(i => $"v{i}").ToList();
        var ids = Enumerable.Range(0, 50).Select(_ => Guid.NewGuid()).ToList();
        var origins = Enumerable.Repeat("user", 50).ToList();

        Assert.Empty((None with { UserIds = ids, Users = ids, ProjectIds = ids, Agents = fifty, Models = fifty, Origins = origins }).Check());

        var errors = (None with { UserIds = [.. ids, Guid.NewGuid()], Users = [.. ids, Guid.NewGuid()], ProjectIds = [.. ids, Guid.NewGuid()], Agents = [.. fifty, "x"], Models = [.. fifty, "x"], Origins = [.. origins, "eval"] }).Check();

        Assert.Equal(
            [
                "UserIds: must be given at most 50 times (TooLong)",
                "Users: must be given at most 50 times (TooLong)",
                "ProjectIds: must be given at most 50 times (TooLong)",
                "Agents: must be given at most 50 times (TooLong)",
                "Models: must be given at most 50 times (TooLong)",
                "Origins: must be given at most 50 times (TooLong)",
            ],
            errors.Said());
    }

    /// <summary>Label filters have a limit of their own, 20, told once however many are sent (50 values is the other parameters' limit, not theirs).</summary>
    [Theory]
    [InlineData(21)]
    [InlineData(51)]
    public void LabelFilters_PastTwenty_AreOneError(int count)
    {
        var labels = Enumerable.Range(0, count).Select(i => $"k:{i}").ToList();

        Assert.Empty((None with { Labels = labels[..20] }).Check());
        Assert.Equal("Labels: must hold at most 20 label filters (TooLong)", Assert.Single((None with { Labels = labels }).Check()).Said());
    }

    [Fact]
    public void EmptyValuesAndNul_AreRefusedAtTheirIndex()
    {
        var errors = (None with { Agents = ["a", ""], Models = ["m\0"], Origins = [""], Labels = [""] }).Check();

        Assert.Equal(
            [
                "Agents.1: must not be empty (StringTooShort)",
                $"Models.0: {ValidationRules.NulMessage} (PatternMismatch)",
                "Origins.0: must not be empty (StringTooShort)",
                "Labels.0: must not be empty (StringTooShort)",
            ],
            errors.Said());
    }

    [Fact]
    public void AnUnknownOrigin_IsRefusedWithTheChoices()
    {
        var error = Assert.Single((None with { Origins = ["user", "robot"] }).Check());

        Assert.Equal("Origins.1: must be one of: user, eval, worker (NotAllowedValue)", error.Said());
    }

    [Theory]
    [InlineData("novalue")]
    [InlineData(":v")]
    [InlineData("k:")]
    public void ALabelFilter_MustBeKeyColonValue(string label)
    {
        var error = Assert.Single((None with { Labels = ["ok:1", label] }).Check());

        Assert.Equal("Labels.1: must be key:value (InvalidValue)", error.Said());
    }

    [Fact]
    public void AtMostTwentyLabelFilters()
    {
        var twenty = Enumerable.Range(0, 20).Select(i => $"k:{i}").ToList();

        Assert.Empty((None with { Labels = twenty }).Check());
        var error = Assert.Single((None with { Labels = [.. twenty, "k:x"] }).Check());
        Assert.Equal("Labels: must hold at most 20 label filters (TooLong)", error.Said());
    }

    [Fact]
    public void Archived_IsOneOfItsChoices()
    {
        var error = Assert.Single((None with { Archived = "Active" }).Check());

        Assert.Equal("Archived: must be one of: active, archived, any (NotAllowedValue)", error.Said());
    }

    [Fact]
    public void Search_IsAtMost200Characters_WithoutNul()
    {
        Assert.Empty((None with { Search = new string('s', 200) }).Check());

        var tooLong = Assert.Single((None with { Search = new string('s', 201) }).Check());
        var nul = Assert.Single((None with { Search = "a\0" }).Check());

        Assert.Equal("Search: must be at most 200 characters (StringTooLong)", tooLong.Said());
        Assert.Equal($"Search: {ValidationRules.NulMessage} (PatternMismatch)", nul.Said());
    }

    /// <summary><c>user_id</c> and <c>user</c> are different parameters: each alone is its owners, both together the owners they share (AND).</summary>
    [Fact]
    public void Owners_OfUserIdAndUser_CombineWithAnd()
    {
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        Assert.Null(None.ToCriteria().Owners);
        Assert.Equal([a, b], (None with { UserIds = [a, b, a] }).ToCriteria().Owners);
        Assert.Equal([b, c], (None with { Users = [b, c, c] }).ToCriteria().Owners);
        Assert.Equal([b], (None with { UserIds = [a, b], Users = [b, c, b] }).ToCriteria().Owners);
        Assert.Empty((None with { UserIds = [a], Users = [b] }).ToCriteria().Owners!);
    }

    [Fact]
    public void Criteria_DropRepeats_AndTakeTheDefaults()
    {
        var user = Guid.NewGuid();
        var project = Guid.NewGuid();

        var criteria = (None with { UserIds = [user, user], ProjectIds = [project, project], Agents = ["a", "a", "b"], Models = ["m", "m"], Origins = ["eval", "eval", "worker"], Search = "  term  " }).ToCriteria();

        Assert.Equal([user], criteria.Owners);
        Assert.Equal([project], criteria.ProjectIds);
        Assert.Equal(["a", "b"], criteria.Agents);
        Assert.Equal(["m"], criteria.Models);
        Assert.Equal([SessionOrigin.Eval, SessionOrigin.Worker], criteria.Origins);
        Assert.Equal(("term", ArchivedFilter.Active, false), (criteria.Search, criteria.Archived, criteria.IncludeWorkloadSessions));
        Assert.Empty(criteria.LabelGroups);
    }

    [Fact]
    public void Criteria_ReadArchivedBlankSearchAndWorkloads()
    {
        var criteria = (None with { Archived = "archived", Search = "   ", IncludeWorkloadSessions = true }).ToCriteria();

        Assert.Equal((ArchivedFilter.Archived, (string?)null, true), (criteria.Archived, criteria.Search, criteria.IncludeWorkloadSessions));
    }

    [Fact]
    public void Criteria_GroupLabelsByTheirPossibleKeys()
    {
        var criteria = (None with { Labels = ["team:red", "team:blue", "team:red", "env:stage:prod", "Bad:key"] }).ToCriteria();

        Assert.Equal(3, criteria.LabelGroups.Count);
        Assert.Equal([new LabelMatch("team", "red"), new LabelMatch("team", "blue")], criteria.LabelGroups[0]);
        Assert.Equal([new LabelMatch("env", "stage:prod"), new LabelMatch("env:stage", "prod")], criteria.LabelGroups[1]);
        Assert.Empty(criteria.LabelGroups[2]);
    }

    [Fact]
    public void Criteria_AFilterOfSeveralPossibleKeys_JoinsTheGroupOfTheShortestOneAnotherFilterNamesAlone()
    {
        var criteria = (None with { Labels = ["image:nginx:1.25", "image:redis", "k8s:ns:prod", "k8s:pod:x", "a:b:c", "a:b"] }).ToCriteria();

        Assert.Equal(
            [
                [new LabelMatch("image", "nginx:1.25"), new LabelMatch("image:nginx", "1.25"), new LabelMatch("image", "redis")],
                [new LabelMatch("k8s", "ns:prod"), new LabelMatch("k8s:ns", "prod")],
                [new LabelMatch("k8s", "pod:x"), new LabelMatch("k8s:pod", "x")],
                [new LabelMatch("a", "b:c"), new LabelMatch("a:b", "c"), new LabelMatch("a", "b")],
            ],
            criteria.LabelGroups);
    }

    /// <summary>A key may begin with a colon: the split is looked for from the key's second character on.</summary>
    [Fact]
    public void ALabelFilterWhoseKeyBeginsWithAColon_NamesThatKey()
    {
        var input = None with { Labels = [":a:b", ":::x"] };

        Assert.Empty(input.Check());
        Assert.Equal(
            [[new LabelMatch(":a", "b")], [new LabelMatch(":", ":x"), new LabelMatch("::", "x")]],
            input.ToCriteria().LabelGroups);
    }

    [Theory]
    [InlineData("Team:red")]
    [InlineData("a b:c")]
    [InlineData("K:V:x")]
    public void ALabelFilterWithNoValidKey_IsRefusedAtItsIndex_WithWhatAKeyMayHold(string label)
    {
        var errors = (None with { Labels = ["team:red", label] }).Check();

        Assert.Equal(["Labels.1: must be key:value with a key of 1 to 64 characters of a-z, 0-9, '_', '.', ':', '/', '-' (PatternMismatch)"], errors.Said());
    }

    [Fact]
    public void ALabelFilterWithAValidKeyAtAnyColon_IsAccepted()
    {
        Assert.Empty((None with { Labels = ["team:Red", "ok:V:x", new string('k', 64) + ":v"] }).Check());
        Assert.Single((None with { Labels = [new string('k', 65) + ":v"] }).Check());
    }
}
