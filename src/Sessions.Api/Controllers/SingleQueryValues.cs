using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Sessions.Api.Controllers;

/// <summary>
/// A query parameter that takes one value (<c>limit</c>, <c>sort_by</c>, <c>format</c>), given more
/// than once (<c>?limit=1&amp;limit=abc</c>), is a model error (422 at the parameter) instead of read
/// from its first value: which of the values the client meant is not for the service to guess.
/// Wraps the binder the other providers choose for a value of a simple type; the repeatable
/// filters (lists) are bound as they were.
/// </summary>
public sealed class SingleQueryValues(IList<IModelBinderProvider> providers) : IModelBinderProvider
{
    public IModelBinder? GetBinder(ModelBinderProviderContext context)
    {
        if (context.Metadata.IsComplexType || context.Metadata.IsEnumerableType)
        {
            return null;
        }

        foreach (var provider in providers)
        {
            if (provider != this && provider.GetBinder(context) is { } binder)
            {
                return new OneValue(binder);
            }
        }

        return null;
    }

    private sealed class OneValue(IModelBinder binder) : IModelBinder
    {
        public Task BindModelAsync(ModelBindingContext bindingContext)
        {
            if (bindingContext.BindingSource == BindingSource.Query && bindingContext.ValueProvider.GetValue(bindingContext.ModelName).Length > 1)
            {
                bindingContext.ModelState.TryAddModelError(bindingContext.ModelName, string.Empty);
                return Task.CompletedTask;
            }

            return binder.BindModelAsync(bindingContext);
        }
    }
}
