
/// OSC 52 clipboard escapes: the terminal emulator on the user's machine puts the text on its
/// clipboard, which works over SSH (the show-once token screen's copy action).
public enum Clipboard {
    /// `ESC ] 52 ; c ; <base64> BEL`; inside tmux wrapped in a DCS passthrough
    /// (`ESC P tmux; ESC ESC ] 52 ; c ; <base64> BEL ESC \`), where every ESC of the inner
    /// sequence is doubled.
    public static func osc52Sequence(for text: String, insideTmux: Bool) -> String {
        let inner = "\u{1b}]52;c;" + base64(Array(text.utf8)) + "\u{07}"
        guard insideTmux else { return inner }
        let escaped = inner.replacingEscapes()
        return "\u{1b}Ptmux;" + escaped + "\u{1b}\\"
    }

    /// Standard base64 with padding (RFC 4648).
    public static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index]
            let b1 = index + 1 < bytes.count ? bytes[index + 1] : 0
            let b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(index + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(index + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    fileprivate func replacingEscapes() -> String {
        var result = ""
        for scalar in unicodeScalars {
            if scalar == "\u{1b}" { result.unicodeScalars.append(scalar) }
            result.unicodeScalars.append(scalar)
        }
        return result
    }
}
