using System.Diagnostics;
using System.Text;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Storage.Chain;
using Heerlen.Munt.Storage.People;
using Heerlen.Munt.Storage.Tests.Support;
using Npgsql;
using Xunit;

namespace Heerlen.Munt.Storage.Tests.People;

[Collection(PostgresCollection.Name)]
public sealed class PersonalDataTests(PostgresFixture postgres)
{
    private const string Name = "Maria Janssen-Vroemen";
    private const string Phone = "+31 6 4123 9876";
    private const string Email = "maria.janssen@voorbeeld.nl";
    private const string Address = "Akerstraat 112, 6417 BK Heerlen";

    [Fact]
    public async Task a_record_and_a_photo_are_kept_beside_the_chain_and_found_by_account_and_by_evidence_hash()
    {
        await using var town = await Town.StartAsync(postgres, nameof(PersonalDataTests));
        var maria = await town.NewResidentAsync();
        var data = new PersonalData(town.Documents);

        await data.SaveAsync(maria.PublicKey, $"  {Name} ", Phone, Email, Address, town.NowMs);
        byte[] photo = Photo();
        byte[] hash = await data.SavePhotoAsync(maria.PublicKey, "image/jpeg", photo);

        var record = await data.FindAsync(maria.PublicKey);
        Assert.NotNull(record);
        Assert.Equal((Name, Phone, Email, Address), (record.Name, record.Phone, record.Email, record.Address));
        Assert.Equal(Hash32.Sha256(photo).ToHex(), Convert.ToHexStringLower(hash));
        var found = await data.FindPhotoAsync(maria.PublicKey, hash);
        Assert.NotNull(found);
        Assert.Equal(photo, found.Bytes);
        Assert.Equal(maria.PublicKey.ToString(), found.Account);
        Assert.Null(await data.FindAsync(SigningKey.Generate().PublicKey));
    }

