import Foundation
import GatehouseDomain
import TerminalKit

/// Bulk revocation of the Tokens pane's filtered set (`B`). Three steps:
/// 1. the dry run: exactly the active tokens that would be revoked, paged like every list (a
///    million matches open as fast as ten);
/// 2. `R`: the count and a required reason (kept in each token and audit event); Enter starts;
/// 3. the revocation, in chunks: each chunk one transaction (authorized again, each token audited),
///    run between frames so the screen shows progress and `Esc` stops after the current chunk.
///    If a chunk fails or is stopped, what was revoked stays revoked, the screen says how many of
///    how many, and `R` goes on from there.
struct BulkRevokeScreen: BindingScreen {
    enum Phase {
        case review
        case reason(TextField, total: Int)
        case running(Progress)
        case stopped(Progress, why: String)
        case finished(Progress)
    }

    struct Progress {
        let reason: String
        let total: Int
        var revoked = 0
        var resumeAfter: PageCursor?
    }

    private let query: TokenQuery
    private let description: String
    private var list = PagedList<OwnedToken>()
    private var loadError: String?
    private(set) var phase = Phase.review

    init(query: TokenQuery, description: String, _ environment: ConsoleEnvironment) {
        var query = query
        query.statuses = [.active]
        self.query = query
        self.description = description
        load(environment)
    }

    private static func pageHeight(_ environment: ConsoleEnvironment) -> Int {
        Table.bodyHeight(for: Rect(x: 0, y: 0, width: 1, height: max(0, environment.contentArea.height - 5)))
    }

    private func fetch(_ environment: ConsoleEnvironment) -> PagedList<OwnedToken>.Fetch {
        let query = query
        return { request throws(GatehouseError) in
            try environment.service.tokensWithOwners(query, page: request, by: environment.actor)
        }
    }

    /// The first page only: it stands in for the count (exact when the match is short, "40+"
    /// otherwise) so the dry run opens in one page's time; the capped count (~35 ms for a broad
    /// match of 100,000 tokens) follows on the next tick, after the first frame.
    private mutating func load(_ environment: ConsoleEnvironment) {
        do {
            try list.reload(count: nil, pageHeight: Self.pageHeight(environment), fetch: fetch(environment))
            loadError = nil
        } catch {
            loadError = error.description
        }
    }

    private mutating func settleCount(_ environment: ConsoleEnvironment) {
        guard list.countIsProvisional, loadError == nil else { return }
        do {
            list.settle(count: try environment.service.count(query, cap: ListCount.defaultCap, by: environment.actor), pageHeight: Self.pageHeight(environment))
        } catch {
            loadError = error.description
        }
    }

    var breadcrumb: String {
        switch phase {
        case .review, .reason: "Bulk revoke (dry run)"
        case .running, .stopped, .finished: "Bulk revoke"
        }
    }

    var capturesText: Bool {
        if case .reason = phase { return true }
        return false
    }

    /// Leaving while tokens are being revoked would stop it without saying so.
    var hasUnsavedInput: Bool {
        if case .running = phase { return true }
        return false
    }

    var quitWarning: String? {
        guard case let .running(progress) = phase else { return nil }
        let left = max(0, progress.total - progress.revoked)
        return "A bulk revocation is running: \(Format.count(progress.revoked)) of \(Format.count(progress.total)) tokens revoked. Quitting stops it here: those stay revoked, the other \(Format.count(left)) stay active (open it again with B and R to finish)."
    }

