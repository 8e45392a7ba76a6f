using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Sessions.Api.Json;

/// <summary>
/// Whether a request body's bytes are UTF-8, all of them: the serializer decodes only the strings it
/// binds, so bytes that are not UTF-8 inside free-form JSON were stored replaced by U+FFFD (metadata,
/// item data) or failed where the raw text was transcoded (tool arguments, a 500).
/// </summary>
public static class Utf8Check
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The refusal of <paramref name="body"/> at its first byte that begins no UTF-8 character; null when every byte is UTF-8.</summary>
    public static NotUtf8Exception? FirstInvalid(ReadOnlySpan<byte> body)
    {
        if (Utf8.IsValid(body))
        {
            return null;
        }

        var offset = 0;
        while (Rune.DecodeFromUtf8(body[offset..], out _, out var consumed) == System.Buffers.OperationStatus.Done)
        {
            offset += consumed;
        }

        return new NotUtf8Exception(offset);
    }

    /// <summary>A body read through the serializer as it arrives, each read checked, a character split between reads too.</summary>
    public sealed class Stream(System.IO.Stream body) : System.IO.Stream
    {
        private readonly Decoder _decoder = Strict.GetDecoder();
        private readonly char[] _scratch = new char[4096];
        private long _offset;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await body.ReadAsync(buffer, cancellationToken);
            Check(buffer.Span[..read], final: read == 0);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = body.Read(buffer, offset, count);
            Check(buffer.AsSpan(offset, read), final: read == 0);
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                body.Dispose();
            }

            base.Dispose(disposing);
        }

        /// <summary>Decodes the bytes just read (a character they end inside of is finished by the next read): throws at the first byte that is not UTF-8, or at a character the body ends inside of.</summary>
        private void Check(ReadOnlySpan<byte> bytes, bool final)
        {
            try
            {
                do
                {
                    _decoder.Convert(bytes, _scratch, final, out var used, out _, out _);
                    bytes = bytes[used..];
                    _offset += used;
                }
                while (!bytes.IsEmpty);
            }
            catch (DecoderFallbackException invalid)
            {
                throw new NotUtf8Exception(_offset + Math.Max(invalid.Index, 0));
            }
        }
    }
}

/// <summary>A body holding bytes that are not UTF-8, the first at <see cref="Offset"/>: 400 <c>malformed_json</c>, as JSON must be UTF-8 (RFC 8259 §8.1).</summary>
public sealed class NotUtf8Exception(long offset)
    : JsonException($"The body holds bytes that are not UTF-8, the first at byte {offset}.", null, null, null, new DecoderFallbackException("Not UTF-8."))
{
    public long Offset { get; } = offset;
}
