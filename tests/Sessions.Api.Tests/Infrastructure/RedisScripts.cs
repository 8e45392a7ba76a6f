using System.Reflection;
using System.Runtime.ExceptionServices;
using StackExchange.Redis;

namespace Sessions.Api.Tests.Infrastructure;

/// <summary>
/// Counts the scripts a host sends to Redis (each window counted there is one), through a proxy of
/// its connection that hands out proxies of its databases; everything else passes through.
/// </summary>
public sealed class RedisScripts
{
    private int _sent;

    public int Sent => Volatile.Read(ref _sent);

    public void Reset() => Interlocked.Exchange(ref _sent, 0);

    /// <summary><paramref name="connection"/>, with the scripts sent through it counted here.</summary>
    public IConnectionMultiplexer Counting(IConnectionMultiplexer connection) => CountingProxy.Wrap(connection, this);

    private void Count() => Interlocked.Increment(ref _sent);

    /// <summary>Forwards every call to its target; counts the scripts and wraps the databases handed out.</summary>
    public class CountingProxy : DispatchProxy
    {
        private object _target = null!;
        private RedisScripts _scripts = null!;

        internal static T Wrap<T>(T target, RedisScripts scripts)
            where T : class
        {
            var proxy = Create<T, CountingProxy>();
            var counting = (CountingProxy)(object)proxy;
            counting._target = target;
            counting._scripts = scripts;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (targetMethod.Name.StartsWith("ScriptEvaluate", StringComparison.Ordinal))
            {
                _scripts.Count();
            }

            try
            {
                var result = targetMethod.Invoke(_target, args);
                return result is IDatabase database ? Wrap(database, _scripts) : result;
            }
            catch (TargetInvocationException failure) when (failure.InnerException is { } inner)
            {
                ExceptionDispatchInfo.Throw(inner);
                throw;
            }
        }
    }
}
