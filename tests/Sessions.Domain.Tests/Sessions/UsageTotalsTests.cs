using Sessions.Domain.Sessions;

namespace Sessions.Domain.Tests.Sessions;

public sealed class UsageTotalsTests
{
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
}
