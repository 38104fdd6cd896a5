import Synchronization

/// One terminal cell: a single grapheme and its style. A wide grapheme (CJK, most emoji)
/// occupies its cell and the next one, which is marked `isContinuation` and drawn by nobody.
///
/// The symbol is always sanitized: there is no way to put a control character in a cell.
///
/// A cell holds no reference (its grapheme is kept inline, see `Glyph`): a frame of 200x60
/// cells is made, compared with the last one, copied and freed as plain memory, with no
/// reference counting per cell.
public struct Cell: Hashable, Sendable {
    private var glyph: Glyph
    public var style: Style
    private var storedWidth: UInt8

    /// The grapheme shown, `" "` for a blank cell, `""` for the right half of a wide grapheme.
    public var symbol: String { glyph.string }
    /// Display width of `symbol`: 1 or 2 (0 for a continuation cell).
    public var width: Int { Int(storedWidth) }

    /// A cell holding `character` (sanitized; an invisible character becomes a blank).
    public init(_ character: Character = " ", style: Style = .plain) {
        let clean = Sanitizer.sanitize(String(character))
        let first = clean.first ?? " "
        self.glyph = Glyph(first)
        self.style = style
        self.storedWidth = UInt8(max(1, min(2, TextWidth.width(of: first))))
    }

    /// Internal: a grapheme already sanitized by `Buffer.put`.
    init(trusted grapheme: Character, width: Int, style: Style) {
        self.glyph = Glyph(grapheme)
        self.style = style
        self.storedWidth = UInt8(max(0, min(2, width)))
    }

    /// Internal: a printable ASCII byte (`Buffer.put`'s fast path), one column.
    init(trustedASCII byte: UInt8, style: Style) {
        self.glyph = Glyph(byte: byte)
        self.style = style
        self.storedWidth = 1
    }

    static func continuation(style: Style) -> Cell {
        var cell = Cell(trustedASCII: 0x20, style: style)
        cell.glyph = Glyph()
        cell.storedWidth = 0
        return cell
    }

    public static let blank = Cell()

    /// True for the right half of a wide grapheme.
    public var isContinuation: Bool { storedWidth == 0 }

    /// The byte of a one-byte ASCII grapheme (most cells), without making a string.
    var asciiByte: UInt8? { glyph.asciiByte }
}

/// A grapheme's UTF-8 bytes, held inline (up to 24 bytes: every letter, CJK character, flag and
/// most emoji sequences). A longer one (a family emoji, a stack of combining marks) is numbered
/// in a table of long graphemes, which keeps each distinct one once; should that table ever be
/// full, the grapheme keeps the longest run of its scalars that fits inline.
struct Glyph: Hashable, Sendable {
    private var bytes: (UInt64, UInt64, UInt64) = (0, 0, 0)
    /// Bytes held inline, or `Self.numbered` when `bytes.0` numbers a long grapheme.
    private var count: UInt8 = 0

    private static let capacity = 24
    private static let numbered: UInt8 = .max

    /// The empty glyph (a continuation cell's).
    init() {}

    init(byte: UInt8) {
        bytes.0 = UInt64(byte)
        count = 1
    }

    init(_ character: Character) {
        let utf8 = character.utf8
        if utf8.count <= Self.capacity {
            store(utf8)
        } else if let number = LongGraphemes.number(for: String(character)) {
            bytes.0 = UInt64(number)
            count = Self.numbered
        } else {
            // The table is full: the scalars that fit, from the first (the base character).
            var kept = String.UnicodeScalarView()
            var used = 0
            for scalar in character.unicodeScalars {
                let length = UTF8.width(scalar)
                guard used + length <= Self.capacity else { break }
                kept.append(scalar)
                used += length
            }
            store(String(kept).utf8)
        }
    }

    private mutating func store(_ utf8: some Collection<UInt8>) {
        withUnsafeMutableBytes(of: &bytes) { raw in
            for (offset, byte) in utf8.enumerated() { raw[offset] = byte }
        }
        count = UInt8(utf8.count)
    }

    var string: String {
        if count == Self.numbered { return LongGraphemes.string(number: Int(bytes.0)) }
        return withUnsafeBytes(of: bytes) { raw in String(decoding: raw.prefix(Int(count)), as: UTF8.self) }
    }

    var asciiByte: UInt8? {
        count == 1 && bytes.0 < 0x80 ? UInt8(truncatingIfNeeded: bytes.0) : nil
    }

    static func == (left: Glyph, right: Glyph) -> Bool {
        left.count == right.count && left.bytes.0 == right.bytes.0 && left.bytes.1 == right.bytes.1 && left.bytes.2 == right.bytes.2
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        hasher.combine(bytes.0)
        hasher.combine(bytes.1)
        hasher.combine(bytes.2)
    }
}

/// Graphemes longer than a cell holds inline, each numbered once for the life of the process.
enum LongGraphemes {
    /// More distinct long graphemes than any directory shows; the bound keeps hostile names
    /// (endless distinct mark stacks) from growing the table without end.
    static let limit = 65_536

    private static let table = Mutex<(strings: [String], numbers: [String: Int])>(([], [:]))

    /// The grapheme's number, or nil when the table is full.
    static func number(for grapheme: String) -> Int? {
        table.withLock { table in
            if let number = table.numbers[grapheme] { return number }
            guard table.strings.count < limit else { return nil }
            table.strings.append(grapheme)
            table.numbers[grapheme] = table.strings.count - 1
            return table.strings.count - 1
        }
    }

    static func string(number: Int) -> String {
        table.withLock { $0.strings.indices.contains(number) ? $0.strings[number] : "\u{FFFD}" }
    }
}
