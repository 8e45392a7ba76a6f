using Sessions.Domain.Sessions;

namespace Sessions.Domain.Tests.Sessions;

public sealed class UsageTotalsTests
{
    private static readonly UsageTotals Left = new(10, 200, 30, 40, 50, 6, 0.75m, 3);
    private static readonly UsageTotals Right = new(1, 2, 3, 4, 5, 2, 0.25m, 1);

    [Fact]
    public void KnownCost_IsNullWhenAnyUsageLacksACost()
    {
        var costed = new UsageTotals(1, 10, 5, 0, 0, 0, 0.5m, 0);
        var uncosted = new UsageTotals(1, 3, 1, 0, 0, 0, 0m, 1);

        Assert.Equal(0.5m, costed.KnownCostUsd);
        Assert.Null((costed + uncosted).KnownCostUsd);
        Assert.Equal(0.5m, (costed + uncosted - uncosted).KnownCostUsd);
    }

    [Fact]
    public void Zero_HasNoCostUnknown()
    {
        Assert.Equal(0m, UsageTotals.Zero.KnownCostUsd);
    }

    [Fact]
    public void Sum_AddsEveryFieldToItsOwn()
    {
        Assert.Equal(new UsageTotals(11, 202, 33, 44, 55, 8, 1.00m, 4), Left + Right);
    }

    [Fact]
    public void Difference_SubtractsEveryFieldFromItsOwn()
    {
        Assert.Equal(new UsageTotals(9, 198, 27, 36, 45, 4, 0.50m, 2), Left - Right);
    }

    [Fact]
    public void Of_AMessage_CountsItsTokensToolCallsAndCost()
    {
        var session = Builders.A.Session().Build();
        var priced = session.AppendMessages(null, [Builders.Draft.Assistant("a", new MessageUsage(1, 2, 3, 4, 0.5m), 2)], session.UserId, session.CreatedAt).Value[0];
        var unpriced = session.AppendMessages(null, [Builders.Draft.Assistant("b", new MessageUsage(1, 2, 3, 4, null))], session.UserId, session.CreatedAt).Value[0];
        var plain = session.AppendMessages(null, [Builders.Draft.User("c")], session.UserId, session.CreatedAt).Value[0];

        Assert.Equal(new UsageTotals(1, 1, 2, 3, 4, 2, 0.5m, 0), UsageTotals.Of(priced));
        Assert.Equal(new UsageTotals(1, 1, 2, 3, 4, 0, 0m, 1), UsageTotals.Of(unpriced));
        Assert.Equal(new UsageTotals(1, 0, 0, 0, 0, 0, 0m, 0), UsageTotals.Of(plain));
    }

    [Fact]
    public void Normalize_DropsTheTrailingZerosOfAFixedScale()
    {
        Assert.Equal("1.5", UsageTotals.Normalize(1.500000m)!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Null(UsageTotals.Normalize(null));
    }
}
