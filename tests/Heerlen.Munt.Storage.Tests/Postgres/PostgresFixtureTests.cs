using Heerlen.Munt.Storage.Tests.Support;
using Npgsql;
using Xunit;

namespace Heerlen.Munt.Storage.Tests.Postgres;

/// <summary>The shared cluster that the storage tests run on.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresFixtureTests(PostgresFixture postgres)
{
    [Fact]
    public async Task each_test_class_gets_a_fresh_empty_database_of_its_own()
    {
        string first = await postgres.NewDatabaseAsync(nameof(PostgresFixtureTests));
        string second = await postgres.NewDatabaseAsync(nameof(PostgresFixtureTests));

        Assert.NotEqual(first, second);
        await ExecuteAsync(first, "CREATE TABLE only_here (id int)");
        Assert.Equal(0L, await ScalarAsync(second, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
        Assert.Equal(1L, await ScalarAsync(first, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
    }

    [Fact]
    public async Task it_listens_on_no_tcp_port()
    {
        string database = await postgres.NewDatabaseAsync("tcp");

        Assert.Equal("", await ScalarAsync(database, "SHOW listen_addresses"));
        Assert.Equal(DBNull.Value, await ScalarAsync(database, "SELECT inet_server_port()"));
        Assert.StartsWith("Host=/", database);
    }

    [Fact]
    public async Task database_names_are_checked_and_creating_one_twice_is_harmless()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => postgres.Cluster.CreateDatabaseAsync("Robert\"; DROP DATABASE postgres; --"));
        await Assert.ThrowsAsync<ArgumentException>(() => postgres.Cluster.CreateDatabaseAsync("ledger\n"));
        await Assert.ThrowsAsync<ArgumentException>(() => postgres.Cluster.CreateDatabaseAsync(new string('a', 64)));

        await postgres.Cluster.CreateDatabaseAsync("twice");
        await postgres.Cluster.CreateDatabaseAsync("twice");

        Assert.Equal(1, await ScalarAsync(postgres.Cluster.ConnectionString("twice"), "SELECT 1"));
        Assert.Equal("when_a_resident_pays_2026", PostgresFixture.DatabaseNameStem("When a resident pays 2026"));
        Assert.Equal("t_9lives", PostgresFixture.DatabaseNameStem("9lives"));
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
