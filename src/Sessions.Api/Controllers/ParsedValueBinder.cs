using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Sessions.Api.Controllers;

/// <summary>
/// Reads a path or query value in the one spelling <paramref name="parse"/> takes; a blank value of
/// a nullable parameter is none. A value it cannot read is a model error without a message of its
/// own: the envelope says what the parameter's type takes (<c>InvalidModelStateResponses</c>).
/// </summary>
internal sealed class ParsedValueBinder<T>(bool nullable, ParsedValueBinder<T>.TryParse parse) : IModelBinder
    where T : struct
{
    public delegate bool TryParse(string? text, out T value);

    public Task BindModelAsync(ModelBindingContext bindingContext)
    {
        var value = bindingContext.ValueProvider.GetValue(bindingContext.ModelName);
        if (value == ValueProviderResult.None)
        {
            return Task.CompletedTask;
        }

        bindingContext.ModelState.SetModelValue(bindingContext.ModelName, value);
        var text = value.FirstValue;
        if (string.IsNullOrWhiteSpace(text) && nullable)
        {
            bindingContext.Result = ModelBindingResult.Success(null);
        }
        else if (parse(text, out var parsed))
        {
            bindingContext.Result = ModelBindingResult.Success(parsed);
        }
        else
        {
            bindingContext.ModelState.TryAddModelError(bindingContext.ModelName, string.Empty);
        }

        return Task.CompletedTask;
    }
}
