using Heerlen.Munt.Ledger.Facts;
using Heerlen.Munt.Storage.Chain;
using Heerlen.Munt.Storage.Jobs;
using Heerlen.Munt.Storage.People;
using Heerlen.Munt.Storage.Projections;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Weasel.Core;

namespace Heerlen.Munt.Storage;

/// <summary>How the Marten document store of Heerlen Munt is set up: one schema, string stream keys, the read models.</summary>
public static class HeerlenStore
{
    /// <summary>The PostgreSQL schema everything lives in.</summary>
    public const string Schema = "heerlen_munt";

    /// <summary>Projection names, for rebuilds.</summary>
    public static readonly string[] ProjectionNames = [BalanceProjection.Name, HistoryProjection.Name, JobBoardProjection.Name, JobWorkProjection.Name, MerchantStatementProjection.Name, StatisticsProjection.Name];

    /// <summary>
    /// Creates the store for a PostgreSQL connection string and creates or updates its tables.
    /// <paramref name="configure"/> may change options afterwards (benchmarks compare settings with it).
    /// </summary>
    public static DocumentStore Create(string connectionString, Action<StoreOptions>? configure = null)
    {
        var store = DocumentStore.For(o =>
        {
            o.Connection(connectionString);
            o.DatabaseSchemaName = Schema;
            o.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
            // Enums are stored as their numbers, which are the stable wire codes (CommandType, RejectionCode): renaming a
            // member can never make a stored event unreadable.
            o.UseSystemTextJsonForSerialization(EnumStorage.AsInteger, Casing.CamelCase);
            o.Events.StreamIdentity = StreamIdentity.AsString;
            o.Events.AddEventType<EntryRecorded>();
            o.Events.AddEventType<BlockSealed>();

            o.Schema.For<Balance>().Identity(x => x.Id);
            // Newest-first pages of one account's history: one index on (account, height).
            o.Schema.For<HistoryLine>().Identity(x => x.Id).Index(x => new { x.Account, x.Height });
            o.Schema.For<JobBoardItem>().Identity(x => x.Id).Duplicate(x => x.Neighbourhood);
            // "My jobs" by worker, a job's workers for the officer: a column and index each.
            o.Schema.For<JobWork>().Identity(x => x.Id).Duplicate(x => x.Job).Duplicate(x => x.Worker);
            o.Schema.For<MerchantDay>().Identity(x => x.Id).Duplicate(x => x.Merchant);
            o.Schema.For<PeriodFigures>().Identity(x => x.Id).Duplicate(x => x.Period);
            o.Schema.For<PersonalRecord>().Identity(x => x.Id);
            o.Schema.For<JobPhoto>().Identity(x => x.Id).Duplicate(x => x.Account);
            o.Schema.For<JobText>().Identity(x => x.Id);
            o.Schema.For<JobTextVersion>().Identity(x => x.Id).Duplicate(x => x.Job);

            // Inline, in the entry's own transaction, so they never lag it: balances, the job board (free slots), each
            // worker's enrolments (the worker and the officer act on them next), and the shop's day (the till shows it).
            // History and statistics are folded by the async daemon (ReadModelDaemon), a moment behind: they are the bulk
            // of the writing (measured in docs/architecture.md).
            o.Projections.Add(new BalanceProjection(), ProjectionLifecycle.Inline, BalanceProjection.Name);
            o.Projections.Add(new JobBoardProjection(), ProjectionLifecycle.Inline, JobBoardProjection.Name);
            o.Projections.Add(new JobWorkProjection(), ProjectionLifecycle.Inline, JobWorkProjection.Name);
            o.Projections.Add(new MerchantStatementProjection(), ProjectionLifecycle.Inline, MerchantStatementProjection.Name);
            o.Projections.Add(new HistoryProjection(), ProjectionLifecycle.Async, HistoryProjection.Name);
            o.Projections.Add(new StatisticsProjection(), ProjectionLifecycle.Async, StatisticsProjection.Name);
            o.Projections.AsyncMode = DaemonMode.Solo; // one daemon per database, started by ReadModelDaemon
            configure?.Invoke(o);
        });
        return store;
    }
}
