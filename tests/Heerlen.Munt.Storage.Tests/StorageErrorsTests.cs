using System.Net.Sockets;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Storage.Tests.Support;
using JasperFx.Events;
using Npgsql;
using Xunit;

namespace Heerlen.Munt.Storage.Tests;

public sealed class StorageErrorsTests
{
    [Theory]
    [InlineData(PostgresErrorCodes.TooManyConnections, StorageErrorCode.DatabaseUnavailable)]
    [InlineData(PostgresErrorCodes.OutOfMemory, StorageErrorCode.Unexpected)]
    [InlineData(PostgresErrorCodes.UniqueViolation, StorageErrorCode.Unexpected)]
    [InlineData(PostgresErrorCodes.DiskFull, StorageErrorCode.DiskFull)]
    [InlineData(PostgresErrorCodes.AdminShutdown, StorageErrorCode.DatabaseUnavailable)]
    [InlineData(PostgresErrorCodes.CannotConnectNow, StorageErrorCode.DatabaseUnavailable)]
    [InlineData(PostgresErrorCodes.ConnectionFailure, StorageErrorCode.DatabaseUnavailable)]
    [InlineData(PostgresErrorCodes.SyntaxError, StorageErrorCode.Unexpected)]
    public void a_postgres_error_is_translated_by_its_sql_state(string sqlState, StorageErrorCode expected)
    {
        var error = StorageErrors.Translate(new InvalidOperationException("wrapped", new PostgresException("boom", "ERROR", "ERROR", sqlState)));
        Assert.Equal(expected, error.Code);
    }

    [Fact]
    public void a_duplicate_event_version_is_a_concurrent_writer_but_other_duplicates_are_not()
    {
        var onEvents = new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation, tableName: "mt_events");
        var onDocuments = new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation, tableName: "mt_doc_personalrecord");
        Assert.Equal(StorageErrorCode.ConcurrentWriter, StorageErrors.Translate(onEvents).Code);
        Assert.Equal(StorageErrorCode.Unexpected, StorageErrors.Translate(onDocuments).Code);
    }

    [Fact]
    public void when_the_outcome_is_unknown_the_message_says_so_and_that_a_retry_is_safe()
    {
        foreach (var code in new[] { StorageErrorCode.DatabaseUnavailable, StorageErrorCode.Unexpected, StorageErrorCode.ShuttingDown })
        {
            Assert.Contains("never counted twice", StorageErrors.English(code));
            Assert.Contains("nooit twee keer", StorageErrors.Dutch(code));
        }
    }

    [Fact]
    public void while_reading_only_a_row_that_no_longer_parses_counts_as_damaged_data()
    {
        var damaged = StorageErrors.TranslateRead(new InvalidOperationException("wrapped", new System.Text.Json.JsonException("'x' is not a number")));
        var cancelled = StorageErrors.TranslateRead(new PostgresException("canceling statement due to user request", "ERROR", "ERROR", PostgresErrorCodes.QueryCanceled));
        var unreachable = StorageErrors.TranslateRead(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)));

        Assert.Equal(StorageErrorCode.StoredDataUnreadable, damaged.Code);
        Assert.NotEqual(StorageErrorCode.StoredDataUnreadable, cancelled.Code);
        Assert.Equal(StorageErrorCode.DatabaseUnavailable, unreachable.Code);
    }

    [Fact]
    public void a_stale_stream_version_is_a_concurrent_writer()
    {
        var error = StorageErrors.Translate(new EventStreamUnexpectedMaxEventIdException("entries:x", typeof(object), 3, 4));
        Assert.Equal(StorageErrorCode.ConcurrentWriter, error.Code);
    }

    [Fact]
    public void a_refused_socket_is_database_unavailable()
    {
        var error = StorageErrors.Translate(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)));
        Assert.Equal(StorageErrorCode.DatabaseUnavailable, error.Code);
    }

    [Fact]
    public void every_code_has_a_stable_name_and_a_reason_in_dutch_and_english()
    {
        foreach (var code in Enum.GetValues<StorageErrorCode>())
        {
            Assert.Matches("^[a-z_]+$", StorageErrors.Name(code));
            Assert.NotEqual(StorageErrors.Dutch(code), StorageErrors.English(code));
            Assert.False(string.IsNullOrWhiteSpace(StorageErrors.Dutch(code)));
        }
        Assert.Equal(Enum.GetValues<StorageErrorCode>().Length, Enum.GetValues<StorageErrorCode>().Select(StorageErrors.Name).Distinct().Count());
    }

    [Fact]
    public void an_error_already_translated_is_kept()
    {
        var original = new StorageException(StorageErrorCode.ChainBroken, "height 4");
        Assert.Same(original, StorageErrors.Translate(original));
    }
}

[Collection(PostgresCollection.Name)]
public sealed class DatabaseOutageTests(PostgresFixture postgres)
{
    [Fact]
    public async Task while_postgres_is_down_writes_fail_with_database_unavailable_and_resume_when_it_is_back()
    {
        await using var town = await Town.StartAsync(postgres, nameof(DatabaseOutageTests));
        long height = town.Sequencer.Height;
        var resident = SigningKey.Generate();
        byte[] open = Town.Sign(new Heerlen.Munt.Ledger.Commands.OpenAccount { Header = town.Header(resident) }, resident);
        StorageException? error;
        await postgres.Cluster.StopAsync(immediate: true);
        try
        {
            error = await Assert.ThrowsAsync<StorageException>(() => town.Sequencer.SubmitAsync(open));
        }
        finally
        {
            await postgres.Cluster.RestartAsync();
        }
        Assert.Equal(StorageErrorCode.DatabaseUnavailable, error.Code);
        Assert.Contains("niet bereiken", error.Dutch);

        // The same command again, once the database is back: stored exactly once.
        var result = Town.Ok(await town.Sequencer.SubmitAsync(open));
        Assert.Equal(height, result.Height);
        var report = await town.VerifyStoredAsync();
        Assert.True(report.Ok, report.ToString());
        Assert.Equal(height + 1, report.EntriesVerified);
    }
}
