using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// Where a process allocates, from the runtime's AllocationTick events in an EventPipe trace (one
// event about every 100 KB allocated, with the type of the object that crossed the mark and the
// allocating stack). Each event stands for the bytes since the one before it, so the sums by type
// and by allocating frame estimate where the bytes went.
//   usage: dotnet run -- TRACE.nettrace REQUESTS [SITES]
// REQUESTS (the requests served while the trace ran) turns the total into bytes per request.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Allocations TRACE.nettrace REQUESTS [SITES]");
    return 2;
}

var requests = double.Parse(args[1], CultureInfo.InvariantCulture);
var sites = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 25;
using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(args[0]));
var byType = new Dictionary<string, long>();
var bySite = new Dictionary<string, long>();
long total = 0;
foreach (var traceEvent in log.Events)
{
    if (traceEvent is not GCAllocationTickTraceData allocation)
    {
        continue;
    }

    var bytes = allocation.AllocationAmount64;
    total += bytes;
    byType[allocation.TypeName] = byType.GetValueOrDefault(allocation.TypeName) + bytes;
    var site = Site(allocation.CallStack());
    bySite[site] = bySite.GetValueOrDefault(site) + bytes;
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{total / 1048576.0:F0} MB sampled, {total / requests / 1024:F1} KB per request"));
Print("by type", byType, 20);
Print("by allocating site (the first frame outside the runtime's collections, strings and LINQ, then its caller)", bySite, sites);
return 0;

void Print(string title, Dictionary<string, long> sums, int count)
{
    Console.WriteLine($"\n{title}:");
    foreach (var (name, bytes) in sums.OrderByDescending(p => p.Value).Take(count))
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{100.0 * bytes / total,6:F2}%  {name}"));
    }
}

// The frame that asked for the memory: helpers of the base library (a StringBuilder growing, a
// List resizing, a LINQ iterator) are skipped to the code that called them.
static string Site(TraceCallStack? stack)
{
    var frames = new List<string>();
    for (var frame = stack; frame is not null && frames.Count < 2; frame = frame.Caller)
    {
        var name = frame.CodeAddress.FullMethodName;
        if (string.IsNullOrEmpty(name) || (frames.Count == 0 && IsHelper(name)))
        {
            continue;
        }

        frames.Add(Short(name));
    }

    return frames.Count == 0 ? "(no managed frame)" : string.Join(" <- ", frames);
}

static bool IsHelper(string name) =>
    name.StartsWith("System.Text.StringBuilder", StringComparison.Ordinal)
    || name.StartsWith("System.String.", StringComparison.Ordinal)
    || name.StartsWith("System.Collections.Generic.", StringComparison.Ordinal)
    || name.StartsWith("System.Linq.", StringComparison.Ordinal)
    || name.StartsWith("System.SZGenericArrayEnumerator", StringComparison.Ordinal)
    || name.StartsWith("System.Runtime.CompilerServices.AsyncTaskMethodBuilder", StringComparison.Ordinal)
    || name.StartsWith("System.GC.", StringComparison.Ordinal);

// A method without its parameter list.
static string Short(string name)
{
    var open = name.IndexOf('(', StringComparison.Ordinal);
    return open < 0 ? name : name[..open];
}
