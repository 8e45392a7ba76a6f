using Sessions.Application.Common.Validation;
using Sessions.Domain.Sessions;

namespace Sessions.Application.Tests.Validation;

public sealed class FieldPathTests
{
    [Theory]
    [InlineData("ToolCallId", "tool_call_id")]
    [InlineData("CostUsd", "cost_usd")]
    [InlineData("HTTPServer", "http_server")]
    [InlineData("UserID", "user_id")]
    [InlineData("Id", "id")]
    [InlineData("A", "a")]
    [InlineData("already_snake", "already_snake")]
    [InlineData("", "")]
    public void SnakeCase_IsHowTheWireNamesAMember(string member, string wire)
    {
        Assert.Equal(wire, FieldPath.ToSnakeCase(member));
    }

    [Theory]
    [InlineData("messages[3].tool_calls[0].id", new object[] { "messages", 3, "tool_calls", 0, "id" })]
    [InlineData("$.messages[3]['odd.key']", new object[] { "messages", 3, "odd.key" })]
    [InlineData("$['a'].b", new object[] { "a", "b" })]
    [InlineData("x[abc]", new object[] { "x", "abc" })]
    [InlineData("x[-1]", new object[] { "x", "-1" })]
    [InlineData("x[5", new object[] { "x", 5 })]
    [InlineData("x['open", new object[] { "x", "open" })]
    [InlineData("x[", new object[] { "x", "" })]
    [InlineData("a'b", new object[] { "a'b" })]
    [InlineData("a.b", new object[] { "a", "b" })]
    [InlineData(".a", new object[] { "a" })]
    [InlineData("a..b", new object[] { "a", "", "b" })]
    [InlineData("$", new object[0])]
    [InlineData("", new object[0])]
    public void Parse_SplitsNamesAndIndexes(string path, object[] segments)
    {
        Assert.Equal(segments, FieldPath.Parse(path));
    }

    [Fact]
    public void WireEnum_SpellsEnumsInSnakeCase_AndReadsOnlyThatSpelling()
    {
        Assert.Equal("user, eval, worker", WireEnum.Names<SessionOrigin>());
        Assert.Equal("worker", WireEnum.Name(SessionOrigin.Worker));
        Assert.True(WireEnum.TryParse<SessionOrigin>("eval", out var eval));
        Assert.Equal(SessionOrigin.Eval, eval);
        Assert.False(WireEnum.TryParse<SessionOrigin>("Eval", out var none));
        Assert.Equal(default, none);
        Assert.False(WireEnum.TryParse<SessionOrigin>(null, out _));
        Assert.Equal(SessionOrigin.User, WireEnum.Parse<SessionOrigin>("user"));
        Assert.Equal("'robot' is not a SessionOrigin.", Assert.Throws<FormatException>(() => WireEnum.Parse<SessionOrigin>("robot")).Message);
    }
}
