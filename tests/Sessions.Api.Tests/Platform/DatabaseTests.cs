using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Sessions.Api.Tests.Infrastructure;
using Sessions.Infrastructure;
using Sessions.Infrastructure.Persistence.Providers;

namespace Sessions.Api.Tests.Platform;

[Collection(SharedApiCollection.Name)]
public sealed class DatabaseTests(ApiFactory factory)
{
    [Fact]
    public async Task Host_RunsOnTheDatabaseTheSuiteWasAskedFor()
    {
        var provider = await factory.WithDbAsync(db => Task.FromResult(db.Database.ProviderName!));

        Assert.Contains(factory.Database.IsPostgres ? "Npgsql" : "Sqlite", provider, StringComparison.Ordinal);
    }

    /// <summary>
    /// SQLite keeps no memory statistics in the service's process: with them, every allocation it
    /// makes takes one process-wide lock, and concurrent requests queue on it.
    /// </summary>
    [ProviderFact("Sqlite")]
    public async Task Sqlite_KeepsNoMemoryStatistics()
    {
        var sessions = await factory.WithDbAsync(db => db.Sessions.CountAsync());

        Assert.True(sessions >= 0);
        Assert.True(SqliteLibrary.WithoutMemoryStatistics);
        Assert.Equal(0, SQLitePCL.raw.sqlite3_memory_used());
    }

    /// <summary>
    /// By default the service's SQLite connections read the file with <c>pread</c>, not through a
    /// memory map, which made appends at scale half as fast (ADR 0083).
    /// </summary>
    [ProviderFact("Sqlite")]
    public async Task Sqlite_ReadsTheFileWithoutAMemoryMap_ByDefault()
    {
        var mapped = await factory.WithDbAsync(db => db.Database.SqlQueryRaw<long>("PRAGMA mmap_size").ToListAsync());

        Assert.Equal([0L], mapped);
    }

    [Theory]
    [InlineData(null, 0L)]
    [InlineData("0", 0L)]
    [InlineData(" 64 ", 64L * 1024 * 1024)]
    [InlineData("2047", 2047L * 1024 * 1024)]
    public void SqliteMemoryMap_IsNoneByDefault_OrTheMegabytesGiven(string? configured, long bytes) =>
        Assert.Equal(bytes, Sqlite(("Database:SqliteMemoryMapMegabytes", configured)).SqliteMemoryMapBytes);

    /// <summary>SQLite would lower a map past its ceiling without saying so; the start stops instead, on every provider.</summary>
    [Theory]
    [InlineData("-1")]
    [InlineData("2048")]
    [InlineData("0.5")]
    [InlineData("lots")]
    public void SqliteMemoryMap_OtherThanZeroTo2047Megabytes_StopsTheStart(string configured)
    {
        var error = Assert.Throws<RefusedSettingException>(() => Postgres("Host=db;Username=sessions", ("Database:SqliteMemoryMapMegabytes", configured)));

        Assert.Equal($"Database:SqliteMemoryMapMegabytes must be a whole number of megabytes from 0 to 2047, not '{configured}'.", error.Message);
    }

    /// <summary>Statements are prepared on PostgreSQL unless <c>Database:PrepareStatements</c> turns it off (a pooler in transaction mode).</summary>
    [Theory]
    [InlineData(null, true)]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void PrepareStatements_IsOnUnlessTurnedOff(string? configured, bool prepared)
    {
        var options = Postgres("Host=db;Username=sessions", ("Database:PrepareStatements", configured));

        Assert.Equal(prepared, options.PrepareStatements);
    }

    [Fact]
    public void AMultiplexedConnection_IsNotPreparedExplicitly_WhichNpgsqlRefusesThere()
    {
        var multiplexed = Postgres("Host=db;Username=sessions;Multiplexing=true");

        Assert.False(multiplexed.PrepareStatements);
        Assert.True(Postgres("Host=db;Username=sessions;Multiplexing=false").PrepareStatements);
        Assert.Contains("max_parallel_workers_per_gather=0", new Npgsql.NpgsqlConnectionStringBuilder(multiplexed.ConnectionString).Options, StringComparison.Ordinal);
    }

