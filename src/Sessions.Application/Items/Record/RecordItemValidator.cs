using FluentValidation;
using Sessions.Application.Common.Validation;
using Sessions.Domain.Common;

namespace Sessions.Application.Items;

public sealed class RecordItemValidator : AbstractValidator<RecordItemCommand>
{
    public RecordItemValidator()
    {
        RuleFor(c => c.Item).Required();
        RuleFor(c => c.Item!).ChildRules(item =>
        {
            item.RuleFor(i => i.ItemType).Required().Chars(1, FieldLimits.ItemType);
            item.RuleFor(i => i.DataJson).Required().JsonOfAtMost(FieldLimits.ItemData, "Data");
            item.RuleFor(i => i.DispositionJson).JsonOfAtMost(FieldLimits.ItemDisposition, "Disposition");
            item.RuleFor(i => i.Title).Chars(0, FieldLimits.ItemText);
            item.RuleFor(i => i.DedupeKey).Chars(1, FieldLimits.ItemText).NoTrailingSpace();
            item.RuleFor(i => i.Ref).Chars(0, FieldLimits.ItemReference);
            item.RuleFor(i => i.SchemaRef).Chars(0, FieldLimits.ItemReference);
            item.RuleFor(i => i.Capability).Chars(0, FieldLimits.ItemText);
            item.RuleFor(i => i.CapabilityVersion).Chars(0, FieldLimits.ItemText);
            item.RuleFor(i => i.SpanId).Chars(0, FieldLimits.ItemText);
            item.RuleFor(i => i.TraceId).Chars(0, FieldLimits.ItemText);
        }).OverridePropertyName(string.Empty).When(c => c.Item is not null);
    }
}
