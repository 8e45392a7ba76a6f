namespace Sessions.Infrastructure.Persistence.Stores;

/// <summary>
/// What a page read tells about its listing's total (ADR 0028): a page that is not full is the
/// last one, so the listing's total is the rows before it and on it, and the listing need not be
/// gone through a second time to count it. A full page, or an empty one past the first, tells nothing.
/// </summary>
internal static class LastPage
{
    /// <summary>The listing's total when a page of <paramref name="onPage"/> rows, after <paramref name="skip"/>, asked for <paramref name="take"/>, is the last; otherwise null.</summary>
    public static long? Total(int onPage, int skip, int take) =>
        onPage < take && (onPage > 0 || skip == 0) ? skip + onPage : null;
}
