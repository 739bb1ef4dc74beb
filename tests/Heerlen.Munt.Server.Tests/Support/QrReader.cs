using System.Text.RegularExpressions;
using ZXing;
using ZXing.Common;
using ZXing.QrCode;

namespace Heerlen.Munt.Server.Tests.Support;

/// <summary>
/// Reads a QR code that munt-module drew in a terminal (ANSI colours, half blocks) the way a phone would: back to a
/// picture (4 pixels per module, grey levels) and through ZXing's QR decoder.
/// </summary>
public static partial class QrReader
{
    /// <summary>The text of the QR code in <paramref name="drawn"/>; fails the test if it does not decode.</summary>
    public static string Read(string drawn)
    {
        var rows = new List<bool[]>();
        foreach (string line in drawn.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var cells = Cell().Matches(line);
            if (cells.Count == 0) continue;
            // "▀" in the text colour (30 black, 37 white) over the background colour (40 black, 47 white).
            rows.Add(cells.Select(m => m.Groups["fg"].Value == "30").ToArray());
            rows.Add(cells.Select(m => m.Groups["bg"].Value == "40").ToArray());
        }
        int width = rows[0].Length, height = rows.Count, scale = 4;
        Assert.All(rows, r => Assert.Equal(width, r.Length));
        byte[] pixels = new byte[width * scale * height * scale];
        for (int y = 0; y < height * scale; y++)
            for (int x = 0; x < width * scale; x++) pixels[y * width * scale + x] = rows[y / scale][x / scale] ? (byte)0 : (byte)255;
        var image = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(pixels, width * scale, height * scale, RGBLuminanceSource.BitmapFormat.Gray8)));
        var result = new QRCodeReader().decode(image, new Dictionary<DecodeHintType, object> { [DecodeHintType.PURE_BARCODE] = true });
        Assert.True(result is not null, "the drawn QR code does not decode");
        return result.Text;
    }

    [GeneratedRegex("\u001b\\[(?<fg>3[07])m\u001b\\[(?<bg>4[07])m\u2580")]
    private static partial Regex Cell();
}
