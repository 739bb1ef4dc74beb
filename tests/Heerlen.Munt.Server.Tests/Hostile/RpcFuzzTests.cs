using System.Collections;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Google.Api;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Heerlen.Munt.Client;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Ledger.Sessions;
using Heerlen.Munt.Server.Api;
using Heerlen.Munt.Server.Demo;
using Heerlen.Munt.Server.Tests.Support;
using Heerlen.Munt.Storage;
using Xunit.Abstractions;
using Wallet = Heerlen.Munt.Client.Wallet;

namespace Heerlen.Munt.Server.Tests.Hostile;

/// <summary>
/// Every RPC of every service (read from the contract's descriptors, so a new RPC is fuzzed without a change here) is
/// called with seeded generated and mutated requests, over gRPC (typed messages and raw protobuf bytes) and over its
/// JSON route. Nothing may crash the server, hang past a deadline, answer INTERNAL/UNKNOWN or HTTP 500, or refuse
/// without the project's reason code; memory must stay bounded. <c>HM_FUZZ_CASES</c> (cases per RPC and transport,
/// default 24) and <c>HM_FUZZ_SEED</c> (default 9) make a longer or different run; a failure names its seed and case.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class RpcFuzzTests(ServerFixture fixture, ITestOutputHelper output)
{
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(bytes => bytes, bytes => bytes);

    /// <summary>Deadline of one unary call: far above any honest answer, so a call that reaches it hangs.</summary>
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(10);

    /// <summary>A server stream (entries, payment request, health) may rightly wait for news; it gets this long, then is cancelled.</summary>
    private static readonly TimeSpan StreamDeadline = TimeSpan.FromMilliseconds(400);

    private static int Cases => int.TryParse(Environment.GetEnvironmentVariable("HM_FUZZ_CASES"), out int n) && n > 0 ? n : 24;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("HM_FUZZ_SEED"), out int n) ? n : 9;

    /// <summary>Every service the server maps: the contract's (package heerlen.munt.v1) and gRPC health.</summary>
    public static IReadOnlyList<ServiceDescriptor> Services { get; } =
    [
        .. typeof(GetChainInfoRequest).Assembly.GetTypes()
            .Select(t => t.GetProperty("Descriptor", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static))
            .Where(p => p?.PropertyType == typeof(FileDescriptor))
            .SelectMany(p => ((FileDescriptor)p!.GetValue(null)!).Services)
            .Where(s => s.File.Package == "heerlen.munt.v1")
            .DistinctBy(s => s.FullName)
            .OrderBy(s => s.FullName, StringComparer.Ordinal),
        Health.Descriptor,
    ];

    /// <summary>Every reason code the server may give: the API's, the ledger's and storage's.</summary>
    private static readonly HashSet<string> KnownReasons =
    [
        .. ApiErrors.Codes,
        .. Rejections.All.Where(c => c != RejectionCode.None).Select(Rejections.Code),
        .. Enum.GetValues<StorageErrorCode>().Select(StorageErrors.Name),
    ];

    [Fact]
    public void the_fuzzer_covers_every_method_of_every_service_the_contract_has()
    {
        var methods = Services.SelectMany(s => s.Methods).ToList();

        Assert.True(methods.Count >= 35, $"only {methods.Count} methods found");
        Assert.Contains(methods, m => m.FullName == "heerlen.munt.v1.Ledger.SubmitCommand");
        Assert.Contains(methods, m => m.FullName == "heerlen.munt.v1.Participation.GetCampaign");
        Assert.All(methods.Where(m => m.Service != Health.Descriptor), m => Assert.NotNull(m.GetOptions()?.GetExtension(AnnotationsExtensions.Http)));
    }

    [Fact]
    public async Task generated_and_mutated_requests_to_every_rpc_over_grpc_never_crash_hang_or_answer_without_a_reason()
    {
        var world = await FuzzWorld.CreateAsync(fixture);
        using var channel = GrpcChannel.ForAddress(fixture.Server.GrpcUrl, new GrpcChannelOptions { MaxSendMessageSize = null });
        var invoker = channel.CreateCallInvoker();
        var run = new Run(output, "grpc");

        foreach (var method in Services.SelectMany(s => s.Methods))
        {
            for (int i = 0; i < Cases; i++)
            {
                var rng = new Random(CaseSeed(method, i));
                var generator = new Generator(rng, world);
                bool rawBytes = i % 4 == 3; // a quarter of the cases mutate the protobuf bytes themselves
                byte[] request = rawBytes ? generator.MutatedBytes(method.InputType) : generator.Request(method.InputType, mutateOneField: i % 2 == 0).ToByteArray();
                bool parses = Parses(method.InputType, request);
                string? session = world.Sessions[rng.Next(world.Sessions.Count)];
                await run.CaseAsync($"{method.FullName} case {i} (HM_FUZZ_SEED={Seed})", () => CallAsync(invoker, method, request, session), method.IsServerStreaming, parses);
            }
            await run.StillAnswersAsync(world.Client, method.FullName);
        }

        run.Finish();
    }

    [Fact]
    public async Task generated_and_malformed_json_to_every_route_never_answers_500_or_hangs_and_refuses_with_a_code()
    {
        var world = await FuzzWorld.CreateAsync(fixture);
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Server.HttpUrl), Timeout = CallDeadline };
        var run = new Run(output, "json");

        foreach (var method in Services.SelectMany(s => s.Methods))
        {
            var rule = method.GetOptions()?.GetExtension(AnnotationsExtensions.Http);
            if (rule is null) continue;
            for (int i = 0; i < Cases; i++)
            {
                var rng = new Random(CaseSeed(method, i) ^ 0x5A5A);
                var generator = new Generator(rng, world);
                string? session = world.Sessions[rng.Next(world.Sessions.Count)];
                using var request = generator.HttpRequest(method, rule, mutateOneField: i % 2 == 0, malformed: i % 3 == 2);
                if (session is not null) request.Headers.TryAddWithoutValidation("authorization", "Bearer " + session);
                await run.HttpCaseAsync($"{method.FullName} {request.Method} {Short(request.RequestUri!.ToString())} case {i} (HM_FUZZ_SEED={Seed})", http, request, method.IsServerStreaming);
            }
            await run.StillAnswersAsync(world.Client, method.FullName);
        }

        run.Finish();
    }

    [Fact]
    public async Task a_payment_code_with_a_nul_or_other_odd_character_is_not_found_instead_of_an_internal_storage_error()
    {
        using var client = fixture.Client();
        var resident = client.As(fixture.Demo("joep"));

        foreach (string code in new[] { "\0", "ABCD\0EFG", "ABC\uD800", "Ω≈ç", "%00" })
        {
            var e = await Assert.ThrowsAsync<MuntException>(() => resident.ReadAsync(o => client.Merchants.GetPaymentRequestAsync(new GetPaymentRequestRequest { Code = code }, o)));
            Assert.Equal(("payment_request_not_found", StatusCode.NotFound), (e.Reason, e.Status));
        }
    }

    [Fact]
    public async Task personal_data_with_a_nul_or_another_control_character_is_invalid_argument_instead_of_an_internal_storage_error()
    {
        using var client = fixture.Client();
        var resident = client.As(Wallet.Create());
        await resident.OpenAccountAsync();
        string account = resident.Account.ToString();

        foreach (string name in new[] { "Jan\0", "\0", "Jan\u0007Jansen", "Jan\u001BJansen" })
        {
            var e = await Assert.ThrowsAsync<MuntException>(() => resident.ReadAsync(o => client.People.SavePersonalDataAsync(new SavePersonalDataRequest { Account = account, Name = name }, o)));
            Assert.Equal(("invalid_argument", StatusCode.InvalidArgument), (e.Reason, e.Status));
        }
        var saved = await resident.ReadAsync(o => client.People.SavePersonalDataAsync(new SavePersonalDataRequest { Account = account, Name = "Zoë Ündçé 🙂", Address = "Pancratiusplein 1\n6411 JH Heerlen" }, o));
        Assert.Equal("Zoë Ündçé 🙂", saved.Name);
    }

    private static async Task CallAsync(CallInvoker invoker, MethodDescriptor method, byte[] request, string? session)
    {
        var headers = new Metadata { { "accept-language", "en" } };
        if (session is not null) headers.Add("authorization", "Bearer " + session);
        if (method.IsServerStreaming)
        {
            var streaming = new Method<byte[], byte[]>(MethodType.ServerStreaming, method.Service.FullName, method.Name, Raw, Raw);
            using var call = invoker.AsyncServerStreamingCall(streaming, null, new CallOptions(headers, DateTime.UtcNow.Add(StreamDeadline)), request);
            for (int read = 0; read < 3 && await call.ResponseStream.MoveNext(CancellationToken.None); read++)
            {
            }
            return;
        }
        var unary = new Method<byte[], byte[]>(MethodType.Unary, method.Service.FullName, method.Name, Raw, Raw);
        await invoker.AsyncUnaryCall(unary, null, new CallOptions(headers, DateTime.UtcNow.Add(CallDeadline)), request).ResponseAsync;
    }

    private static bool Parses(MessageDescriptor type, byte[] bytes)
    {
        try
        {
            type.Parser.ParseFrom(bytes);
            return true;
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }
    }

    private static string Short(string text) => text.Length <= 160 ? text : text[..160] + $"… ({text.Length} characters)";

    /// <summary>The seed of one case: the same in every process for the same HM_FUZZ_SEED, method and case number.</summary>
    private static int CaseSeed(MethodDescriptor method, int i)
    {
        unchecked
        {
            return (Seed * 1_000_003) + (StableHash(method.FullName) * 31) + i;
        }
    }

    /// <summary>A hash of a name that is the same in every process (string.GetHashCode is randomised per process).</summary>
    private static int StableHash(string text)
    {
        unchecked
        {
            int h = 17;
            foreach (char c in text) h = (h * 31) + c;
            return h;
        }
    }

    /// <summary>What one run saw: counts per answer, the slowest call, memory before and after, and every failure with its case.</summary>
    private sealed class Run
    {
        private readonly ITestOutputHelper _output;
        private readonly string _transport;
        private readonly List<string> _failures = [];
        private readonly Dictionary<string, int> _answers = [];
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly long _managedBefore;
        private readonly long _workingSetBefore;
        private int _calls;
        private TimeSpan _slowest;
        private string _slowestCase = "";

        public Run(ITestOutputHelper output, string transport)
        {
            _output = output;
            _transport = transport;
            _managedBefore = GC.GetTotalMemory(forceFullCollection: true);
            _workingSetBefore = Process.GetCurrentProcess().WorkingSet64;
        }

        public async Task CaseAsync(string name, Func<Task> call, bool streaming, bool parses)
        {
            var started = Stopwatch.StartNew();
            string answer;
            try
            {
                await call();
                answer = "ok";
            }
            catch (RpcException e)
            {
                answer = Judge(name, e, streaming, parses);
            }
            catch (Exception e)
            {
                answer = "client exception";
                _failures.Add($"{name}: {e.GetType().Name} {e.Message}");
            }
            Count(name, answer, started.Elapsed, streaming);
        }

        public async Task HttpCaseAsync(string name, HttpClient http, HttpRequestMessage request, bool streaming)
        {
            var started = Stopwatch.StartNew();
            using var deadline = new CancellationTokenSource(streaming ? StreamDeadline : CallDeadline);
            string answer;
            try
            {
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
                answer = await JudgeAsync(name, response, deadline.Token);
            }
            catch (OperationCanceledException) when (streaming)
            {
                answer = "stream waited (cancelled)";
            }
            catch (Exception e)
            {
                answer = "client exception";
                _failures.Add($"{name}: {e.GetType().Name} {e.Message}");
            }
            Count(name, answer, started.Elapsed, streaming);
        }

        public async Task StillAnswersAsync(MuntClient client, string after)
        {
            try
            {
                var info = await client.Ledger.GetChainInfoAsync(new GetChainInfoRequest(), Answers.Options(null));
                if (info.Height <= 0 || info.Broken.Length > 0) _failures.Add($"after {after}: chain info height {info.Height}, broken '{info.Broken}'");
            }
            catch (Exception e)
            {
                _failures.Add($"after {after}: the server no longer answers GetChainInfo: {e.Message}");
            }
        }

        public void Finish()
        {
            long managedAfter = GC.GetTotalMemory(forceFullCollection: true);
            long workingSetAfter = Process.GetCurrentProcess().WorkingSet64;
            _output.WriteLine($"{_transport}: {_calls} calls in {_clock.Elapsed.TotalSeconds:F1} s (HM_FUZZ_CASES={Cases}, HM_FUZZ_SEED={Seed}); slowest {_slowest.TotalMilliseconds:F0} ms ({_slowestCase})");
            _output.WriteLine($"managed heap {_managedBefore / 1_048_576} MiB -> {managedAfter / 1_048_576} MiB; working set {_workingSetBefore / 1_048_576} MiB -> {workingSetAfter / 1_048_576} MiB");
            foreach (var (answer, count) in _answers.OrderByDescending(a => a.Value)) _output.WriteLine($"  {count,6}  {answer}");
            Assert.True(_failures.Count == 0, $"{_failures.Count} failures:\n{string.Join('\n', _failures.Take(40))}");
            // Bounded: the heap after a full collection may not grow by more than 256 MiB over a run, whatever its length. The
            // margin is wide because other test classes of this assembly run at the same time in this process (a munt card's
            // Argon2id PIN check holds tens of MiB while it runs); a leak of even 300 KB per call would still cross it.
            Assert.True(managedAfter - _managedBefore < 256L * 1_048_576, $"managed heap grew from {_managedBefore} to {managedAfter} bytes");
        }

        private void Count(string name, string answer, TimeSpan elapsed, bool streaming)
        {
            _calls++;
            _answers[answer] = _answers.GetValueOrDefault(answer) + 1;
            if (!streaming && elapsed > _slowest) (_slowest, _slowestCase) = (elapsed, name);
        }

        private string Judge(string name, RpcException e, bool streaming, bool parses)
        {
            if (streaming && e.StatusCode is StatusCode.DeadlineExceeded or StatusCode.Cancelled) return "stream waited (deadline)";
            if (!parses && e.StatusCode == StatusCode.Unknown && !e.Status.Detail.Contains("Protobuf", StringComparison.OrdinalIgnoreCase))
                return "unparsable protobuf: UNKNOWN from grpc-dotnet, before our code";
            if (e.StatusCode == StatusCode.ResourceExhausted && e.GetRpcStatus() is null) return "message over the size limit (framework)";
            if (name.StartsWith("grpc.health.v1.", StringComparison.Ordinal) && e.StatusCode == StatusCode.NotFound) return "health: unknown service name (NOT_FOUND, as the gRPC health protocol says)";
            if (e.StatusCode is StatusCode.Internal or StatusCode.Unknown or StatusCode.DeadlineExceeded)
            {
                _failures.Add($"{name}: {e.StatusCode} {e.Status.Detail}");
                return e.StatusCode.ToString();
            }
            var munt = MuntException.From(e);
            if (!KnownReasons.Contains(munt.Reason) || string.IsNullOrWhiteSpace(munt.Message))
                _failures.Add($"{name}: {e.StatusCode} without a known reason and words: '{munt.Reason}' '{e.Status.Detail}'");
            return $"{e.StatusCode} {munt.Reason}";
        }

        private async Task<string> JudgeAsync(string name, HttpResponseMessage response, CancellationToken ct)
        {
            int status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode) return "HTTP 2xx";
            if (status >= 500 && status != 503)
            {
                _failures.Add($"{name}: HTTP {status} {Short(await response.Content.ReadAsStringAsync(ct))}");
                return $"HTTP {status}";
            }
            string body = await response.Content.ReadAsStringAsync(ct);
            if (status is 404 or 405 && body.Length == 0) return $"HTTP {status} no such route (ASP.NET routing)";
            if (status is 400 or 414 or 431 && body.Length == 0) return $"HTTP {status} request line refused by Kestrel (too long, or a NUL in the path), before the app";
            try
            {
                using var json = JsonDocument.Parse(body);
                int code = json.RootElement.GetProperty("code").GetInt32();
                if (code is (int)StatusCode.Internal or (int)StatusCode.Unknown) _failures.Add($"{name}: HTTP {status} with gRPC code {code}: {Short(body)}");
                string? reason = json.RootElement.TryGetProperty("details", out var details)
                    ? details.EnumerateArray().Where(d => d.TryGetProperty("reason", out _)).Select(d => d.GetProperty("reason").GetString()).FirstOrDefault()
                    : null;
                if (reason is null)
                {
                    // The JSON transcoder refuses a body or parameter it cannot read before our code runs: 400 with words, no reason code.
                    if (status != 400 || string.IsNullOrWhiteSpace(json.RootElement.GetProperty("message").GetString()))
                        _failures.Add($"{name}: HTTP {status} without a reason code: {Short(body)}");
                    return $"HTTP {status} unreadable request (transcoder, words only)";
                }
                if (!KnownReasons.Contains(reason)) _failures.Add($"{name}: HTTP {status} with unknown reason '{reason}'");
                return $"HTTP {status} {reason}";
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                _failures.Add($"{name}: HTTP {status} whose body is not a JSON error: {Short(body)}");
                return $"HTTP {status} not JSON";
            }
        }
    }

    /// <summary>Real ids the generator mixes in, so that mutated requests reach past the first check.</summary>
    private sealed class FuzzWorld
    {
        private FuzzWorld(MuntClient client) => Client = client;

        public MuntClient Client { get; }

        public string ChainId { get; private set; } = "";

        /// <summary>Sessions the calls are made with: none, a resident's, an officer's, the auditor's, garbage.</summary>
        public List<string?> Sessions { get; } = [];

        /// <summary>Good values by field name.</summary>
        public Dictionary<string, string[]> Good { get; } = [];

        public static async Task<FuzzWorld> CreateAsync(ServerFixture fixture)
        {
            var world = new FuzzWorld(fixture.Client());
            var client = world.Client;
            world.ChainId = (await client.ChainInfoAsync()).ChainId;
            var resident = Wallet.Create();
            await client.As(resident).OpenAccountAsync();
            var officer = fixture.Demo("officer-anouk");
            var shop = fixture.Demo("bakkerij-bollen");
            var (job, _) = await client.As(officer).PublishJobAsync(DemoCommunity.Budget, "zwerfafval", "centrum", new Amount(100), 3, DateTimeOffset.UtcNow.AddDays(7));
            string code = (await client.As(shop).RequestPaymentAsync(new Amount(300), 3600)).ShortCode;
            long now = client.ServerNowMs;
            string Session(Wallet w) => SessionToken.Create(world.ChainId, w.Account, w.Key, now - 1000, TimeSpan.FromMinutes(30)).ToText();
            world.Sessions.AddRange([null, Session(resident), Session(officer), Session(fixture.Demo("cbs")), Session(shop), "hms1.garbage"]);
            string[] accounts = [resident.Account.ToString(), shop.Account.ToString(), officer.Account.ToString()];
            foreach (string name in new[] { "account", "merchant", "worker", "payer" }) world.Good[name] = accounts;
            world.Good["job"] = [job.ToString()];
            world.Good["code"] = [code];
            world.Good["status"] = ["submitted", "approved", "rejected", "enrolled"];
            world.Good["neighbourhood"] = ["centrum", "gms"];
            world.Good["area"] = ["heerlen", "centrum"];
            world.Good["category"] = ["zwerfafval"];
            world.Good["period"] = ["week", "month", "year"];
            world.Good["day"] = [DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)];
            world.Good["content_type"] = ["image/jpeg", "image/png"];
            world.Good["evidence_hash"] = [new string('a', 64)];
            world.Good["campaign"] = ["cmp_" + new string('0', 26)];
            return world;
        }

        /// <summary>A fresh, valid, signed OpenAccount envelope.</summary>
        public byte[] ValidEnvelope()
        {
            var wallet = Wallet.Create();
            return SignedCommand.Create(new OpenAccount { Header = new CommandHeader(ChainId, CommandId.New(), wallet.Account, Client.ServerNowMs + 300_000) }, wallet.Key).Envelope;
        }
    }

    /// <summary>Seeded requests: a valid-looking one with one field made hostile, or every field at random.</summary>
    private sealed class Generator(Random rng, FuzzWorld world)
    {
        private const int DepthMax = 3;

        private static readonly string[] OddStrings =
        [
            "", " ", "\0", "\u202Eevil", "🙂🙃", "\uFFFF", "\u0301\u0301\u0301", "../../etc/passwd", "' OR 1=1 --", "%00", "%2F..%2F",
            "-1", "9223372036854775808", "1e309", "NaN", "hm1", "hm1" + new string('q', 60), "job_", "cmp_", "<script>alert(1)</script>",
            "null", "{}", "\r\nX-Injected: yes", "ﾟ･✿ヾ╲(｡◕‿◕｡)╱✿･ﾟ", "Ω≈ç√∫", "ＡＢＣ", "𝕳𝖊𝖊𝖗𝖑𝖊𝖓",
        ];

        public IMessage Request(MessageDescriptor type, bool mutateOneField)
        {
            if (!mutateOneField) return Random(type, 0);
            var message = Valid(type);
            var fields = type.Fields.InDeclarationOrder();
            if (fields.Count > 0) Set(message, fields[rng.Next(fields.Count)], 0, hostile: true);
            return message;
        }

        /// <summary>A valid-looking request's bytes with some bytes flipped, cut, inserted or repeated.</summary>
        public byte[] MutatedBytes(MessageDescriptor type)
        {
            var bytes = new List<byte>(Valid(type).ToByteArray());
            int mutations = 1 + rng.Next(4);
            for (int m = 0; m < mutations; m++)
            {
                int at = bytes.Count == 0 ? 0 : rng.Next(bytes.Count);
                switch (rng.Next(5))
                {
                    case 0 when bytes.Count > 0: bytes[at] ^= (byte)(1 << rng.Next(8)); break;
                    case 1 when bytes.Count > 0: bytes.RemoveRange(at, rng.Next(1, bytes.Count - at + 1)); break;
                    case 2: bytes.InsertRange(at, RandomBytes(rng.Next(1, 16))); break;
                    case 3: bytes.AddRange(bytes.Take(rng.Next(bytes.Count + 1)).ToList()); break;
                    default: bytes.InsertRange(at, [(byte)rng.Next(256), 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]); break; // a huge length or an odd tag
                }
            }
            return [.. bytes];
        }

        public HttpRequestMessage HttpRequest(MethodDescriptor method, HttpRule rule, bool mutateOneField, bool malformed)
        {
            var message = Request(method.InputType, mutateOneField);
            var (verb, pattern) = rule.PatternCase switch
            {
                HttpRule.PatternOneofCase.Get => (HttpMethod.Get, rule.Get),
                HttpRule.PatternOneofCase.Post => (HttpMethod.Post, rule.Post),
                HttpRule.PatternOneofCase.Put => (HttpMethod.Put, rule.Put),
                HttpRule.PatternOneofCase.Delete => (HttpMethod.Delete, rule.Delete),
                HttpRule.PatternOneofCase.Patch => (HttpMethod.Patch, rule.Patch),
                _ => throw new InvalidOperationException($"{method.FullName}: no pattern"),
            };
            var used = new HashSet<string>();
            string path = System.Text.RegularExpressions.Regex.Replace(pattern, @"\{([a-z_]+)\}", m =>
            {
                used.Add(m.Groups[1].Value);
                var field = method.InputType.FindFieldByName(m.Groups[1].Value);
                string value = field?.Accessor.GetValue(message)?.ToString() ?? "";
                if (malformed && rng.Next(2) == 0) value = OddStrings[rng.Next(OddStrings.Length)];
                return Uri.EscapeDataString(value.Length == 0 ? "x" : value);
            });
            var request = new HttpRequestMessage(verb, path);
            if (rule.Body == "*")
            {
                string json = JsonFormatter.Default.Format(message);
                request.Content = new StringContent(malformed ? Malformed(json) : json, Encoding.UTF8, "application/json");
            }
            else
            {
                var query = new List<string>();
                foreach (var field in method.InputType.Fields.InDeclarationOrder().Where(f => !used.Contains(f.Name) && f.FieldType != FieldType.Message))
                {
                    if (rng.Next(2) == 0) continue;
                    string value = malformed ? OddStrings[rng.Next(OddStrings.Length)] : QueryValue(field.Accessor.GetValue(message));
                    query.Add($"{field.JsonName}={Uri.EscapeDataString(value)}");
                }
                if (malformed && rng.Next(3) == 0) query.Add("unknownField=1");
                if (query.Count > 0) request.RequestUri = new Uri(path + "?" + string.Join('&', query), UriKind.Relative);
            }
            return request;
        }

        private static string QueryValue(object? value) => value switch
        {
            null => "",
            bool b => b ? "true" : "false",
            ByteString bytes => bytes.ToBase64(),
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };

        /// <summary>JSON that is broken, or of the wrong shape or types.</summary>
        private string Malformed(string json) => rng.Next(8) switch
        {
            0 => json[..rng.Next(json.Length)],
            1 => System.Text.RegularExpressions.Regex.Replace(json, "\"[^\"]*\"(?=\\s*[,}])", _ => new[] { "[]", "{}", "1e999", "null", "true", "-0", "\"\\ud800\"" }[rng.Next(7)]),
            2 => System.Text.RegularExpressions.Regex.Replace(json, ":\\s*(-?[0-9]+|true|false)", _ => ": \"" + OddStrings[rng.Next(OddStrings.Length)].Replace("\"", "", StringComparison.Ordinal).Replace("\\", "", StringComparison.Ordinal) + "\""),
            3 => new string('[', 5000) + new string(']', 5000),
            4 => "{\"" + new string('a', 40_000) + "\": 1}",
            5 => json.Replace("{", "{\"unknown\": {\"x\": [1, 2, {}]}, ", StringComparison.Ordinal),
            6 => "\"just a string\"",
            _ => Encoding.UTF8.GetString(RandomBytes(rng.Next(1, 200))),
        };

        /// <summary>Good values where the field's name is known; zero otherwise.</summary>
        private IMessage Valid(MessageDescriptor type)
        {
            var message = (IMessage)Activator.CreateInstance(type.ClrType)!;
            foreach (var field in type.Fields.InDeclarationOrder())
            {
                if (field.IsMap || field.IsRepeated || field.FieldType is FieldType.Message or FieldType.Group) continue;
                if (field.FieldType == FieldType.String && world.Good.TryGetValue(field.Name, out var good)) field.Accessor.SetValue(message, good[rng.Next(good.Length)]);
                else if (field.FieldType == FieldType.Bytes && field.Name == "envelope") field.Accessor.SetValue(message, ByteString.CopyFrom(world.ValidEnvelope()));
                else if (field.FieldType == FieldType.Bytes) field.Accessor.SetValue(message, ByteString.CopyFrom([0xFF, 0xD8, 0xFF, 0xE0, .. RandomBytes(16)]));
                else if (field.FieldType is FieldType.Int64 or FieldType.Int32 or FieldType.UInt32 or FieldType.UInt64 && field.Name.Contains("size", StringComparison.Ordinal)) Set(message, field, 0, hostile: false);
            }
            return message;
        }

        private IMessage Random(MessageDescriptor type, int depth)
        {
            var message = (IMessage)Activator.CreateInstance(type.ClrType)!;
            foreach (var field in type.Fields.InDeclarationOrder())
                if (rng.Next(3) > 0) Set(message, field, depth, hostile: true);
            return message;
        }

        private void Set(IMessage message, FieldDescriptor field, int depth, bool hostile)
        {
            if (field.IsMap) return;
            if (field.FieldType is FieldType.Message or FieldType.Group)
            {
                if (depth >= DepthMax) return;
                if (field.IsRepeated)
                {
                    var list = (IList)field.Accessor.GetValue(message);
                    for (int n = rng.Next(4); n > 0; n--) list.Add(Random(field.MessageType, depth + 1));
                }
                else
                {
                    field.Accessor.SetValue(message, Random(field.MessageType, depth + 1));
                }
                return;
            }
            if (field.IsRepeated)
            {
                var list = (IList)field.Accessor.GetValue(message);
                for (int n = rng.Next(6); n > 0; n--) list.Add(Scalar(field, hostile));
                return;
            }
            field.Accessor.SetValue(message, Scalar(field, hostile));
        }

        private object Scalar(FieldDescriptor field, bool hostile) => field.FieldType switch
        {
            FieldType.Bool => rng.Next(2) == 0,
            FieldType.String => String(field),
            FieldType.Bytes => Bytes(field),
            FieldType.Enum => Enum.ToObject(field.EnumType.ClrType, rng.Next(4) == 0 ? rng.Next(int.MinValue, int.MaxValue) : rng.Next(-1, 5)),
            FieldType.Double => Pick(0.0, -1.0, double.NaN, double.PositiveInfinity, double.MaxValue, rng.NextDouble() * 1e6),
            FieldType.Float => Pick(0f, -1f, float.NaN, float.NegativeInfinity, float.MaxValue, (float)rng.NextDouble()),
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => Pick(0, -1, 1, int.MaxValue, int.MinValue, rng.Next(-1000, 1000), rng.Next()),
            FieldType.UInt32 or FieldType.Fixed32 => Pick(0u, 1u, uint.MaxValue, (uint)rng.Next(0, 1000), (uint)rng.Next()),
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => Pick(0L, -1L, 1L, long.MaxValue, long.MinValue, rng.NextInt64(-1_000_000, 1_000_000), rng.NextInt64(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + rng.NextInt64(-86_400_000, 86_400_000)),
            FieldType.UInt64 or FieldType.Fixed64 => Pick(0UL, 1UL, ulong.MaxValue, (ulong)rng.NextInt64()),
            _ => throw new InvalidOperationException($"{field.FullName}: field type {field.FieldType}"),
        };

        private string String(FieldDescriptor field)
        {
            int pick = rng.Next(10);
            if (pick < 3 && world.Good.TryGetValue(field.Name, out var good))
            {
                string value = good[rng.Next(good.Length)];
                return rng.Next(2) == 0 || value.Length == 0 ? value : value.Remove(rng.Next(value.Length), 1).Insert(rng.Next(value.Length - 1), ((char)rng.Next(32, 0x3000)).ToString()); // one character changed
            }
            return pick switch
            {
                3 => new string((char)rng.Next(32, 127), rng.Next(1_000, 60_000)),
                4 => new string(Enumerable.Range(0, rng.Next(1, 64)).Select(_ => (char)rng.Next(0, 0xD7FF)).ToArray()),
                _ => OddStrings[rng.Next(OddStrings.Length)],
            };
        }

        private ByteString Bytes(FieldDescriptor field)
        {
            if (field.Name == "envelope" && rng.Next(3) == 0)
            {
                byte[] envelope = world.ValidEnvelope();
                envelope[rng.Next(envelope.Length)] ^= (byte)(1 << rng.Next(8));
                return ByteString.CopyFrom(envelope);
            }
            return rng.Next(10) switch
            {
                0 => ByteString.Empty,
                1 => ByteString.CopyFrom(RandomBytes(rng.Next(60_000, 80_000))), // over the 64 KiB message limit, except for photos
                _ => ByteString.CopyFrom(RandomBytes(rng.Next(1, 2_000))),
            };
        }

        private byte[] RandomBytes(int length)
        {
            byte[] bytes = new byte[length];
            rng.NextBytes(bytes);
            return bytes;
        }

        private T Pick<T>(params T[] values) => values[rng.Next(values.Length)];
    }
}
