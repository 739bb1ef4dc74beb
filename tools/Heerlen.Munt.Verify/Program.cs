using Heerlen.Munt.Verify;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
return await VerifyTool.RunAsync(args, Console.Out, Console.Error, !Console.IsErrorRedirected, stop.Token);
