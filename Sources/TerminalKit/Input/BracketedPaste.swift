/// Collects the text of a bracketed paste: the characters after `Esc [200~` up to `Esc [201~`.
/// Terminals send line breaks in pastes as `\r` (or `\r\n`); they become `\n`.
struct BracketedPaste {
    static let enable = "\u{1b}[?2004h"
    static let disable = "\u{1b}[?2004l"
    /// What follows `Esc [` at the start of a paste.
    static let startSuffix: [UInt32] = "200~".unicodeScalars.map(\.value)
    private static let end: [UInt32] = "\u{1b}[201~".unicodeScalars.map(\.value)
    /// Larger pastes are cut (nobody pastes a megabyte into a form on purpose).
    static let limit = 1 << 20

    private var codes: [UInt32] = []
    /// The last few codes, to spot the end marker even after the limit is reached.
    private var tail: [UInt32] = []
    private(set) var isComplete = false

    mutating func append(_ code: UInt32) {
        guard !isComplete else { return }
        tail.append(code)
        if tail.count > Self.end.count { tail.removeFirst() }
        if codes.count < Self.limit + Self.end.count { codes.append(code) }
        if tail == Self.end {
            codes.removeLast(min(codes.count, Self.end.count))
            isComplete = true
        }
    }

    var text: String {
        var scalars = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        for code in codes.prefix(Self.limit) {
            guard let scalar = Unicode.Scalar(code) else { continue }
            defer { previous = scalar }
            if scalar == "\n" && previous == "\r" { continue }
            scalars.append(scalar == "\r" ? "\n" : scalar)
        }
        return String(scalars)
    }
}
