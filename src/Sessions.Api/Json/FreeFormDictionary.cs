using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using NJsonSchema.Annotations;
using Sessions.Domain.Common;

namespace Sessions.Api.Json;

/// <summary>
/// A free-form JSON object of a request body (metadata, item data, a disposition), read member by
/// member as a dictionary is, a member named twice taking its last value. Of its distinct members
/// it keeps the first one past <see cref="MaxMembers"/> and ignores the later ones as the serializer
/// reads them: written, each member takes 6 bytes at least (<c>"k":0,</c>; one key may be empty,
/// and the braces make up for it), so the kept ones already make an object longer than its field's
/// limit, which refuses it, and an object of a million members no longer holds a million
/// documents until the refusal (ADR 0067).
/// </summary>
[JsonSchemaType(typeof(Dictionary<string, JsonElement>))]
public abstract class FreeFormDictionary(int maxBytes) : IDictionary<string, JsonElement>, IReadOnlyDictionary<string, JsonElement>
{
    private readonly Dictionary<string, JsonElement> _members = new(StringComparer.Ordinal);

    /// <summary>How many distinct members an object within the field's limit can have at most.</summary>
    public int MaxMembers => maxBytes / 6;

    public int Count => _members.Count;

    public bool IsReadOnly => false;

    public ICollection<string> Keys => _members.Keys;

    public ICollection<JsonElement> Values => _members.Values;

    IEnumerable<string> IReadOnlyDictionary<string, JsonElement>.Keys => _members.Keys;

    IEnumerable<JsonElement> IReadOnlyDictionary<string, JsonElement>.Values => _members.Values;

    /// <summary>A member's value; setting it keeps a member already kept, and a new one while no more than one past <see cref="MaxMembers"/> are kept.</summary>
    public JsonElement this[string key]
    {
        get => _members[key];
        set
        {
            if (_members.Count <= MaxMembers || _members.ContainsKey(key))
            {
                _members[key] = value;
            }
        }
    }

    public void Add(string key, JsonElement value)
    {
        if (_members.Count <= MaxMembers)
        {
            _members.Add(key, value);
        }
    }

    public void Add(KeyValuePair<string, JsonElement> item) => Add(item.Key, item.Value);

    public void Clear() => _members.Clear();

    public bool Contains(KeyValuePair<string, JsonElement> item) => ((ICollection<KeyValuePair<string, JsonElement>>)_members).Contains(item);

    public bool ContainsKey(string key) => _members.ContainsKey(key);

    public void CopyTo(KeyValuePair<string, JsonElement>[] array, int arrayIndex) => ((ICollection<KeyValuePair<string, JsonElement>>)_members).CopyTo(array, arrayIndex);

    public bool Remove(string key) => _members.Remove(key);

    public bool Remove(KeyValuePair<string, JsonElement> item) => ((ICollection<KeyValuePair<string, JsonElement>>)_members).Remove(item);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out JsonElement value) => _members.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, JsonElement>> GetEnumerator() => _members.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A message's metadata.</summary>
public sealed class MessageMetadataDictionary() : FreeFormDictionary(FieldLimits.MessageMetadata);

/// <summary>A group's metadata.</summary>
public sealed class GroupMetadataDictionary() : FreeFormDictionary(FieldLimits.GroupMetadata);

/// <summary>An item's data.</summary>
public sealed class ItemDataDictionary() : FreeFormDictionary(FieldLimits.ItemData);

/// <summary>An item's disposition.</summary>
public sealed class ItemDispositionDictionary() : FreeFormDictionary(FieldLimits.ItemDisposition);
