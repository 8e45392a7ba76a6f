namespace Sessions.Domain.Common;

/// <summary>
/// A key of the client's own data in a field's path (a label key, a metadata key), written as the
/// client wrote it. The other segments of a path are member names, which the API names on the
/// wire, and indexes.
/// </summary>
public sealed record FieldKey(string Key);
