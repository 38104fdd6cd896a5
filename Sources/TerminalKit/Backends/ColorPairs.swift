import CNcursesw

/// Allocates curses color pairs on first use, one per (foreground, background) combination.
@MainActor
struct ColorPairs {
    private var pairs: [Key: Int16] = [:]
    /// The pair asked last: neighbouring cells mostly share colors, and a frame asks per cell.
    private var last: (key: Key, pair: Int16)?
    private let enabled: Bool
    private let defaultColorsWork: Bool
    private let limit: Int

    private struct Key: Hashable {
        let foreground: Color
        let background: Color
    }

    init(enabled: Bool, defaultColorsWork: Bool) {
        self.enabled = enabled
        self.defaultColorsWork = defaultColorsWork
        self.limit = Int(cn_COLOR_PAIRS())
    }

    mutating func pair(foreground: Color, background: Color) -> Int16 {
        guard enabled, foreground != .default || background != .default else { return 0 }
        let key = Key(foreground: foreground, background: background)
        if let last, last.key == key { return last.pair }
        if let pair = pairs[key] {
            last = (key, pair)
            return pair
        }
        let number = pairs.count + 1
        guard number < min(limit, Int(Int16.max)) else { return 0 }
        init_pair(Int16(number), curses(foreground, isBackground: false), curses(background, isBackground: true))
        pairs[key] = Int16(number)
        return Int16(number)
    }

    private func curses(_ color: Color, isBackground: Bool) -> Int16 {
        switch color {
        case .default: return defaultColorsWork ? -1 : Int16(isBackground ? COLOR_BLACK : COLOR_WHITE)
        case .black: return Int16(COLOR_BLACK)
        case .red: return Int16(COLOR_RED)
        case .green: return Int16(COLOR_GREEN)
        case .yellow: return Int16(COLOR_YELLOW)
        case .blue: return Int16(COLOR_BLUE)
        case .magenta: return Int16(COLOR_MAGENTA)
        case .cyan: return Int16(COLOR_CYAN)
        case .white: return Int16(COLOR_WHITE)
        }
    }
}