    /// <summary>An operator who turns Npgsql's multiplexing on gets a service that answers (explicit preparation would fail every command).</summary>
    [ProviderFact("Postgres")]
    public async Task OnAMultiplexedConnection_ReadsAndWritesAnswer()
    {
        await using var multiplexed = new MultiplexedApiFactory();
        var client = multiplexed.CreateClient();
        var workspace = await TestWorkspace.CreateAsync(multiplexed);
        var owner = await workspace.AddMemberAsync();
        var session = (await client.CreateSessionAsync(workspace, owner)).Id();

        await (await client.GetAsync(workspace.SessionPath(session), owner.Token())).ExpectAsync(System.Net.HttpStatusCode.OK);
        await (await client.PostAsync(workspace.SessionPath(session) + "/freeze", owner.Token())).ExpectAsync(System.Net.HttpStatusCode.OK);
        await (await client.GetAsync(workspace.SessionPath(session), owner.Token())).ExpectAsync(System.Net.HttpStatusCode.OK);
    }

    private sealed class MultiplexedApiFactory : ApiFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["ConnectionStrings:Sessions"] = Database.ConnectionString + ";Multiplexing=true;Max Auto Prepare=32",
        };
    }

    [Theory]
    [InlineData("Host=db;Username=sessions", true)]
    [InlineData("Host=db;Username=sessions;No Reset On Close=false", false)]
    [InlineData("Host=db;Username=sessions;NoResetOnClose=true", true)]
    public void PostgresPooledConnections_AreNotReset_UnlessTheConnectionStringAsks(string configured, bool noReset)
    {
        var options = Postgres(configured);

        var effective = new Npgsql.NpgsqlConnectionStringBuilder(options.ConnectionString);
        Assert.Equal(noReset, effective.NoResetOnClose);
        Assert.Equal("db", effective.Host);
        Assert.Equal("sessions", effective.Username);
    }

    [Theory]
    [InlineData(null, null, "-c max_parallel_workers_per_gather=0")]
    [InlineData("2", null, "-c max_parallel_workers_per_gather=2")]
    [InlineData(" 2 ", null, "-c max_parallel_workers_per_gather=2")]
    [InlineData(" Server ", null, null)]
    [InlineData(null, "false", null)]
    [InlineData("0", "false", "-c max_parallel_workers_per_gather=0")]
    public void PostgresParallelWorkers_NoneByDefault_TheServersBehindAPooler(string? configured, string? prepareStatements, string? expectedOptions)
    {
        var database = Postgres("Host=db;Username=sessions", ("Database:PrepareStatements", prepareStatements), ("Database:ParallelWorkers", configured));

        var effective = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString);
        Assert.Equal(expectedOptions, effective.Options);
        Assert.Equal("db", effective.Host);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("lots")]
    [InlineData("1025")]
    public void PostgresParallelWorkers_OtherThanACountOrServer_StopTheStart(string configured)
    {
        var error = Assert.Throws<RefusedSettingException>(() => Postgres("Host=db;Username=sessions", ("Database:ParallelWorkers", configured)));

        Assert.Equal($"Database:ParallelWorkers must be a number of workers from 0 to 1024, or server, not '{configured}'.", error.Message);
    }

    /// <summary>The setting is PostgreSQL's and read on every provider: a wrong value is refused wherever it is given.</summary>
    [Theory]
    [InlineData("lots")]
    [InlineData("-1")]
    public void ParallelWorkers_OtherThanACountOrServer_StopTheStart_OnSqliteToo(string configured)
    {
        var error = Assert.Throws<RefusedSettingException>(() => Sqlite(("Database:ParallelWorkers", configured)));

        Assert.Equal($"Database:ParallelWorkers must be a number of workers from 0 to 1024, or server, not '{configured}'.", error.Message);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("server")]
    public void ParallelWorkers_OnSqlite_ChangeNothing(string configured)
    {
        Assert.Equal("Data Source=sessions.db", Sqlite(("Database:ParallelWorkers", configured)).ConnectionString);
    }

    [Theory]
    [InlineData("Host=db", null, "-c max_parallel_workers_per_gather=0")]
    [InlineData("Host=db;Options=-c search_path=app", null, "-c search_path=app -c max_parallel_workers_per_gather=0")]
    [InlineData("Host=db;options=-c search_path=app", "-c statement_timeout=5s", "-c search_path=app -c max_parallel_workers_per_gather=0")]
    [InlineData("Host=db", "-c statement_timeout=5s", "-c statement_timeout=5s -c max_parallel_workers_per_gather=0")]
    [InlineData("Host=db;Options=-c max_parallel_workers_per_gather=4", null, "-c max_parallel_workers_per_gather=4")]
    [InlineData("Host=db;Options=-c max-parallel-workers-per-gather=4", null, "-c max-parallel-workers-per-gather=4")]
    [InlineData("Host=db", "-c max_parallel_workers_per_gather=4", null)]
    [InlineData("Host=db;Options=-c search_path=app", "-c max_parallel_workers_per_gather=4", "-c search_path=app -c max_parallel_workers_per_gather=0")]
    [InlineData("Host=db;Options=", null, "-c max_parallel_workers_per_gather=0")]
    public void ParallelWorkers_FollowTheOptionsGiven_UnlessTheyNameTheSetting(string connectionString, string? environmentOptions, string? expectedOptions)
    {
        var effective = new Npgsql.NpgsqlConnectionStringBuilder(DatabaseOptions.WithParallelWorkers(connectionString, 0, environmentOptions));

        Assert.Equal(expectedOptions, effective.Options);
        Assert.Equal("db", effective.Host);
    }

    /// <summary>The service's own PostgreSQL sessions plan without parallel workers (the startup options reach the server).</summary>
    [ProviderFact("Postgres")]
    public async Task PostgresSessionsOfTheService_PlanWithoutParallelWorkers()
    {
        var workers = await factory.WithDbAsync(db => db.Database.SqlQueryRaw<string>("SELECT current_setting('max_parallel_workers_per_gather') AS \"Value\"").SingleAsync());

        Assert.Equal("0", workers);
    }

    /// <summary>
    /// On PostgreSQL the listing indexes (the default order's, those of creation and of the number
    /// of messages, ADR 0056, and of the last message, ADR 0057) include the visibility and filter
    /// columns and the folded labels (ADR 0035), and a label probe for one session has an index
    /// keyed by the session while the lookup by label keys only the label (ADR 0029); SQLite's plans are pinned
    /// by <c>SqlitePlanTests</c>.
    /// </summary>
    [ProviderFact("Postgres")]
    public async Task PostgresListingIndexes_CarryTheFiltersAndProbeLabelsBySession()
    {
        var definitions = await factory.WithDbAsync(db => db.Database.SqlQueryRaw<string>(
            "SELECT indexdef AS \"Value\" FROM pg_indexes WHERE indexname IN ('ix_sessions_workspace_id_updated_at_id', 'ix_sessions_workspace_id_created_at_id', 'ix_sessions_workspace_id_message_count_id', 'ix_sessions_workspace_id_last_message_at_id', 'ix_session_labels_session_id_key_value', 'ix_session_labels_key_value') ORDER BY indexname").ToListAsync());

        Assert.Equal(6, definitions.Count);
        Assert.EndsWith("(key, value) INCLUDE (session_id)", definitions[0], StringComparison.Ordinal);
        Assert.EndsWith("(session_id, key, value)", definitions[1], StringComparison.Ordinal);
        Assert.EndsWith("(workspace_id, created_at, id) INCLUDE (archived_at, origin, user_id, visibility, label_bits)", definitions[2], StringComparison.Ordinal);
        Assert.EndsWith("(workspace_id, last_message_at, id) INCLUDE (archived_at, origin, user_id, visibility, label_bits)", definitions[3], StringComparison.Ordinal);
        Assert.EndsWith("(workspace_id, message_count, id) INCLUDE (archived_at, origin, user_id, visibility, label_bits)", definitions[4], StringComparison.Ordinal);
        Assert.EndsWith("(workspace_id, updated_at, id) INCLUDE (archived_at, origin, user_id, visibility, label_bits)", definitions[5], StringComparison.Ordinal);
    }

    /// <summary>The model of every provider is what its migrations build: a model change without a migration fails here.</summary>
    [Fact]
    public void EveryProvidersModel_HasNoChangeWithoutAMigration()
    {
        using var sqlite = new SqliteDesignTimeFactory().CreateDbContext([]);
        using var postgres = new PostgresDesignTimeFactory().CreateDbContext([]);
        using var sqlServer = new SqlServerDesignTimeFactory().CreateDbContext([]);

        Assert.False(sqlite.Database.HasPendingModelChanges(), "SQLite");
        Assert.False(postgres.Database.HasPendingModelChanges(), "PostgreSQL");
        Assert.False(sqlServer.Database.HasPendingModelChanges(), "SQL Server");
    }

    /// <summary>
    /// A migration a released version applied keeps its id: a database records the ids it has run
    /// (<c>__EFMigrationsHistory</c>), and one renamed would run again on it and fail the start. Each
    /// provider's migrations begin with the ids below, in this order; a change of what is stored comes
    /// as a new migration after them (and its id joins the list once released).
    /// </summary>
    [Fact]
    public void EveryProvidersMigrations_KeepTheIdsReleasedVersionsRecorded()
    {
        using var sqlite = new SqliteDesignTimeFactory().CreateDbContext([]);
        using var postgres = new PostgresDesignTimeFactory().CreateDbContext([]);
        using var sqlServer = new SqlServerDesignTimeFactory().CreateDbContext([]);

        AssertBeginsWith(ReleasedSqlite, sqlite.Database.GetMigrations());
        AssertBeginsWith(ReleasedPostgres, postgres.Database.GetMigrations());
        AssertBeginsWith(ReleasedSqlServer, sqlServer.Database.GetMigrations());

        static void AssertBeginsWith(string[] released, IEnumerable<string> migrations) =>
            Assert.Equal(released, migrations.Take(released.Length));
    }

    private static readonly string[] ReleasedSqlite =
        [
            "20261128151250_Initial", "20261128190911_SessionCounts", "20261128191758_SqliteSearchIndex", "20261128193602_SessionItems",
            "20261128193853_OutboxOrderAndActor", "20261128195227_SessionGroups", "20261128200854_UsageDays", "20261128202515_UsageByWorkspace",
            "20261128203536_UsageDayFilters", "20261129083445_ListingWalkIndex", "20261129084923_LabelProbeIndex", "20261130035804_FoldedLabels",
            "20261130114824_LastGenerationAt", "20261130162934_MemberJoinedAt", "20261130173802_EmptyAgentIsNone",
            "20261130221407_EventsCarryTheirLife", "20261130224311_ChangesSaveTheirLife", "20261201040443_LabelsSearchedOnce",
            "20261201111201_CompactionSummaryMark", "20261201114132_RewoundCompactionsUndone",
        ];

    private static readonly string[] ReleasedPostgres =
        [
            "20261128151254_Initial", "20261128190557_SearchAndCoveringIndexes", "20261128190913_SessionCounts", "20261128193604_SessionItems",
            "20261128193855_OutboxOrderAndActor", "20261128195229_SessionGroups", "20261128200857_UsageDays", "20261128202517_UsageByWorkspace",
            "20261128203539_UsageDayFilters", "20261129083442_ListingWalkIndex", "20261129084921_LabelProbeIndex", "20261129093625_LabelLookupIndex",
            "20261130035806_FoldedLabels", "20261130114826_LastGenerationAt", "20261130162937_MemberJoinedAt", "20261130173804_EmptyAgentIsNone",
            "20261130221410_EventsCarryTheirLife", "20261130224315_ChangesSaveTheirLife", "20261201111210_CompactionSummaryMark",
            "20261201114138_RewoundCompactionsUndone",
        ];

    private static readonly string[] ReleasedSqlServer =
        [
            "20261128151258_Initial", "20261128190559_SearchAndCoveringIndexes", "20261128190916_SessionCounts", "20261128193607_SessionItems",
            "20261128193858_OutboxOrderAndActor", "20261128195232_SessionGroups", "20261128200859_UsageDays", "20261128202520_UsageByWorkspace",
            "20261128203542_UsageDayFilters", "20261129083447_ListingWalkIndex", "20261129084926_LabelProbeIndex", "20261129093631_LabelLookupIndex",
            "20261130035809_FoldedLabels", "20261130114828_LastGenerationAt", "20261130162939_MemberJoinedAt", "20261130173806_EmptyAgentIsNone",
            "20261130221414_EventsCarryTheirLife", "20261130224319_ChangesSaveTheirLife", "20261201111217_CompactionSummaryMark",
            "20261201114144_RewoundCompactionsUndone",
        ];

    /// <summary>
    /// The comparison above is made here, before a build ships, and not each time the service
    /// migrates at startup: there it builds the snapshot's model and the design-time model again,
    /// which stay resident (ADR 0038).
    /// </summary>
    [Fact]
    public async Task Migrating_LeavesTheModelComparisonToTheTests()
    {
        var behavior = await factory.WithDbAsync(db => Task.FromResult(
            db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()!.WarningsConfiguration.GetBehavior(RelationalEventId.PendingModelChangesWarning)));

        Assert.Equal(WarningBehavior.Ignore, behavior);
    }

    /// <summary>
    /// The SQL Server script (README) runs each migration as one batch, which SQL Server compiles
    /// before it runs any of it: a data statement naming a column its migration adds to an existing
    /// table must go through <c>EXEC</c>, or the batch does not compile. Every <c>UPDATE</c> of a
    /// migration's own SQL fills such a column; its <c>INSERT</c>s fill tables their migration
    /// creates, which SQL Server resolves only when it runs them.
    /// </summary>
    [Fact]
    public void TheSqlServerScript_RunsEveryDataStatementOfAMigrationThroughExec()
    {
        using var sqlServer = new SqlServerDesignTimeFactory().CreateDbContext([]);
        var script = sqlServer.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        var unwrapped = script.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("UPDATE ", StringComparison.OrdinalIgnoreCase) && !line.StartsWith("UPDATE [__EFMigrationsHistory]", StringComparison.Ordinal))
            .ToList();
        Assert.Empty(unwrapped);
        Assert.Contains("EXEC(N'UPDATE sessions SET label_bits = 0", script, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 30)]
    [InlineData(" ", 30)]
    [InlineData("1", 1)]
    [InlineData(" 45 ", 45)]
    [InlineData("86400", 86400)]
    public void CommandTimeout_IsThirtySecondsByDefault_OrTheSecondsGiven(string? configured, int expected) =>
        Assert.Equal(expected, Postgres("Host=db;Username=sessions", ("Database:CommandTimeoutSeconds", configured)).CommandTimeoutSeconds);

    /// <summary>0 is "wait forever" to the drivers and would refuse every writer waiting for its session's turn; the start stops instead.</summary>
    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("86401")]
    [InlineData("2.5")]
    [InlineData("soon")]
    public void CommandTimeout_OtherThanOneSecondToADay_StopsTheStart(string configured)
    {
        var error = Assert.Throws<RefusedSettingException>(() => Postgres("Host=db;Username=sessions", ("Database:CommandTimeoutSeconds", configured)));

        Assert.Equal($"Database:CommandTimeoutSeconds must be a whole number of seconds from 1 to 86400, not '{configured}'.", error.Message);
    }

    /// <summary>A connection string its provider's driver cannot read stops the start with a message naming the setting (the driver's names none).</summary>
    [Theory]
    [InlineData("Postgres", "Hots=db")]
    [InlineData("Sqlite", "garbage")]
    [InlineData("SqlServer", "Server=db;Bogus=1")]
    public void AConnectionStringTheDriverCannotRead_StopsTheStart(string provider, string connectionString)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
            [KeyValuePair.Create("Database:Provider", (string?)provider), KeyValuePair.Create("ConnectionStrings:Sessions", (string?)connectionString)]).Build();

        var error = Assert.Throws<RefusedSettingException>(() => DatabaseOptions.FromConfiguration(configuration, environmentOptions: null));

        Assert.StartsWith($"ConnectionStrings:Sessions is not a connection string the {provider} provider reads: ", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A SQLite connection with foreign keys off would leave a deleted session's rows beside it (its
    /// labels, transcript, items and prompt go by the keys' cascade), for a session created again under
    /// its id to inherit: such a connection string stops the start; with them on it is read.
    /// </summary>
    [Theory]
    [InlineData("Data Source=sessions.db;Foreign Keys=False", true)]
    [InlineData("Data Source=sessions.db;foreign keys=false", true)]
    [InlineData("Data Source=sessions.db;Foreign Keys=True", false)]
    [InlineData("Data Source=sessions.db", false)]
    public void SqliteWithForeignKeysOff_StopsTheStart(string connectionString, bool refused)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
            [KeyValuePair.Create("Database:Provider", (string?)"Sqlite"), KeyValuePair.Create("ConnectionStrings:Sessions", (string?)connectionString)]).Build();

        var error = Record.Exception(() => DatabaseOptions.FromConfiguration(configuration, environmentOptions: null));

        if (refused)
        {
            Assert.StartsWith("ConnectionStrings:Sessions turns SQLite's foreign keys off (Foreign Keys=False)", Assert.IsType<RefusedSettingException>(error).Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Null(error);
        }
    }

    /// <summary>The options the service reads for SQLite with these settings.</summary>
    private static DatabaseOptions Sqlite(params (string Key, string? Value)[] settings) =>
        DatabaseOptions.FromConfiguration(
            new ConfigurationBuilder().AddInMemoryCollection(
                [
                    KeyValuePair.Create("Database:Provider", (string?)"Sqlite"),
                    KeyValuePair.Create("ConnectionStrings:Sessions", (string?)"Data Source=sessions.db"),
                    .. settings.Select(s => KeyValuePair.Create(s.Key, s.Value)),
                ]).Build(),
            environmentOptions: null);

    private static DatabaseOptions Postgres(string connectionString, params (string Key, string? Value)[] settings) =>
        DatabaseOptions.FromConfiguration(
            new ConfigurationBuilder().AddInMemoryCollection(
                [
                    KeyValuePair.Create("Database:Provider", (string?)"Postgres"),
                    KeyValuePair.Create("ConnectionStrings:Sessions", (string?)connectionString),
                    .. settings.Select(s => KeyValuePair.Create(s.Key, s.Value)),
                ]).Build(),
            environmentOptions: null);
}
