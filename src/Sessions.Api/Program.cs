using Asp.Versioning;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Sessions.Api.Controllers;
using Sessions.Api.Development;
using Sessions.Api.Errors;
using Sessions.Api.Health;
using Sessions.Api.Json;
using Sessions.Api.OpenApi;
using Sessions.Api.Operations;
using Sessions.Api.Security;
using Sessions.Application;
using Sessions.Application.Common.Security;
using Sessions.Application.Transcripts;
using Sessions.Application.Sessions;
using Sessions.Infrastructure;
using Sessions.Infrastructure.Persistence;

var builder = WebApplication.CreateBuilder(args);
StartupFailures.ReportUntilStarted(builder);
var requestLimits = RequestLimitSettings.From(builder.Configuration);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Limits.MaxRequestBodySize = requestLimits.MaxBodyBytes;
    kestrel.Limits.MaxRequestLineSize = RequestLimits.MaxRequestLineBytes;
});
builder.Logging.AddServiceLogging(builder.Configuration);

builder.Services.AddApplication();
builder.Services.AddInfrastructure(builder.Configuration);
builder.Services.AddHttpContextAccessor();
builder.Services.AddScoped<ICurrentUser, HttpCurrentUser>();
builder.Services.AddSingleton<LiteralRoutes>();
builder.Services.AddSingleton<ClientAborts>();
builder.Services.AddBearerAuthentication(builder.Configuration, builder.Environment);
builder.Services.AddAuthorization();

builder.Services.AddControllers(options =>
    {
        options.SuppressImplicitRequiredAttributeForNonNullableReferenceTypes = true;
        options.ModelBinderProviders.Insert(0, new HyphenatedUuids());
        options.ModelBinderProviders.Insert(1, new DecimalIntegers());
        options.ModelBinderProviders.Insert(0, new SingleQueryValues(options.ModelBinderProviders));
        options.ModelMetadataDetailsProviders.Add(new VerbatimText());

        // The API binds no form: with the form providers a multipart body that did not parse as a
        // form failed the binding before the body's media type was judged (422, not 415).
        options.ValueProviderFactories.RemoveType<FormValueProviderFactory>();
        options.ValueProviderFactories.RemoveType<FormFileValueProviderFactory>();
        options.ValueProviderFactories.RemoveType<JQueryFormValueProviderFactory>();
    })
    .AddJsonOptions(options =>
    {
        JsonDefaults.Apply(options.JsonSerializerOptions);
        options.AllowInputFormatterExceptionMessages = false;
    })
    .ConfigureApiBehaviorOptions(options =>
    {
        options.InvalidModelStateResponseFactory = InvalidModelStateResponses.Create;
        options.SuppressMapClientErrors = true;
    });
builder.Services.PostConfigure<MvcOptions>(WellFormedJsonInputFormatter.Replace);
builder.Services.ConfigureHttpJsonOptions(options => JsonDefaults.Apply(options.SerializerOptions));
builder.Services.AddApiVersioning(options =>
    {
        options.DefaultApiVersion = new ApiVersion(1);
        options.ReportApiVersions = true;
        options.ApiVersionReader = new UrlSegmentApiVersionReader();
        options.UnsupportedApiVersionStatusCode = StatusCodes.Status400BadRequest;
    })
    .AddMvc()
    .AddApiExplorer(options =>
    {
        options.GroupNameFormat = "'v'V";
        options.SubstituteApiVersionInUrl = true;
    });
