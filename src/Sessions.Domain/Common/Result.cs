using System.Diagnostics.CodeAnalysis;

namespace Sessions.Domain.Common;

/// <summary>Success or an <see cref="Error"/>; the pipeline creates failures of any result type through <see cref="IResult{TSelf}"/>.</summary>
public interface IResult
{
    Error? Error { get; }

    bool IsSuccess => Error is null;
}

/// <summary>A result type that can be built as a failure without knowing its value type.</summary>
public interface IResult<TSelf> : IResult
    where TSelf : IResult<TSelf>
{
    static abstract TSelf Failure(Error error);
}

/// <summary>The outcome of an operation that yields nothing on success.</summary>
public sealed class Result : IResult<Result>
{
    private Result(Error? error) => Error = error;

    public static Result Success { get; } = new(null);

    public Error? Error { get; }

    public static Result Failure(Error error) => new(error);

    public static implicit operator Result(Error error) => new(error);
}

/// <summary>The outcome of an operation that yields a <typeparamref name="T"/> on success.</summary>
public sealed class Result<T> : IResult<Result<T>>
{
    private readonly T? _value;

    private Result(T? value, Error? error)
    {
        _value = value;
        Error = error;
    }

    public Error? Error { get; }

    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public T Value => IsSuccess ? _value! : throw new InvalidOperationException($"A failed result has no value: {Error.Message}");

    public static Result<T> Success(T value) => new(value, null);

    public static Result<T> Failure(Error error) => new(default, error);

    public static implicit operator Result<T>(T value) => Success(value);

    public static implicit operator Result<T>(Error error) => Failure(error);
}
