using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Sessions.Infrastructure.Persistence;

/// <summary>Every timestamp is UTC; providers that forget the kind on the way back get it restored.</summary>
public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    value => value.Kind == DateTimeKind.Utc ? value : value.ToUniversalTime(),
    value => DateTime.SpecifyKind(value, DateTimeKind.Utc));
