using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Sessions.Application.Common.Validation;

namespace Sessions.Infrastructure.Persistence;

/// <summary>Names every table, column, key and index in snake_case, the same on every provider.</summary>
internal static class SnakeCaseNames
{
    public static void Apply(ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            if (entity.GetTableName() is { } table && !entity.IsOwned())
            {
                entity.SetTableName(FieldPath.ToSnakeCase(table));
            }

            var sharesOwnerTable = entity.FindOwnership() is { } ownership
                && ownership.PrincipalEntityType.GetTableName() == entity.GetTableName();
            foreach (var property in entity.GetProperties())
            {
                // A type stored in its owner's row shares the owner's key columns.
                if (!(sharesOwnerTable && property.IsPrimaryKey()))
                {
                    property.SetColumnName(FieldPath.ToSnakeCase(property.GetColumnName()));
                }
            }

            foreach (var complex in entity.GetComplexProperties())
            {
                NameComplex(complex, complex.Name);
            }

            foreach (var key in entity.GetKeys())
            {
                key.SetName(FieldPath.ToSnakeCase(key.GetName()!));
            }

            foreach (var foreignKey in entity.GetForeignKeys())
            {
                foreignKey.SetConstraintName(FieldPath.ToSnakeCase(foreignKey.GetConstraintName()!));
            }

            foreach (var index in entity.GetIndexes())
            {
                index.SetDatabaseName(FieldPath.ToSnakeCase(index.GetDatabaseName()!));
            }
        }
    }

    /// <summary>A complex type's columns carry its property's name: <c>TotalUsage.InputTokens</c> is <c>total_usage_input_tokens</c>.</summary>
    private static void NameComplex(IMutableComplexProperty complex, string prefix)
    {
        foreach (var property in complex.ComplexType.GetProperties())
        {
            property.SetColumnName(FieldPath.ToSnakeCase($"{prefix}{property.Name}"));
        }

        foreach (var nested in complex.ComplexType.GetComplexProperties())
        {
            NameComplex(nested, prefix + nested.Name);
        }
    }
}