RememberingApiVersionPolicy.ReplaceTheLibrarys(builder.Services);
builder.Services.AddOpenApiDocument(settings =>
{
    settings.DocumentName = "v1";
    settings.ApiGroupNames = ["v1"];
    settings.Title = "Sessions API";
    settings.Version = "1";
    settings.Description = "Stores and governs AI agent chat sessions: create, read, share, archive, pin, delete and freeze them.";
    // Every operation of the document needs the bearer token (the authorization fallback policy
    // applies to every route the document describes), so the requirement is the document's own:
    // Swagger UI's Authorize then sends the token with every call it tries.
    settings.AddSecurity("Bearer", [], new NSwag.OpenApiSecurityScheme
    {
        Type = NSwag.OpenApiSecuritySchemeType.Http,
        Scheme = "bearer",
        BearerFormat = "JWT",
    });
    settings.SchemaSettings.SchemaProcessors.Add(new AnswersCarryEveryProperty());
    settings.SchemaSettings.SchemaProcessors.Add(new FieldLimitsInDocument());
    settings.OperationProcessors.Add(new QueryParametersInDocument());
    settings.OperationProcessors.Add(new HeadersInDocument());
    if (Telemetry.ServesMetrics(builder.Configuration))
    {
        settings.DocumentProcessors.Add(new MetricsInDocument());
    }

    settings.SchemaSettings.TypeMappers.Add(new NJsonSchema.Generation.TypeMappers.PrimitiveTypeMapper(
        typeof(SessionReference), schema => schema.Type = NJsonSchema.JsonObjectType.String));
});
builder.Services.AddServiceHealthChecks(builder.Configuration);
RequestLimits.AddRequestLimits(builder.Services, requestLimits);
builder.Services.AddSingleton(ClientVersionGate.Minimum.From(builder.Configuration));
builder.Services.AddSingleton(new TranscriptLimits(requestLimits.MaxBodyBytes));
builder.Services.AddServiceRateLimiting(builder.Configuration);
builder.Services.AddServiceCors(builder.Configuration);
builder.Services.AddServiceTelemetry(builder.Configuration);

ForwardedHeadersSetup.RefuseTheFrameworksSwitch(builder.Configuration);
var forwardedHeaders = ForwardedHeadersSetup.OptionsFrom(builder.Configuration);

var app = builder.Build();
CorsSetup.SayWhenNoOriginIsAllowed(app);

// Generating the OpenAPI document from the code (NSwag) builds the app without a database to touch.
if (Settings.Flag(app.Configuration, "Database:InitializeAtStartup", defaultValue: true))
{
    await DatabaseInitializer.MigrateAsync(app.Services, CancellationToken.None);
    if (app.Environment.IsDevelopment())
    {
        await DevelopmentEndpoints.SeedAsync(app, CancellationToken.None);
    }
}

if (app.Environment.IsDevelopment())
{
    app.RecordPeers();
}

app.UseServiceForwardedHeaders(forwardedHeaders);
app.UseMiddleware<RequestLogging>();
app.UseMiddleware<ErrorHandlingMiddleware>();
app.UseMiddleware<ClientAbortsMiddleware>();
app.UseCors();
RequestLimits.UseRequestLimits(app);
app.UseMiddleware<ClientVersionGate>();
app.UseStatusCodePages(StatusCodeEnvelopes.WriteAsync);
// The documentation's middlewares look at requests under its path only (each would otherwise
// trim and compare the path of every API request).
app.UseWhen(context => context.Request.Path.StartsWithSegments(DocumentationPaths.Root, StringComparison.OrdinalIgnoreCase), documentation =>
{
    documentation.UseReadOnlyMethods();
    documentation.UseDocumentValidators();
    documentation.UseOpenApi(options =>
    {
        options.Path = DocumentationPaths.Document;
        // One document for every caller, with no server of its own: NSwag would otherwise name the
        // server from the request's Host and X-Forwarded-* headers, which any client sets (Swagger UI
        // would then send the tokens typed into it to that host), and keep a document per Host value.
        // Without a server, Swagger UI calls the origin it was loaded from.
        options.CreateDocumentCacheKey = _ => string.Empty;
        options.PostProcess = (document, _) => document.Servers.Clear();
    });
    documentation.UseSwaggerUi(options =>
    {
        options.Path = DocumentationPaths.Root;
        options.DocumentPath = DocumentationPaths.Document;
        options.DocExpansion = "list";
    });
});
app.UseAuthentication();
app.UseRateLimiter();
app.UseMiddleware<RequestLogScope>();
app.UseAuthorization();
RequestLimits.UseLargeBodyTurns(app);

app.MapControllers().RequireAuthorization().AnswerHeadWhereGet();
app.MapServiceHealthChecks();
app.MapServiceMetrics();
if (app.Environment.IsDevelopment())
{
    app.MapDevelopmentEndpoints();
}

await app.RunAsync();

/// <summary>The entry point, visible to the functional tests' host factory.</summary>
public partial class Program;
