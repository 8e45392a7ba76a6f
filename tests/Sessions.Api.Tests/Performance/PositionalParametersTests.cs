using Npgsql;
using NpgsqlTypes;
using Sessions.Infrastructure.Persistence.Providers;

namespace Sessions.Api.Tests.Performance;

/// <summary>
/// A tagged statement's named parameters become positional ones before Npgsql prepares it
/// (ADR 0080): the text is rewritten as Npgsql would rewrite it, and a text of any form the
/// rewrite does not cover is left to Npgsql unchanged.
/// </summary>
public sealed class PositionalParametersTests
{
    [Fact]
    public void Names_AreNumberedInTheOrderTheyFirstAppear_AndANameUsedTwiceIsOnePosition()
    {
        var form = PositionalParameters.Rewrite(
            "-- prepared\nSELECT s.id FROM sessions AS s WHERE s.id = @id AND s.workspace_id = @workspace AND (s.user_id = @user OR s.shared_by = @user) AND s.id <> @id",
            ["workspace", "user", "id"]);

        Assert.NotNull(form);
        Assert.Equal(
            "-- prepared\nSELECT s.id FROM sessions AS s WHERE s.id = $1 AND s.workspace_id = $2 AND (s.user_id = $3 OR s.shared_by = $3) AND s.id <> $1",
            form.Text);
        Assert.Equal(["id", "workspace", "user"], form.Names);
    }

    [Fact]
    public void QuotesCommentsAndOperators_AreNotParameters()
    {
        const string Text = "-- a tag with @id\nSELECT 'user@id' AS \"x@id\", s.labels @> @labels /* @id /* nested @id */ still @id */ FROM sessions AS s WHERE s.id = @id AND @@id IS NULL AND s.model::text = 'it''s @id'";

        var form = PositionalParameters.Rewrite(Text, ["labels", "id"]);

        Assert.NotNull(form);
        Assert.Equal(
            "-- a tag with @id\nSELECT 'user@id' AS \"x@id\", s.labels @> $1 /* @id /* nested @id */ still @id */ FROM sessions AS s WHERE s.id = $2 AND @@id IS NULL AND s.model::text = 'it''s @id'",
            form.Text);
        Assert.Equal(["labels", "id"], form.Names);
    }

    [Theory]
    [InlineData("SELECT $1 WHERE s.id = @id", "id")]
    [InlineData("SELECT $$a$$ WHERE s.id = @id", "id")]
    [InlineData("SELECT E'\\n' WHERE s.id = @id", "id")]
    [InlineData("SELECT 1 WHERE s.id = @id; SELECT 2", "id")]
    [InlineData("SELECT 1 WHERE s.id = :id", "id")]
    [InlineData("SELECT 1 WHERE s.id = @other", "id")]
    [InlineData("SELECT 1 WHERE s.id = @id", "id", "unused")]
    [InlineData("SELECT 1 WHERE s.id = @id", "id", "id")]
    [InlineData("SELECT 1 WHERE s.id = @ID", "id")]
    [InlineData("SELECT 'open WHERE s.id = @id", "id")]
    [InlineData("SELECT 1 /* open WHERE s.id = @id", "id")]
    public void ATextOfAnotherForm_IsLeftToNpgsql(string text, params string[] names) =>
        Assert.Null(PositionalParameters.Rewrite(text, names));

    [Fact]
    public void ACommand_GetsThePositionalTextAndItsParametersInOrder_Unnamed()
    {
        var id = Guid.NewGuid();
        var workspace = Guid.NewGuid();
        using var command = new NpgsqlCommand("-- prepared\nSELECT s.id FROM sessions AS s WHERE s.workspace_id = @workspace AND s.id = @identifier");
        command.Parameters.Add(new NpgsqlParameter("@identifier", NpgsqlDbType.Uuid) { Value = id });
        command.Parameters.Add(new NpgsqlParameter("@workspace", NpgsqlDbType.Uuid) { Value = workspace });

        PositionalParameters.Apply(command);

        Assert.Equal("-- prepared\nSELECT s.id FROM sessions AS s WHERE s.workspace_id = $1 AND s.id = $2", command.CommandText);
        Assert.Equal([workspace, id], command.Parameters.Select(p => (Guid)p.Value!));
        Assert.All(command.Parameters, p => Assert.Equal(string.Empty, p.ParameterName));
        Assert.All(command.Parameters, p => Assert.Equal(NpgsqlDbType.Uuid, p.NpgsqlDbType));
    }

    [Fact]
    public void ACommandWhoseParametersAreNotTheOnesItsTextNames_IsLeftAsItWas()
    {
        const string Text = "-- prepared\nSELECT s.id FROM sessions AS s WHERE s.id = @id";
        Assert.NotNull(PositionalParameters.Rewrite(Text, ["id"]));

        // The same text, remembered with its parameter id, on a command that carries another name.
        using var first = new NpgsqlCommand(Text);
        first.Parameters.Add(new NpgsqlParameter("@id", NpgsqlDbType.Uuid) { Value = Guid.NewGuid() });
        PositionalParameters.Apply(first);
        using var other = new NpgsqlCommand(Text);
        other.Parameters.Add(new NpgsqlParameter("@key", NpgsqlDbType.Uuid) { Value = Guid.NewGuid() });

        PositionalParameters.Apply(other);

        Assert.EndsWith("= $1", first.CommandText, StringComparison.Ordinal);
        Assert.Equal(Text, other.CommandText);
        Assert.Equal("@key", Assert.Single(other.Parameters).ParameterName);
    }
}