    [Fact]
    public async Task erasing_a_person_removes_every_trace_from_the_database_and_leaves_the_chain_intact_with_the_evidence_hash()
    {
        await using var town = await Town.StartAsync(postgres, nameof(PersonalDataTests));
        var maria = await town.NewResidentAsync();
        var data = new PersonalData(town.Documents);
        await data.SaveAsync(maria.PublicKey, Name, Phone, Email, Address, town.NowMs);
        byte[] photo = Photo();
        byte[] evidence = await data.SavePhotoAsync(maria.PublicKey, "image/jpeg", photo);

        // The resident does the job and reports it done with the photo's hash; an officer approves.
        var job = await town.PublishJobAsync(15, 1);
        Town.Ok(await town.SubmitAsync(new Enrol(job) { Header = town.Header(maria) }, maria));
        var submitted = Town.Ok(await town.SubmitAsync(new SubmitCompletion(job, new Hash32(evidence)) { Header = town.Header(maria) }, maria));
        Town.Ok(await town.SubmitAsync(new ApproveCompletion(job, maria.PublicKey) { Header = town.Header(town.Officer2) }, town.Officer2));
        var chainBefore = await EntryHashesAsync(town);

        // Before erasure the dumps do find her (so the searches below can find something), and the chain never held her.
        string[] personal = [Name, Phone, Email, Address, Convert.ToBase64String(photo)];
        string tables = await AllTablesAsTextAsync(town.ConnectionString);
        Assert.All(personal, p => Assert.Contains(p, tables, StringComparison.OrdinalIgnoreCase));
        Assert.All(personal, p => Assert.Contains(p, PgDump(town.ConnectionString), StringComparison.OrdinalIgnoreCase));
        await AssertNothingPersonalOnTheChainAsync(town, photo);

        await data.EraseAsync(maria.PublicKey);

        Assert.Null(await data.FindAsync(maria.PublicKey));
        Assert.Null(await data.FindPhotoAsync(maria.PublicKey, evidence));

        await town.RestartAsync();
        Assert.True(town.Sequencer.LastLoad.Intact, town.Sequencer.LastLoad.ToString());
        var verified = await town.VerifyStoredAsync();
        Assert.True(verified.Ok, verified.ToString());
        Assert.Equal(chainBefore, await EntryHashesAsync(town));
        var enrolment = (await ChainLoader.LoadAsync(town.Store, ManagedSchnorrVerifier.Instance)).Report.State.Jobs[job].Participants[maria.PublicKey];
        Assert.Equal(new Hash32(evidence), enrolment.Evidence);
        var stored = await town.Store.ReadEntryAsync(submitted.Height);
        Assert.True(Heerlen.Munt.Ledger.Chain.Entry.TryDecode(stored!.Entry, out var entry, out _));
        Assert.True(entry!.Envelope.AsSpan().IndexOf(evidence) >= 0, "the evidence hash is still in the signed command on the chain");

        tables = await AllTablesAsTextAsync(town.ConnectionString);
        string dump = PgDump(town.ConnectionString);
        foreach (string p in personal)
        {
            Assert.DoesNotContain(p, tables, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(p, dump, StringComparison.OrdinalIgnoreCase);
        }
        Assert.DoesNotContain("Janssen", dump, StringComparison.OrdinalIgnoreCase);
        // The pseudonymous id and the hash stay: that is what the chain is made of.
        Assert.Contains(maria.PublicKey.ToString(), dump, StringComparison.Ordinal);

        // Writing goes on after an erasure.
        await town.NewResidentAsync();
    }

    [Fact]
    public async Task two_people_with_the_same_photo_keep_their_own_copy_and_erasing_one_keeps_the_other()
    {
        await using var town = await Town.StartAsync(postgres, nameof(PersonalDataTests));
        var maria = await town.NewResidentAsync();
        var joost = await town.NewResidentAsync();
        var data = new PersonalData(town.Documents);
        byte[] photo = Photo();
        byte[] hash = await data.SavePhotoAsync(maria.PublicKey, "image/jpeg", photo);
        Assert.Equal(hash, await data.SavePhotoAsync(joost.PublicKey, "image/jpeg", photo));

        await data.EraseAsync(maria.PublicKey);

        Assert.Null(await data.FindPhotoAsync(maria.PublicKey, hash));
        var kept = await data.FindPhotoAsync(joost.PublicKey, hash);
        Assert.NotNull(kept);
        Assert.Equal(joost.PublicKey.ToString(), kept.Account);
        Assert.Equal(photo, kept.Bytes);
    }

    [Fact]
    public async Task nothing_personal_is_ever_written_to_the_event_store()
    {
        await using var town = await Town.StartAsync(postgres, nameof(PersonalDataTests));
        var maria = await town.NewEarnerAsync();
        var data = new PersonalData(town.Documents);
        await data.SaveAsync(maria.PublicKey, Name, Phone, Email, Address, town.NowMs);
        byte[] photo = Photo();
        await data.SavePhotoAsync(maria.PublicKey, "image/jpeg", photo);
        await data.SaveAsync(maria.PublicKey, Name, Phone, Email, "Geleenstraat 3, 6411 HP Heerlen", town.NowMs); // a move

        await AssertNothingPersonalOnTheChainAsync(town, photo);
        await using var connection = new NpgsqlConnection(town.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM heerlen_munt.mt_events", connection);
        Assert.True((long)(await command.ExecuteScalarAsync())! > 10, "the chain has entries to search");
    }

    /// <summary>Neither the events' JSON nor the encoded entries and blocks hold anything personal.</summary>
    private static async Task AssertNothingPersonalOnTheChainAsync(Town town, byte[] photo)
    {
        await using var connection = new NpgsqlConnection(town.ConnectionString);
        await connection.OpenAsync();
        foreach (string p in new[] { Name, "Janssen", Phone, Email, Address, "Akerstraat", Convert.ToBase64String(photo) })
        {
            await using var command = new NpgsqlCommand("SELECT count(*) FROM heerlen_munt.mt_events e WHERE e::text ILIKE '%' || @p || '%' OR data::text ILIKE '%' || @p || '%'", connection);
            command.Parameters.AddWithValue("p", p);
            Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
        }
        var needles = new[] { Name, "Janssen", Phone, Email, Address }.Select(Encoding.UTF8.GetBytes).Append(photo).ToArray();
        await foreach (var (_, e) in town.Store.ReadEntriesAsync())
            Assert.All(needles, n => Assert.True(e.Entry.AsSpan().IndexOf(n) < 0, $"entry {e.Height} holds personal data"));
        foreach (var (_, b) in await town.Store.ReadBlocksAsync())
            Assert.All(needles, n => Assert.True(b.Block.AsSpan().IndexOf(n) < 0, $"block {b.Number} holds personal data"));
    }

    /// <summary>Every row of every table outside PostgreSQL's own schemas, cast to text.</summary>
    private static async Task<string> AllTablesAsTextAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        Assert.Contains("heerlen_munt.mt_doc_personalrecord", tables);
        Assert.Contains("heerlen_munt.mt_doc_jobphoto", tables);
        var text = new StringBuilder();
        foreach (string table in tables)
        {
            await using var select = new NpgsqlCommand($"SELECT t::text FROM {table} t", connection);
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync()) text.AppendLine(reader.GetString(0));
        }
        return text.ToString();
    }

    /// <summary><c>pg_dump --data-only</c> of the test database, over the cluster's socket, as its superuser.</summary>
    private string PgDump(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(Path.Combine(postgres.Cluster.Binaries.BinDirectory, "pg_dump"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "--data-only", "--no-owner", "-h", builder.Host!, "-p", builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", builder.Username!, "-d", builder.Database! })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string dump = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"pg_dump failed: {stderr.Result}");
        Assert.Contains("mt_events", dump, StringComparison.Ordinal);
        return dump;
    }

    private static async Task<List<string>> EntryHashesAsync(Town town)
    {
        var hashes = new List<string>();
        await foreach (var (_, e) in town.Store.ReadEntriesAsync()) hashes.Add(e.Hash);
        return hashes;
    }

    /// <summary>A "photo" whose bytes include the person's name, as a camera's metadata might.</summary>
    private static byte[] Photo()
    {
        var bytes = new List<byte> { 0xFF, 0xD8, 0xFF, 0xE1 };
        bytes.AddRange(Encoding.UTF8.GetBytes("Exif\0\0Artist=" + Name));
        bytes.AddRange(Enumerable.Range(0, 4096).Select(i => (byte)(i * 31 % 251)));
        bytes.AddRange([0xFF, 0xD9]);
        return [.. bytes];
    }
}
