using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sessions.Application.Transcripts;

namespace Sessions.Api.Json;

/// <summary>
/// A cost read as the client wrote it. The serializer reads a number into a decimal by rounding it
/// to the decimal's 28-29 significant digits, so <c>1e-29</c> would be taken as 0 and
/// <c>12345.000000000000000000000000001</c> as 12345, past the check of the stored precision that
/// runs on the value read. The decimal places are counted on the number's text first: what is
/// stored is what was sent, or it is refused at its field.
/// </summary>
public sealed class CostJsonConverter : JsonConverter<decimal>
{
    /// <summary>How far an exponent is read: past what any body's digits could offset (a body is far shorter than this many bytes).</summary>
    private const long ExponentBound = 1_000_000_000_000;

    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number
            && DecimalPlaces(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan) > TranscriptRules.CostDecimalPlaces)
        {
            throw new TooManyDecimalPlacesException();
        }

        return reader.GetDecimal();
    }

    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) => writer.WriteNumberValue(value);

    /// <summary>
    /// The decimal places of the value a JSON number's text writes (<c>1.50</c> has one,
    /// <c>100e-12</c> ten, <c>1e-29</c> twenty-nine): its fraction's digits less the trailing zeros
    /// of all its digits, less its exponent.
    /// </summary>
    private static long DecimalPlaces(ReadOnlySpan<byte> number)
    {
        var e = number.IndexOfAny((byte)'e', (byte)'E');
        var mantissa = e < 0 ? number : number[..e];
        var dot = mantissa.IndexOf((byte)'.');
        var whole = (dot < 0 ? mantissa : mantissa[..dot]).TrimStart((byte)'-');
        var fraction = dot < 0 ? [] : mantissa[(dot + 1)..];
        var trailingZeros = fraction.Length - fraction.TrimEnd((byte)'0').Length;
        if (trailingZeros == fraction.Length)
        {
            var wholeDigits = whole.TrimEnd((byte)'0').Length;
            if (wholeDigits == 0)
            {
                return 0;
            }

            trailingZeros += whole.Length - wholeDigits;
        }

        var places = fraction.Length - trailingZeros - (e < 0 ? 0 : Exponent(number[(e + 1)..]));
        return Math.Max(places, 0);
    }

    /// <summary>An exponent's value, held within <see cref="ExponentBound"/> either way.</summary>
    private static long Exponent(ReadOnlySpan<byte> text)
    {
        var negative = text is [(byte)'-', ..];
        var value = 0L;
        foreach (var digit in text.TrimStart("+-"u8))
        {
            value = Math.Min((value * 10) + (digit - '0'), ExponentBound);
        }

        return negative ? -value : value;
    }
}

/// <summary>A cost written with more decimal places than are stored; the envelope names its field.</summary>
public sealed class TooManyDecimalPlacesException()
    : JsonException(FormattableString.Invariant($"A cost has more than {TranscriptRules.CostDecimalPlaces} decimal places."));
