using Heerlen.Munt.Storage.Postgres;
using Xunit;

namespace Heerlen.Munt.Storage.Tests.Postgres;

/// <summary>Running PostgreSQL's programs as the postgres user when the tests run as root.</summary>
public sealed class PostgresCommandTests
{
    [Fact]
    public async Task as_root_the_programs_run_as_the_postgres_user_and_otherwise_as_ourselves()
    {
        PostgresCommand.Result result = await PostgresCommand.RunAsServiceUserAsync("whoami", [], "/tmp", default);

        Assert.True(result.Succeeded, result.Output);
        Assert.Equal(PostgresCommand.IsRoot ? "postgres" : Environment.UserName, result.StandardOutput.Trim());
    }

    [Fact]
    public async Task the_su_fallback_passes_every_argument_through_unchanged()
    {
        if (!PostgresCommand.IsRoot)
        {
            return; // su would ask for the postgres user's password
        }

        string[] awkward = ["it's", "$HOME `id` \"quoted\" *", "", "two  spaces", "back\\slash"];
        PostgresCommand.Result result = await PostgresCommand.RunAsync(
            "su", PostgresCommand.SuArguments("printf", ["%s|", .. awkward]), "/tmp", default);

        Assert.True(result.Succeeded, result.Output);
        Assert.Equal(string.Concat(awkward.Select(a => a + "|")), result.StandardOutput);
    }
}
