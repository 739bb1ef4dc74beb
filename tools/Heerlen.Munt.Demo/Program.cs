using Heerlen.Munt.Demo;
using Heerlen.Munt.Ledger;

// Plays the whole Heerlen Munt story on an in-memory chain and verifies the chain it made.
// Usage: dotnet run --project tools/Heerlen.Munt.Demo [-- --lang nl|en]
var language = args.Contains("nl") || args.Contains("--nl") ? Language.Dutch : Language.English;
var story = new Story(language, Console.Out);
return story.Play() ? 0 : 1;
