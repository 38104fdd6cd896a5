import CSkeleton
import Foundation

/// Names that look alike: "Project Collection Administrаtors" with a Cyrillic "а", "Соntoso",
/// "rn" for "m". Two names are confusable when their Unicode TR39 skeletons (ICU's spoof checker)
/// are equal, compared without case, since names are unique without case too.
public enum ConfusableText {
    public static func skeleton(_ text: String) -> String {
        let folded = text.lowercased()
        guard !folded.isEmpty else { return folded }
        var bytes = Array(folded.utf8)
        var capacity = max(64, bytes.count * 4)
        while true {
            var out = [CChar](repeating: 0, count: capacity)
            let written = bytes.withUnsafeMutableBufferPointer { input in
                input.baseAddress!.withMemoryRebound(to: CChar.self, capacity: input.count) { text in
                    gatehouse_skeleton(text, Int32(input.count), &out, Int32(capacity))
                }
            }
            if written >= 0 {
                return String(decoding: out.prefix(Int(written)).map { UInt8(bitPattern: $0) }, as: UTF8.self).lowercased()
            }
            // ICU failed outright: the folded text itself is the best skeleton there is.
            guard written < -1, Int(-written - 2) >= capacity else { return folded }
            capacity = Int(-written - 2) + 1
        }
    }

    public static func areConfusable(_ lhs: String, _ rhs: String) -> Bool {
        skeleton(lhs) == skeleton(rhs)
    }
}
