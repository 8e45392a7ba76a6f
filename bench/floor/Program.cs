// What the service's stack costs in resident memory before any of the service's own code: one GET of
// one session row, answered through the packages ARCHITECTURE.md names, wired as the service wires
// them. bench/floor.sh runs it under the side-by-side benchmark's GET load and reads its VmRSS.
//   FLOOR_STACK=mvc-ef:  an MVC controller, EF Core on SQLite (a tracked-free query by key), a JWT
//                        validated on every request, the default host (logging, configuration).
//   FLOOR_STACK=full:    the same plus part of what the service adds around it: Asp.Versioning with
//                        the version in the route, the source-generated mediator with a
//                        FluentValidation validator in its pipeline, NSwag's document. (The service
//                        also has a rate limiter, CORS, request logging and its error envelope; it
//                        records traces and metrics only for a configured exporter, which a
//                        benchmark run does not configure.)
// FLOOR_DB names the SQLite file; the token to send is written to FLOOR_TOKEN_FILE.
using System.Security.Claims;
using System.Text;
using Asp.Versioning;
using FluentValidation;
using Floor;
using Mediator;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

var full = SessionsController.Full;
var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("floor-probe-signing-key-of-32-bytes!!"));
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddDbContext<FloorDb>(options => options.UseSqlite($"Data Source={Environment.GetEnvironmentVariable("FLOOR_DB")}"));
builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
    options.TokenValidationParameters = new TokenValidationParameters
    {
        IssuerSigningKey = key,
        ValidIssuer = "floor",
        ValidAudience = "floor",
    });
builder.Services.AddAuthorization();
var route = full ? "api/v{version:apiVersion}/org/{org}/ws/{ws}/sessions" : "api/v1/org/{org}/ws/{ws}/sessions";
builder.Services.AddControllers(options => options.Conventions.Add(new RouteConvention(route)));
if (full)
{
    builder.Services.AddApiVersioning(options =>
        {
            options.DefaultApiVersion = new ApiVersion(1);
            options.ApiVersionReader = new UrlSegmentApiVersionReader();
        })
        .AddMvc()
        .AddApiExplorer(options =>
        {
            options.GroupNameFormat = "'v'V";
            options.SubstituteApiVersionInUrl = true;
        });
    builder.Services.AddMediator((MediatorOptions options) => options.ServiceLifetime = ServiceLifetime.Scoped);
    builder.Services.AddScoped(typeof(IPipelineBehavior<,>), typeof(ValidationBehavior<,>));
    builder.Services.AddSingleton<IValidator<GetSession>, GetSessionValidator>();
    builder.Services.AddOpenApiDocument(settings => settings.DocumentName = "v1");
}

var app = builder.Build();
await using (var scope = app.Services.CreateAsyncScope())
{
    var db = scope.ServiceProvider.GetRequiredService<FloorDb>();
    await db.Database.EnsureCreatedAsync();
    var id = Guid.NewGuid();
    db.Sessions.Add(new SessionRow { Id = id, UserId = Guid.NewGuid(), Title = "bench", Model = "m", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow, Version = 1 });
    await db.SaveChangesAsync();
    await File.WriteAllTextAsync(Environment.GetEnvironmentVariable("FLOOR_TOKEN_FILE")!, id + " " + new JsonWebTokenHandler().CreateToken(
        new SecurityTokenDescriptor
        {
            Issuer = "floor",
            Audience = "floor",
            Subject = new ClaimsIdentity([new Claim("sub", "bench")]),
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        }) + "\n");
}

if (full)
{
    app.UseOpenApi();
}

app.UseAuthentication();
app.UseAuthorization();
app.MapControllers().RequireAuthorization();
app.MapGet("/health/live", () => "ok");
await app.RunAsync();
