namespace Heerlen.Munt.Cli;

/// <summary>The <c>munt</c> executable: Ctrl-C stops the command in progress (and ends <c>entries --follow</c>).</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        return await Cli.RunAsync(args, Console.Out, Console.Error, stop.Token);
    }
}
