using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Sessions.Domain.Sessions;

namespace Sessions.Infrastructure.Persistence;

/// <summary>
/// A session's labels folded into one 64-bit word kept on its row (<c>sessions.label_bits</c>) and
/// in the listing index: each <c>key:value</c> sets one bit, chosen by the first byte of the
/// SHA-256 of its UTF-8 text. A label filter tests the word before it looks for the label's row,
/// so a listing that walks the index probes the labels only of sessions that may carry it
/// (ADR 0035). The word can say "maybe" of a label the session lacks (another label set the same
/// bit), never "no" of one it carries: the probe still decides.
/// </summary>
internal static class LabelBits
{
    /// <summary>The shadow property (and column <c>label_bits</c>) of <see cref="Session"/>.</summary>
    public const string Property = "LabelBits";

    /// <summary>
    /// Every bit set: labels not folded yet (a row from before the column, on a database whose
    /// migration could not compute the word in SQL). Every label filter passes it to the probe.
    /// </summary>
    public const long Unknown = -1;

    /// <summary>
    /// The bit of one label. The value's trailing spaces are left out: SQL Server's <c>=</c> ignores
    /// them, so there <c>red</c> finds a value <c>red </c>, and both must set the same bit.
    /// PostgreSQL computes the same bit as
    /// <c>1::bigint &lt;&lt; (get_byte(sha256(convert_to(key || ':' || rtrim(value, ' '), 'UTF8')), 0) &amp; 63)</c>
    /// (the migration that adds the column, its trigger, and the benchmark's seed).
    /// </summary>
    public static long Of(string key, string value)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{key}:{value.TrimEnd(' ')}"), hash);
        return 1L << (hash[0] & 63);
    }

    /// <summary>
    /// The bits of these labels together: a session's word, or what a filter by any one of them
    /// tests (a session that carries one of them has at least one of these bits). None for none.
    /// </summary>
    public static long Of(IEnumerable<(string Key, string Value)> labels) =>
        labels.Aggregate(0L, (bits, label) => bits | Of(label.Key, label.Value));

    /// <summary>
    /// Folds the labels of every session a save adds or relabels, and of every session it changes
    /// whose word is still <see cref="Unknown"/>, from the session's map (which a command has at
    /// hand without the label rows): the word is written by the statement that writes the session's
    /// row (a relabelled session's row is written anyway: its map and update time change).
    /// </summary>
    public static void Stamp(ChangeTracker tracker)
    {
        foreach (var entry in tracker.Entries<Session>())
        {
            var bits = entry.Property<long>(Property);
            var stale = entry.State switch
            {
                EntityState.Added => true,
                EntityState.Modified => entry.Property(nameof(Session.LabelMap)).IsModified || bits.CurrentValue == Unknown,
                _ => false,
            };
            if (stale && Of(Pairs(entry.Entity.LabelMap)) is var folded && folded != bits.CurrentValue)
            {
                bits.CurrentValue = folded;
            }
        }
    }

    /// <summary>A label map as its <c>key:value</c> pairs, one for each row the session has.</summary>
    public static IEnumerable<(string Key, string Value)> Pairs(IReadOnlyDictionary<string, IReadOnlyList<string>> map) =>
        map.SelectMany(pair => pair.Value, (pair, value) => (pair.Key, value));
}
