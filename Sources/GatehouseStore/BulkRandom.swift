import Foundation
import GatehouseDomain

/// The system CSPRNG read in large chunks: one `getrandom(2)` per 64 KiB instead of one per
/// 8 bytes, so a million token secrets cost milliseconds, not seconds. Single-threaded use only
/// (the bulk loader owns it).
final class BufferedSystemRandom: RandomSource, @unchecked Sendable {
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private var position = 1 << 16

    init() {}

    private func refill() {
        var generator = SystemRandomNumberGenerator()
        buffer.withUnsafeMutableBytes { raw in
            let words = raw.bindMemory(to: UInt64.self)
            for index in words.indices { words[index] = generator.next() }
        }
        position = 0
    }

    func bytes(count: Int) -> [UInt8] {
        var result = [UInt8]()
        result.reserveCapacity(count)
        while result.count < count {
            if position == buffer.count { refill() }
            let take = min(count - result.count, buffer.count - position)
            result.append(contentsOf: buffer[position..<(position + take)])
            position += take
        }
        return result
    }

    /// A version-4 UUID from the same buffer.
    func uuid() -> UUID {
        var b = bytes(count: 16)
        b[6] = (b[6] & 0x0F) | 0x40
        b[8] = (b[8] & 0x3F) | 0x80
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }
}

/// SplitMix64: a fast, seedable generator for the *shape* of generated data (who owns what,
/// which scopes, which dates). Never used for secrets.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// 0..<bound without modulo bias worth caring about for test data.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) * 0x1p-53 < p }

    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Picks by weight: `weights` need not sum to 1.
    mutating func weighted<T>(_ choices: [(T, Double)]) -> T {
        let total = choices.reduce(0) { $0 + $1.1 }
        var roll = unit() * total
        for (value, weight) in choices {
            roll -= weight
            if roll < 0 { return value }
        }
        return choices[choices.count - 1].0
    }
}
