/// A short message after an action ("Token revoked"), which disappears by itself.
/// Time comes from the caller, so tests are exact: pass `now` from your clock.
public struct Flash: Hashable, Sendable {
    public enum Level: Hashable, Sendable { case info, success, warning, error }

    public var message: String
    public var level: Level
    public var expiresAt: ContinuousClock.Instant

    /// A flash shown from `now` for `duration` (errors deserve longer: pass it).
    public init(_ message: String, level: Level = .info, now: ContinuousClock.Instant, duration: Duration = .seconds(4)) {
        self.message = message
        self.level = level
        self.expiresAt = now.advanced(by: duration)
    }

    public func isExpired(at now: ContinuousClock.Instant) -> Bool { now >= expiresAt }

    /// The flash if still showing at `now`, else nil: `model.flash = Flash.active(model.flash, at: now)`.
    public static func active(_ flash: Flash?, at now: ContinuousClock.Instant) -> Flash? {
        guard let flash, !flash.isExpired(at: now) else { return nil }
        return flash
    }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        let area = area.intersection(buffer.area)
        guard !area.isEmpty else { return }
        let row = area.row(0)
        let lines = theme.lineDrawing
        let (mark, role): (String, Role) =
            switch level {
            case .info: (lines.infoMark, .accent)
            case .success: (lines.successMark, .success)
            case .warning: (lines.warningMark, .warning)
            case .error: (lines.errorMark, .danger)
            }
        buffer.fill(row, style: theme[.normal])
        let used = buffer.put(" \(mark) ", x: row.x, y: row.y, style: theme[role])
        buffer.put(message, x: row.x + used, y: row.y, style: theme[level == .error ? .errorText : .normal], maxWidth: row.width - used)
    }
}
