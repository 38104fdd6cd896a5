/// Strict standard base64 (RFC 4648 §4), as OpenSSH reads and writes it in public-key lines.
///
/// Decoding refuses anything OpenSSH's own decoder refuses: characters outside the
/// alphabet (including embedded whitespace), missing or misplaced `=` padding, and
/// non-zero bits left over in the last group.
enum SSHBase64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, symbol) in alphabet.enumerated() {
            table[Int(symbol)] = UInt8(value)
        }
        return table
    }()

    static func encode(_ bytes: [UInt8], padded: Bool = true) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let b0 = UInt32(bytes[index])
            let b1 = remaining > 1 ? UInt32(bytes[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(bytes[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            output.append(alphabet[Int(group >> 18 & 0x3F)])
            output.append(alphabet[Int(group >> 12 & 0x3F)])
            if remaining > 1 {
                output.append(alphabet[Int(group >> 6 & 0x3F)])
            } else if padded {
                output.append(UInt8(ascii: "="))
            }
            if remaining > 2 {
                output.append(alphabet[Int(group & 0x3F)])
            } else if padded {
                output.append(UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes padded base64, or returns `nil` if the text is not strictly valid.
    static func decode<Text: StringProtocol>(_ text: Text) -> [UInt8]? {
        let symbols = Array(text.utf8)
        guard !symbols.isEmpty, symbols.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(symbols.count / 4 * 3)
        let groupCount = symbols.count / 4
        for groupIndex in 0..<groupCount {
            let start = groupIndex * 4
            let isLastGroup = groupIndex == groupCount - 1
            var padding = 0
            if isLastGroup {
                if symbols[start + 3] == UInt8(ascii: "=") { padding = 1 }
                if padding == 1, symbols[start + 2] == UInt8(ascii: "=") { padding = 2 }
            }
            var group: UInt32 = 0
            for position in 0..<4 {
                let symbol = symbols[start + position]
                if position >= 4 - padding {
                    group <<= 6
                    continue
                }
                let value = decodeTable[Int(symbol)]
                guard value != 0xFF else { return nil }  // also refuses '=' anywhere but the end
                group = group << 6 | UInt32(value)
            }
            // The bits that fall past the last whole byte must be zero (canonical encoding).
            if padding == 1, group & 0xFF != 0 { return nil }
            if padding == 2, group & 0xFFFF != 0 { return nil }
            output.append(UInt8(group >> 16 & 0xFF))
            if padding < 2 { output.append(UInt8(group >> 8 & 0xFF)) }
            if padding < 1 { output.append(UInt8(group & 0xFF)) }
        }
        return output
    }
}