    /// Each phase's keys, once: footer, help and handling read this table.
    func bindings(_ environment: ConsoleEnvironment) -> [KeyBinding<BulkRevokeScreen>] {
        switch phase {
        case .review:
            let nothing = list.count == 0 ? "Nothing to revoke: no active token matches." : nil
            return [
                KeyBinding([.character("R")], "R", "Revoke all\u{2026}", disabledReason: nothing) { screen, _, environment in screen.askReason(environment) },
                KeyBinding([.escape, .character("q")], "Esc", "Cancel") { _, _, _ in [.pop] },
                .moving { screen, key, environment in
                    do throws(GatehouseError) {
                        if key == .end || key == .character("G") { screen.settleCount(environment) }
                        _ = try screen.list.handle(key, pageHeight: Self.pageHeight(environment), fetch: screen.fetch(environment))
                    } catch {
                        screen.loadError = error.description
                    }
                    return []
                },
            ]
        case .reason:
            return [
                KeyBinding([.enter], "Enter", "Revoke") { screen, _, environment in screen.startRevoking(environment) },
                KeyBinding([.escape], "Esc", "Back to the dry run") { screen, _, _ in
                    screen.phase = .review
                    return []
                },
                .typing("type", "The reason") { screen, key, _ in
                    guard case .reason(var field, let total) = screen.phase else { return [] }
                    let outcome = field.handle(key)
                    if case .refused(let why) = outcome { field.validationMessage = why } else if outcome == .changed { field.validationMessage = nil }
                    screen.phase = .reason(field, total: total)
                    return []
                },
            ]
        case .running(let progress):
            return [KeyBinding([.escape, .character("q")], "Esc", "Stop after this chunk") { screen, _, _ in
                screen.phase = .stopped(progress, why: "Stopped at your request.")
                return [.refreshAll]
            }]
        case .stopped(let progress, _):
            return [
                KeyBinding([.character("R")], "R", "Go on") { screen, _, environment in
                    screen.phase = .running(progress)
                    return screen.runChunks(environment)
                },
                KeyBinding([.escape, .character("q")], "Esc", "Leave") { _, _, _ in [.pop] },
            ]
        case .finished:
            return [KeyBinding([.escape, .character("q"), .enter], "Esc", "Back to Tokens") { _, _, _ in [.pop] }]
        }
    }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] { boundKeys(environment) }

    /// While tokens are being revoked, other keys wait (help or a pane switch would pause the
    /// chunks); in the other phases the shell's keys (`?`, `:`, 1–5) work.
    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        if let actions = handleBinding(key, environment) { return actions }
        if case .running = phase { return [] }
        return nil
    }

    /// `R` on the dry run: the exact count, then the reason.
    private mutating func askReason(_ environment: ConsoleEnvironment) -> [ConsoleAction] {
        settleCount(environment)
        guard list.count > 0 else { return [.flash("Nothing to revoke: no active token matches.", .info)] }
        do {
            let total = try environment.service.count(query, by: environment.actor)
            phase = .reason(TextField(placeholder: "why, e.g. laptop stolen", maxLength: 200), total: total)
        } catch {
            return [.failure(error)]
        }
        return []
    }

    private mutating func startRevoking(_ environment: ConsoleEnvironment) -> [ConsoleAction] {
        guard case .reason(var field, let total) = phase else { return [] }
        let reason = field.text.trimmingCharacters(in: .whitespaces)
        guard !reason.isEmpty else {
            field.validationMessage = "A reason is required: it is kept in each token and in the audit log."
            phase = .reason(field, total: total)
            return []
        }
        phase = .running(Progress(reason: reason, total: total))
        return runChunks(environment)
    }

    mutating func tick(_ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        if case .review = phase, list.countIsProvisional {
            settleCount(environment)
            return []
        }
        guard case .running = phase else { return nil }
        return runChunks(environment)
    }

    /// Revokes chunk after chunk for up to `budget`, then returns so the next key is read.
    private mutating func runChunks(_ environment: ConsoleEnvironment) -> [ConsoleAction] {
        guard case .running(var progress) = phase else { return [] }
        // Work per tick (or key) is bounded, so keys are still read while a big revocation runs.
        let deadline = ContinuousClock.now + environment.bulkRevocationBudget
        repeat {
            do {
                let chunk = try environment.service.revokeTokens(matching: query, reason: progress.reason, after: progress.resumeAfter,
                                                                 chunkSize: environment.bulkRevocationChunk, by: environment.actor)
                progress.revoked += chunk.revoked.count
                progress.resumeAfter = chunk.resumeAfter
                if chunk.isFinished {
                    phase = .finished(progress)
                    return [.refreshAll, .flash("Revoked \(TextFormat.plural(progress.revoked, "token"))", .success)]
                }
            } catch {
                phase = .stopped(progress, why: error.description)
                return [.refreshAll, .failure(error)]
            }
        } while ContinuousClock.now < deadline
        phase = .running(progress)
        return []
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        let count = "\(Format.count(list.count))\(list.countIsExact ? "" : "+")"
        let title = switch phase {
        case .review, .reason: "Dry run: these \(count) active tokens would be revoked"
        case .running, .stopped, .finished: "Bulk revocation"
        }
        let inner = Block(title: title, isFocused: true, borderRole: .danger).render(into: &buffer, area: area, theme: theme)
        if let loadError {
            buffer.put(loadError, x: inner.x + 1, y: inner.y, style: theme[.errorText], maxWidth: inner.width - 2)
            return
        }
        let width = max(1, inner.width - 2)
        var y = inner.y
        func line(_ text: String, _ role: Role = .muted) {
            for piece in TextWrap.wrap(text, width: width) where y < inner.maxY {
                buffer.put(piece, x: inner.x + 1, y: y, style: theme[role], maxWidth: width)
                y += 1
            }
        }
        switch phase {
        case .review:
            line("Filter: \(description). Nothing has changed yet. R asks for a reason, then revokes them all; Esc goes back.")
        case .reason(let field, let total):
            line("Revoke \(TextFormat.plural(total, "active token")) matching: \(description). They stop working at once; one audit event per token.", .errorText)
            buffer.put("Reason:", x: inner.x + 1, y: y, style: theme[.normal], maxWidth: width)
            field.render(into: &buffer, area: Rect(x: inner.x + 9, y: y, width: max(1, width - 8), height: 1), theme: theme)
            y += 1
            if let message = field.validationMessage { line(message, .errorText) }
            line("Enter revokes; Esc goes back to the dry run.")
        case .running(let progress):
            line("Revoking\u{2026} \(Format.count(progress.revoked)) of \(Format.count(progress.total)) (\(environment.bulkRevocationChunk) per transaction). Esc stops after the current chunk; what is revoked stays revoked.", .normal)
        case .stopped(let progress, let why):
            line("Stopped: \(Format.count(progress.revoked)) of \(Format.count(progress.total)) revoked (\u{201C}\(progress.reason)\u{201D}); the rest are still active. \(why)", .errorText)
            line("R goes on with the rest; Esc leaves them active.")
        case .finished(let progress):
            line("Revoked \(TextFormat.plural(progress.revoked, "token")) (\u{201C}\(progress.reason)\u{201D}). Each is in the audit log.", .success)
            if progress.revoked < progress.total {
                line("\(Format.count(progress.total - progress.revoked)) that matched at the start no longer did (changed meanwhile, or no longer yours to revoke): they were left as they are.")
            }
        }
        guard case .review = phase else { return }
        y += 1
        let tableArea = Rect(x: inner.x, y: y, width: inner.width, height: max(0, inner.maxY - y))
        let table = Table(columns: [
            TableColumn("Name", minWidth: 14, weight: 3), TableColumn("Owner", minWidth: 10, weight: 1),
            TableColumn("Handle", minWidth: 12, maxWidth: 14, weight: 0), TableColumn("Expires", minWidth: 12, weight: 0),
        ], emptyMessage: "No active token matches the filter: nothing would be revoked.")
        let pageHeight = Table.bodyHeight(for: tableArea)
        let visible = list.visibleItems(pageHeight: pageHeight)
        let rows = visible.map { entry in
            entry.item.map { [$0.token.displayName, $0.ownerLogin ?? "(deleted)", $0.token.handle, TokenPresentation.expiry($0.token, now: environment.now).text] } ?? []
        }
        table.render(into: &buffer, area: tableArea, theme: theme, state: list.state,
                     source: TablePage(rowCount: list.count, firstRow: visible.first?.index ?? 0, rows: rows))
    }
}
