namespace Sessions.Application.Common.Paging;

/// <summary>The page envelope's arithmetic (CONTRACT 5.4), for every listing that answers one.</summary>
public static class Paging
{
    /// <summary>How many pages of <paramref name="limit"/> hold <paramref name="total"/> items (none when there are none), and whether page <paramref name="page"/> has one after and one before it.</summary>
    public static (long TotalPages, bool HasNext, bool HasPrevious) Of(long total, int page, int limit)
    {
        var totalPages = (total + limit - 1) / limit;
        return (totalPages, page < totalPages, page > 1);
    }
}
