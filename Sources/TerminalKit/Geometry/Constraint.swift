/// How much of a split one part takes. Fixed and percent parts are served first, in order;
/// what remains is shared by flexible parts in proportion to their weights.
public enum Constraint: Hashable, Sendable {
    /// Exactly `n` cells (less if the space runs out).
    case fixed(Int)
    /// `p` percent of the whole length, rounded down.
    case percent(Int)
    /// At least `n` cells, then a share of the rest like `.fill`.
    case min(Int)
    /// A share of the remaining space, proportional to the weight.
    case flex(Int)

    /// A share of the remaining space with weight 1.
    public static var fill: Constraint { .flex(1) }
}

extension Rect {
    /// Splits into stacked rows, top to bottom. Always returns one rect per constraint.
    public func split(rows constraints: [Constraint]) -> [Rect] {
        Constraint.lengths(constraints, total: height).enumerated().reduce(into: [Rect]()) { out, item in
            let top = out.last.map { $0.maxY } ?? y
            out.append(Rect(x: x, y: top, width: width, height: item.element))
        }
    }

    /// Splits into side-by-side columns, left to right. Always returns one rect per constraint.
    public func split(columns constraints: [Constraint]) -> [Rect] {
        Constraint.lengths(constraints, total: width).enumerated().reduce(into: [Rect]()) { out, item in
            let left = out.last.map { $0.maxX } ?? x
            out.append(Rect(x: left, y: y, width: item.element, height: height))
        }
    }
}

extension Constraint {
    /// The length of each part; the lengths never sum to more than `total`.
    static func lengths(_ constraints: [Constraint], total: Int) -> [Int] {
        let total = Swift.max(0, total)
        var lengths = [Int](repeating: 0, count: constraints.count)
        var remaining = total
        // Rigid parts first, in order, so the first ones win when space is short.
        for (index, constraint) in constraints.enumerated() {
            let wanted: Int
            switch constraint {
            case .fixed(let n): wanted = n
            case .percent(let p): wanted = total * Swift.min(100, Swift.max(0, p)) / 100
            case .min(let n): wanted = n
            case .flex: wanted = 0
            }
            let granted = Swift.min(Swift.max(0, wanted), remaining)
            lengths[index] = granted
            remaining -= granted
        }
        let weights = constraints.map { constraint -> Int in
            switch constraint {
            case .flex(let w): return Swift.max(0, w)
            case .min: return 1
            default: return 0
            }
        }
        let weightSum = weights.reduce(0, +)
        guard weightSum > 0, remaining > 0 else { return lengths }
        var distributed = 0
        for index in constraints.indices where weights[index] > 0 {
            let share = remaining * weights[index] / weightSum
            lengths[index] += share
            distributed += share
        }
        // Rounding leftovers go to the first flexible parts, one cell each.
        var leftover = remaining - distributed
        for index in constraints.indices where weights[index] > 0 && leftover > 0 {
            lengths[index] += 1
            leftover -= 1
        }
        return lengths
    }
}
