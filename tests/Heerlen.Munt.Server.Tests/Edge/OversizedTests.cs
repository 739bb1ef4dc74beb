using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Server.Tests.Support;
using Xunit.Abstractions;

namespace Heerlen.Munt.Server.Tests.Edge;

/// <summary>
/// Requests built to cost the server more than they cost the client: a JSON body far over the message limit, JSON
/// nested fifty thousand deep, a gzip bomb inside a gRPC message. Each is refused quickly, and the server answers
/// the next call.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class OversizedTests(ServerFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task a_json_body_of_two_mib_is_refused_by_its_size_before_it_is_parsed()
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Server.HttpUrl), Timeout = TimeSpan.FromSeconds(30) };
        string body = "{\"envelope\": \"" + Convert.ToBase64String(new byte[1536 * 1024]) + "\"}";
        var clock = Stopwatch.StartNew();

        using var response = await http.PostAsync("/v1/commands", new StringContent(body, Encoding.UTF8, "application/json"));
        string text = await response.Content.ReadAsStringAsync();

        output.WriteLine($"{body.Length} bytes of JSON: HTTP {(int)response.StatusCode} after {clock.ElapsedMilliseconds} ms: {text[..Math.Min(200, text.Length)]}");
        // Refused by its size before it is parsed (before the fix it was read whole, parsed, decoded and only then
        // refused as command_too_large). JSON transcoding answers Kestrel's refusal as INVALID_ARGUMENT, HTTP 400.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Request body too large", text, StringComparison.Ordinal);
        await TheServerStillAnswersAsync();
    }

    [Fact]
    public async Task json_nested_fifty_thousand_deep_is_refused_as_bad_json()
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Server.HttpUrl), Timeout = TimeSpan.FromSeconds(30) };
        // 100 KB: within the body limit, so the parser meets it (System.Text.Json stops at depth 64).
        string body = "{\"envelope\": \"AA==\", \"deep\": " + new string('[', 50_000) + new string(']', 50_000) + "}";
        var took = new List<long>();

        for (int i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await http.PostAsync("/v1/commands", new StringContent(body, Encoding.UTF8, "application/json"));
            string text = await response.Content.ReadAsStringAsync();
            took.Add(clock.ElapsedMilliseconds);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"HTTP {(int)response.StatusCode}: {text}");
        }

        output.WriteLine($"JSON nested 50,000 deep, 5 times: HTTP 400 after {string.Join(", ", took)} ms");
        await TheServerStillAnswersAsync();
    }

    [Fact]
    public async Task a_gzip_bomb_in_a_grpc_message_is_refused_without_unpacking_it()
    {
        // 16 MiB of zeros in the envelope, gzipped to a few KiB: inside the 64 KiB on the wire, 256 times over it unpacked.
        byte[] message = new SubmitCommandRequest { Envelope = ByteString.CopyFrom(new byte[16 * 1024 * 1024]) }.ToByteArray();
        using var packed = new MemoryStream();
        using (var gzip = new GZipStream(packed, CompressionLevel.SmallestSize, leaveOpen: true)) gzip.Write(message);
        byte[] frame = new byte[5 + packed.Length];
        frame[0] = 1; // compressed
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), (int)packed.Length);
        packed.ToArray().CopyTo(frame, 5);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, fixture.Server.GrpcUrl + "/heerlen.munt.v1.Ledger/SubmitCommand")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");
        var clock = Stopwatch.StartNew();

        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        string status = response.TrailingHeaders.TryGetValues("grpc-status", out var s) ? s.First()
            : response.Headers.TryGetValues("grpc-status", out var h) ? h.First() : "none";

        output.WriteLine($"gzip bomb of {frame.Length} bytes ({message.Length} unpacked): grpc-status {status} after {clock.ElapsedMilliseconds} ms");
        Assert.Equal(((int)Grpc.Core.StatusCode.ResourceExhausted).ToString(System.Globalization.CultureInfo.InvariantCulture), status);
        await TheServerStillAnswersAsync();
    }

    private async Task TheServerStillAnswersAsync()
    {
        using var client = fixture.Client();
        var info = await client.Ledger.GetChainInfoAsync(new GetChainInfoRequest(), Answers.Options(null));
        Assert.True(info.Height > 0);
    }
}
