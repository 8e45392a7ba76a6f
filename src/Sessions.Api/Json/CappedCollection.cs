using System.Collections;

namespace Sessions.Api.Json;

/// <summary>
/// A list of a request body that keeps its elements up to one past its limit and, as the
/// serializer reads the later ones, holds their places with null. A list past its limit is
/// refused for its count alone, its elements unchecked (ADR 0066), so nothing needs them; each is
/// still read (the body's JSON is checked whole, and an element of the wrong type is refused at its
/// index, which the serializer counts by the list's places), but a list of millions of elements
/// holds a reference a place instead of millions of objects until the refusal (ADR 0067).
/// </summary>
public abstract class CappedCollection<T>(int limit) : ICollection<T?>, IReadOnlyList<T?>
    where T : class
{
    private readonly List<T?> _places = [];

    public int Count => _places.Count;

    public bool IsReadOnly => false;

    public T? this[int index] => _places[index];

    /// <summary>Keeps <paramref name="item"/> while fewer than one past the limit are kept, else holds its place.</summary>
    public void Add(T? item) => _places.Add(_places.Count <= limit ? item : null);

    public void Clear() => _places.Clear();

    public bool Contains(T? item) => _places.Contains(item);

    public void CopyTo(T?[] array, int arrayIndex) => _places.CopyTo(array, arrayIndex);

    public bool Remove(T? item) => _places.Remove(item);

    public IEnumerator<T?> GetEnumerator() => _places.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
