namespace Sessions.Api.Tests.Infrastructure;

/// <summary>A test that reads what Linux alone tells of a process (<c>/proc</c>): reported as skipped, not as passed, elsewhere.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute() => Skip = OperatingSystem.IsLinux() ? null : "Reads /proc, which Linux alone has.";
}
