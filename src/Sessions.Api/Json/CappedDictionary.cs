using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using NJsonSchema.Annotations;
using Sessions.Application.Sessions;
using Sessions.Domain.Common;

namespace Sessions.Api.Json;

/// <summary>
/// A JSON object of a request body read as a dictionary (a member named twice takes its last
/// value) that keeps its distinct members up to one past <paramref name="maxKeys"/> and ignores
/// later new ones as the serializer reads them: an object with more members than that is refused
/// whatever its members are, so an object of a million members no longer holds a million values
/// until the refusal (ADR 0067).
/// </summary>
public abstract class CappedDictionary<TValue>(int maxKeys) : IDictionary<string, TValue>, IReadOnlyDictionary<string, TValue>
{
    private readonly Dictionary<string, TValue> _members = new(StringComparer.Ordinal);

    public int Count => _members.Count;

    public bool IsReadOnly => false;

    public ICollection<string> Keys => _members.Keys;

    public ICollection<TValue> Values => _members.Values;

    IEnumerable<string> IReadOnlyDictionary<string, TValue>.Keys => _members.Keys;

    IEnumerable<TValue> IReadOnlyDictionary<string, TValue>.Values => _members.Values;

    /// <summary>A member's value; setting it keeps a member already kept, and a new one while no more than one past the most are kept.</summary>
    public TValue this[string key]
    {
        get => _members[key];
        set
        {
            if (_members.Count <= maxKeys || _members.ContainsKey(key))
            {
                _members[key] = value;
            }
        }
    }

    public void Add(string key, TValue value)
    {
        if (_members.Count <= maxKeys)
        {
            _members.Add(key, value);
        }
    }

    public void Add(KeyValuePair<string, TValue> item) => Add(item.Key, item.Value);

    public void Clear() => _members.Clear();

    public bool Contains(KeyValuePair<string, TValue> item) => ((ICollection<KeyValuePair<string, TValue>>)_members).Contains(item);

    public bool ContainsKey(string key) => _members.ContainsKey(key);

    public void CopyTo(KeyValuePair<string, TValue>[] array, int arrayIndex) => ((ICollection<KeyValuePair<string, TValue>>)_members).CopyTo(array, arrayIndex);

    public bool Remove(string key) => _members.Remove(key);

    public bool Remove(KeyValuePair<string, TValue> item) => ((ICollection<KeyValuePair<string, TValue>>)_members).Remove(item);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value) => _members.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator() => _members.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// A free-form JSON object (metadata, item data, a disposition) of at most
/// <paramref name="maxBytes"/> bytes of JSON. Written, each member takes 6 bytes at least
/// (<c>"k":0,</c>; one key may be empty, and the braces make up for it), so an object of more than
/// a sixth of that many members is longer than its limit, which refuses it: the members kept
/// already make it so.
/// </summary>
[JsonSchemaType(typeof(Dictionary<string, JsonElement>))]
public abstract class FreeFormDictionary(int maxBytes) : CappedDictionary<JsonElement>(maxBytes / 6);

/// <summary>A message's metadata.</summary>
public sealed class MessageMetadataDictionary() : FreeFormDictionary(FieldLimits.MessageMetadata);

/// <summary>A group's metadata.</summary>
public sealed class GroupMetadataDictionary() : FreeFormDictionary(FieldLimits.GroupMetadata);

/// <summary>An item's data.</summary>
public sealed class ItemDataDictionary() : FreeFormDictionary(FieldLimits.ItemData);

/// <summary>An item's disposition.</summary>
public sealed class ItemDispositionDictionary() : FreeFormDictionary(FieldLimits.ItemDisposition);

/// <summary>A session's labels: more than <see cref="SessionRules.MaxLabelKeys"/> keys are refused for their count, their keys and values unchecked.</summary>
[JsonSchemaType(typeof(Dictionary<string, List<string>>))]
public sealed class LabelDictionary() : CappedDictionary<List<string>>(SessionRules.MaxLabelKeys);
