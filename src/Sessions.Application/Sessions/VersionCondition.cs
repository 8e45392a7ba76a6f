namespace Sessions.Application.Sessions;

/// <summary>An <c>If-Match</c> precondition: any version (<c>*</c>) or one of the listed versions.</summary>
public sealed record VersionCondition(bool Any, IReadOnlyList<long> Versions)
{
    public bool IsMetBy(long version) => Any || Versions.Contains(version);
}
