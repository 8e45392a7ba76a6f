using Sessions.Domain.Common;

namespace Sessions.Domain.Tests.Common;

public sealed class ResultTests
{
    [Fact]
    public void AFailedResult_HasNoValue_AndSaysWhy()
    {
        Result<int> failed = Error.NotFound("no such thing");

        var thrown = Assert.Throws<InvalidOperationException>(() => failed.Value);

        Assert.False(failed.IsSuccess);
        Assert.Equal("A failed result has no value: no such thing", thrown.Message);
    }

    [Fact]
    public void ASuccessfulResult_HasItsValue_AndNoError()
    {
        Result<int> done = 42;

        Assert.True(done.IsSuccess);
        Assert.Equal(42, done.Value);
        Assert.Null(done.Error);
        Assert.True(((IResult)Result.Success).IsSuccess);
        Assert.False(((IResult)(Result)Error.Conflict("c")).IsSuccess);
    }

    [Fact]
    public void Errors_CarryTheirKind()
    {
        var fields = new[] { new FieldError(["title"], "too long", FieldProblem.StringTooLong) };

        Assert.Equal((ErrorType.NotFound, "n"), (Error.NotFound("n").Type, Error.NotFound("n").Message));
        Assert.Equal(ErrorType.Conflict, Error.Conflict("c").Type);
        Assert.Equal(ErrorType.PermissionDenied, Error.Forbidden("f").Type);
        Assert.Equal((ErrorType.Validation, "Validation failed"), (Error.Validation(fields).Type, Error.Validation(fields).Message));
        Assert.Same(fields, Error.Validation(fields).Fields);
        Assert.Equal(["title"], Error.Validation("title", "m", FieldProblem.Missing).Fields!.Single().Path);
        Assert.Null(Error.NotFound("n").Code);
    }

    [Fact]
    public void EveryDomainRule_HasItsNameAsCode_AndAMessage()
    {
        Error[] rules =
        [
            DomainErrors.SessionAlreadyFrozen, DomainErrors.FrozenSessionTakesNoItems, DomainErrors.EvaluationEvidenceCannotBeDeleted,
            DomainErrors.SharedSessionCannotBecomePrivate, DomainErrors.RewindTargetNotAUserMessage,
            DomainErrors.GroupAlreadyFinished("failed"), DomainErrors.RewindNeedsAUserSession("worker"), DomainErrors.CompactionOutsideTheTranscript(3),
            DomainErrors.SummaryIdTaken(4, null),
        ];

        Assert.Equal(
            ["SessionAlreadyFrozen", "FrozenSessionTakesNoItems", "EvaluationEvidenceCannotBeDeleted", "SharedSessionCannotBecomePrivate", "RewindTargetNotAUserMessage", "GroupAlreadyFinished", "RewindNeedsAUserSession", "CompactionOutsideTheTranscript", "SummaryIdTaken"],
            rules.Select(r => r.Code));
        Assert.All(rules, r => Assert.True(r.Message.Length > 10, r.Code));
        Assert.Contains("failed", DomainErrors.GroupAlreadyFinished("failed").Message, StringComparison.Ordinal);
        Assert.Equal(
            [ErrorType.SessionFrozen, ErrorType.SessionFrozen, ErrorType.SessionFrozen, ErrorType.Conflict, ErrorType.Validation, ErrorType.Conflict, ErrorType.Conflict, ErrorType.Validation, ErrorType.AlreadyExists],
            rules.Select(r => r.Type));
    }
}
