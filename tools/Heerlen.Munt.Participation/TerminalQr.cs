using System.Text;
using QRCoder;

namespace Heerlen.Munt.Modules;

/// <summary>
/// A QR code drawn in a terminal, so the resident's phone can scan the desk's answer (hundreds of base64 characters,
/// which nobody should have to type). Two rows of modules per line with half blocks, in explicit black on white (ANSI
/// colours), so it scans on a dark terminal as well as a light one; a quiet zone of four modules all round.
/// </summary>
public static class TerminalQr
{
    private const string Black = "\u001b[30m", WhiteBackground = "\u001b[47m", BlackBackground = "\u001b[40m", WhiteText = "\u001b[37m", Reset = "\u001b[0m";

    /// <summary>The QR code of <paramref name="text"/> (error correction L: the answer is long, a terminal is sharp) as lines for a terminal.</summary>
    public static string Draw(string text)
    {
        using var data = QRCodeGenerator.GenerateQrCode(text, QRCodeGenerator.ECCLevel.L);
        var matrix = data.ModuleMatrix; // with its quiet zone
        int size = matrix.Count;
        var lines = new StringBuilder();
        for (int y = 0; y < size; y += 2)
        {
            for (int x = 0; x < size; x++)
            {
                bool top = matrix[y][x], bottom = y + 1 < size && matrix[y + 1][x];
                // "▀": the upper half in the text colour, the lower half in the background colour.
                lines.Append(top ? Black : WhiteText).Append(bottom ? BlackBackground : WhiteBackground).Append('▀');
            }
            lines.Append(Reset).Append('\n');
        }
        return lines.ToString();
    }
}
