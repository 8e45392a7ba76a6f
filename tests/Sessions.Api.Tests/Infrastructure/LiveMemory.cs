using System.Net;

namespace Sessions.Api.Tests.Infrastructure;

/// <summary>How much the process's live memory grows while it answers one streamed GET (tests of it run alone: other tests would disturb it).</summary>
internal static class LiveMemory
{
    /// <summary>
    /// Reads the answer of a GET of <paramref name="path"/> to its end twice, sampling live memory
    /// meanwhile: the bytes read, and the smaller of the two peaks' growth over the memory before.
    /// What the process allocates besides (a host of another test class winding down, the runtime's
    /// own) adds to one reading and seldom to both; an answer held whole grows both.
    /// </summary>
    public static async Task<(long Read, long Growth)> WhileReadingAsync(HttpClient client, string path, TestUser user)
    {
        var first = await OnceAsync(client, path, user);
        var second = await OnceAsync(client, path, user);
        return (Math.Min(first.Read, second.Read), Math.Min(first.Growth, second.Growth));
    }

    private static async Task<(long Read, long Growth)> OnceAsync(HttpClient client, string path, TestUser user)
    {
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        using var done = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
                await Task.Delay(20);
            }
        });

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", user.Token());
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        long read = 0;
        for (int n; (n = await body.ReadAsync(buffer)) > 0;)
        {
            read += n;
        }

        await done.CancelAsync();
        await sampler;
        return (read, peak - baseline);
    }
}
