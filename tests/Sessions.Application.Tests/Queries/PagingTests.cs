using Sessions.Application.Common.Paging;

namespace Sessions.Application.Tests.Queries;

public sealed class PagingTests
{
    [Theory]
    [InlineData(0, 1, 20, 0, false, false)]
    [InlineData(1, 1, 20, 1, false, false)]
    [InlineData(20, 1, 20, 1, false, false)]
    [InlineData(21, 1, 20, 2, true, false)]
    [InlineData(21, 2, 20, 2, false, true)]
    [InlineData(60, 2, 20, 3, true, true)]
    [InlineData(5, 7, 20, 1, false, true)]
    public void ThePageEnvelope_CountsWholePages_AndTellsWhatLiesAroundThePage(long total, int page, int limit, long totalPages, bool hasNext, bool hasPrevious) =>
        Assert.Equal((totalPages, hasNext, hasPrevious), Paging.Of(total, page, limit));
}
