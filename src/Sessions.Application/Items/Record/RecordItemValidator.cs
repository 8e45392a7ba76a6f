using Sessions.Domain.Common;
using FluentValidation;
using Sessions.Application.Common.Validation;

namespace Sessions.Application.Items;

public sealed class RecordItemValidator : AbstractValidator<RecordItemCommand>
{
    public RecordItemValidator()
    {
        RuleFor(c => c.Item).Required();
        RuleFor(c => c.Item!).ChildRules(item =>
        {
            item.RuleFor(i => i.ItemType).Required().Chars(1, ItemInput.MaxItemTypeLength);
            item.RuleFor(i => i.DataJson).Required()
                .Must(json => json is null || json.Length <= ItemInput.MaxDataLength)
                .WithMessage($"must be at most {ItemInput.MaxDataLength} characters of JSON")
                .WithErrorCode(nameof(FieldProblem.TooLong))
                .OverridePropertyName("data");
            item.RuleFor(i => i.DispositionJson)
                .Must(json => json is null || json.Length <= ItemInput.MaxDispositionLength)
                .WithMessage($"must be at most {ItemInput.MaxDispositionLength} characters of JSON")
                .WithErrorCode(nameof(FieldProblem.TooLong))
                .OverridePropertyName("disposition");
            item.RuleFor(i => i.Title).Chars(0, ItemInput.MaxTextLength);
            item.RuleFor(i => i.DedupeKey).Chars(1, ItemInput.MaxTextLength);
            item.RuleFor(i => i.Ref).Chars(0, ItemInput.MaxReferenceLength);
            item.RuleFor(i => i.SchemaRef).Chars(0, ItemInput.MaxReferenceLength);
            item.RuleFor(i => i.Capability).Chars(0, ItemInput.MaxTextLength);
            item.RuleFor(i => i.CapabilityVersion).Chars(0, ItemInput.MaxTextLength);
            item.RuleFor(i => i.SpanId).Chars(0, ItemInput.MaxTextLength);
            item.RuleFor(i => i.TraceId).Chars(0, ItemInput.MaxTextLength);
        }).OverridePropertyName(string.Empty).When(c => c.Item is not null);
    }
}
