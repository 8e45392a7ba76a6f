using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Sessions.Api.Tests.Infrastructure;

/// <summary>
/// A log line as the service wrote it: its category, level, message, properties, scope properties,
/// scopes as a text logger writes them (each one's text, outermost first, joined by <c> =&gt; </c>) and exception.
/// </summary>
public sealed record CapturedLog(
    string Category,
    LogLevel Level,
    string Message,
    IReadOnlyDictionary<string, object?> Properties,
    IReadOnlyDictionary<string, object?> Scope,
    string ScopeText,
    Exception? Exception);

/// <summary>Keeps every log line of a test host, with the scopes active when it was written.</summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<CapturedLog> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = (state as IEnumerable<KeyValuePair<string, object?>>)?.ToDictionary(p => p.Key, p => p.Value) ?? [];
            var scope = new Dictionary<string, object?>();
            var texts = new List<string?>();
            owner._scopes.ForEachScope(
                (value, bag) =>
                {
                    texts.Add(value?.ToString());
                    if (value is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var (key, item) in pairs)
                        {
                            bag[key] = item;
                        }
                    }
                    else if (value is IEnumerable<KeyValuePair<string, object>> objects)
                    {
                        foreach (var (key, item) in objects)
                        {
                            bag[key] = item;
                        }
                    }
                },
                scope);
            owner.Lines.Enqueue(new CapturedLog(category, logLevel, formatter(state, exception), properties, scope, string.Join(" => ", texts), exception));
        }
    }
}
