
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

/// What can be known about where an OSC 52 copy ends up, so a screen says no more than that.
public enum ClipboardReach: Hashable, Sendable {
    /// Not inside tmux: the sequence goes to the terminal, which may or may not honour it.
    case terminal
    /// Inside tmux, with its `set-clipboard` and `allow-passthrough` options as tmux reported them.
    case tmux(setClipboard: String, allowPassthrough: Bool)
    /// Inside tmux, but tmux could not be asked.
    case tmuxUnknown

    /// Whether the copy is known to be dropped before it reaches the terminal.
    public var isDropped: Bool {
        if case let .tmux(setClipboard, passthrough) = self { return setClipboard != "on" && !passthrough }
        return false
    }

    /// One sentence or two for the user, claiming only what is known.
    public var message: String {
        switch self {
        case .terminal:
            "Sent to your terminal (OSC 52). A terminal that ignores OSC 52 copies nothing: if nothing pastes, select the token with the mouse."
        case .tmux(setClipboard: "on", _):
            "Sent through tmux (set-clipboard on) to your terminal, and kept in tmux\u{2019}s paste buffer. If nothing pastes, select the token with the mouse."
        case let .tmux(setClipboard, true):
            "Sent to your terminal through tmux\u{2019}s passthrough (set-clipboard is \(setClipboard)). If nothing pastes, select the token with the mouse."
        case let .tmux(setClipboard, false):
            "Not copied: tmux has set-clipboard \(setClipboard), which drops a program\u{2019}s copy. Select the token with the mouse instead (tmux: set -g set-clipboard on)."
        case .tmuxUnknown:
            "Sent to tmux, which did not say whether it passes copies on (set-clipboard): if nothing pastes, select the token with the mouse."
        }
    }

    /// Decides from the environment (`TMUX`) and tmux's answers to `show-options -gv NAME` (nil: no answer).
    public static func decide(tmuxVariable: String?, option: (String) -> String?) -> ClipboardReach {
        guard let tmuxVariable, !tmuxVariable.isEmpty else { return .terminal }
        func trimmed(_ text: String?) -> String? {
            text.map { String($0.filter { !$0.isWhitespace && !$0.isNewline }) }
        }
        guard let setClipboard = trimmed(option("set-clipboard")), !setClipboard.isEmpty else {
            return .tmuxUnknown
        }
        let passthrough = trimmed(option("allow-passthrough")) ?? "off"
        return .tmux(setClipboard: setClipboard, allowPassthrough: passthrough == "on" || passthrough == "all")
    }
}
