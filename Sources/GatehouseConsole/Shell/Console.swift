import Foundation
import GatehouseDomain
import TerminalKit

/// The shell around the screens: header, pane tabs, footer, flash, `:` command line, `?` help,
/// confirmation dialogs, and one navigation stack per pane (switching panes keeps your place).
public final class Console {
    /// Below this the layout cannot show a useful table; a "terminal too small" view says so.
    public static let minimumSize = Size(width: 60, height: 16)

    let environment: ConsoleEnvironment
    private(set) var pane: Pane = .users
    private var stacks: [Pane: [any ConsoleScreen]] = [:]
    private var confirmation: PendingConfirmation?
    private var help: HelpOverlay?
    private var commandLine: CommandLine?
    private(set) var flash: Flash?
    private(set) var isFinished = false
    /// Written to the terminal by the runner (OSC 52); the console never touches the terminal.
    private(set) var pendingClipboard: String?
    private var size = Size(width: 80, height: 24)

    init(environment: ConsoleEnvironment, startPane: Pane = .users) {
        self.environment = environment
        self.pane = startPane
        environment.contentArea = Self.contentArea(for: size)
        // Only the pane on screen is loaded; the others load on first visit (each runs counts
        // that cost tens of milliseconds on a large directory, which the first frame must not wait for).
        stacks = [startPane: [Self.makePane(startPane, environment)]]
    }

    static func makePane(_ pane: Pane, _ environment: ConsoleEnvironment) -> any ConsoleScreen {
        switch pane {
        case .users: UsersPane(environment)
        case .groups: GroupsPane(environment)
        case .tokens: TokensPane(environment)
        case .audit: AuditPane(environment)
        case .policies: PoliciesPane(environment)
        }
    }

    public convenience init(service: AccessService, actor: Actor, clock: any WallClock = SystemClock()) {
        self.init(environment: ConsoleEnvironment(service: service, actor: actor, clock: clock))
    }

    // MARK: Layout

    static func contentArea(for size: Size) -> Rect {
        Rect(x: 0, y: 2, width: size.width, height: max(0, size.height - 4))
    }

    /// Called before each key with the terminal's current size, so screens know their space.
    func resize(to newSize: Size) {
        guard newSize != size else { return }
        size = newSize
        environment.contentArea = Self.contentArea(for: newSize)
        for pane in Pane.allCases {
            guard var stack = stacks[pane] else { continue }
            for index in stack.indices { stack[index].refresh(environment) }
            stacks[pane] = stack
        }
    }

    private var stack: [any ConsoleScreen] {
        get {
            if let existing = stacks[pane] { return existing }
            let created: [any ConsoleScreen] = [Self.makePane(pane, environment)]
            stacks[pane] = created
            return created
        }
        set { stacks[pane] = newValue }
    }

    var topScreen: (any ConsoleScreen)? { stack.last }

    // MARK: Update

    /// Handles one key; returns whether anything on screen may have changed.
    @discardableResult
    public func handle(_ key: Key, size: Size) -> Bool {
        resize(to: size)
        if key == .resize { return true }
        if let expired = flash, expired.isExpired(at: environment.instant()) { flash = nil }
        if help != nil { return handleHelp(key) }
        if confirmation != nil { return handleConfirmation(key) }
        if commandLine != nil { return handleCommandLine(key) }
        if key == .ctrl("c") {
            requestQuit()
            return true
        }
        guard var screen = stack.popLast() else { return false }
        let captures = screen.capturesText
        let outcome = screen.handle(key, environment)
        stack.append(screen)
        if let actions = outcome {
            apply(actions)
            return true
        }
        if captures { return true }
        return handleGlobal(key)
    }

    /// Periodic tick: expires flashes, and lets the screen on top run work between frames.
    public func tick() -> Bool {
        var changed = false
        if confirmation == nil, help == nil, commandLine == nil, var screen = stack.popLast() {
            let actions = screen.tick(environment)
            stack.append(screen)
            if let actions {
                apply(actions)
                changed = true
            }
        }
        guard let current = flash, current.isExpired(at: environment.instant()) else { return changed }
        flash = nil
        return true
    }

    private func handleGlobal(_ key: Key) -> Bool {
        if let index = TabBar.index(for: key, current: pane.rawValue, count: Pane.allCases.count), let target = Pane(rawValue: index) {
            pane = target
            return true
        }
        switch key {
        case .character("q"):
            if stack.count > 1 { popScreen() } else { requestQuit() }
        case .escape:
            if stack.count > 1 { popScreen() }
        case .character(":"):
            commandLine = CommandLine()
        case .character("?"), .function(1):
            help = HelpOverlay(title: "Help \u{2014} \(topScreen?.breadcrumb ?? pane.title)", sections: helpSections())
        case .ctrl("l"):
            break
        default:
            return false
        }
        return true
    }

    /// Whether the screen on display holds a secret (the show-once screen before `y`).
    var showsSecret: Bool { topScreen?.heldSecretToken != nil && help == nil }

    /// Every token whose show-once screen is still open, on any pane: what a session ending now
    /// leaves unacknowledged.
    var heldSecretTokens: [PersonalAccessToken] {
        Pane.allCases.flatMap { (stacks[$0] ?? []).compactMap(\.heldSecretToken) }
    }

    private func popScreen() {
        guard stack.count > 1, let top = topScreen else { return }
        if top.hasUnsavedInput {
            confirm(ConfirmDialog(title: "Discard changes?", message: "What you typed on this screen will be lost.",
                                  confirmLabel: "Discard", isDestructive: true)) { _ in [.pop] }
        } else {
            stack.removeLast()
        }
    }

    private func requestQuit() {
        let unsaved = Pane.allCases.contains { (stacks[$0] ?? []).contains { $0.hasUnsavedInput } }
        if unsaved {
            confirm(ConfirmDialog(title: "Quit Gatehouse?", message: "A form still has input that was not saved; quitting discards it.",
                                  confirmLabel: "Quit", isDestructive: true)) { _ in [.quit] }
        } else {
            isFinished = true
        }
    }

    private func confirm(_ dialog: ConfirmDialog, onConfirm: @escaping (ConsoleEnvironment) -> [ConsoleAction]) {
        confirmation = PendingConfirmation(dialog: dialog, onConfirm: onConfirm)
    }

    func apply(_ actions: [ConsoleAction]) {
        for action in actions {
            switch action {
            case let .push(screen):
                stack.append(screen)
            case .pop:
                if stack.count > 1 { stack.removeLast() }
            case .close:
                popScreen()
            case let .popWith(result):
                guard stack.count > 1 else { continue }
                stack.removeLast()
                guard var below = stack.popLast() else { continue }
                let more = below.receive(result, environment)
                stack.append(below)
                apply(more)
            case let .replace(screen):
                if stack.count > 1 { stack.removeLast() }
                stack.append(screen)
            case let .confirm(pending):
                confirmation = pending
            case let .flash(message, level):
                flash = Flash(message, level: level, now: environment.instant(), duration: level == .error ? .seconds(8) : .seconds(4))
            case .refreshAll:
                refreshAll()
            case let .copyToClipboard(text):
                pendingClipboard = text
            case .quit:
                isFinished = true
            }
        }
    }

    private func refreshAll() {
        environment.reloadOrganizations()
        for pane in Pane.allCases {
            guard var stack = stacks[pane] else { continue }
            for index in stack.indices { stack[index].refresh(environment) }
            stacks[pane] = stack
        }
    }

    /// The runner takes the clipboard text once it has written it to the terminal.
    func takePendingClipboard() -> String? {
        defer { pendingClipboard = nil }
        return pendingClipboard
    }

    private func handleHelp(_ key: Key) -> Bool {
        guard var overlay = help else { return false }
        switch key {
        case .escape, .character("q"), .character("?"), .enter, .function(1): help = nil
        case .down, .character("j"): overlay.scrollOffset += 1
        case .up, .character("k"): overlay.scrollOffset = max(0, overlay.scrollOffset - 1)
        default: return false
        }
        if help != nil {
            overlay.scrollOffset = min(overlay.scrollOffset, overlay.maxScrollOffset(in: Rect(origin: Point(x: 0, y: 0), size: size)))
            help = overlay
        }
        return true
    }

    private func handleConfirmation(_ key: Key) -> Bool {
        guard var pending = confirmation else { return false }
        switch pending.dialog.handle(key) {
        case .confirmed:
            confirmation = nil
            apply(pending.onConfirm(environment))
        case .cancelled:
            confirmation = nil
        case .focusChanged:
            confirmation = pending
        case .ignored:
            return false
        }
        return true
    }

    private func handleCommandLine(_ key: Key) -> Bool {
        guard var line = commandLine else { return false }
        switch line.handle(key, environment) {
        case .editing:
            commandLine = line
        case .cancelled:
            commandLine = nil
        case let .run(command):
            commandLine = nil
            run(command)
        }
        return true
    }

    private func run(_ command: ConsoleCommand) {
        switch command {
        case let .showPane(target):
            pane = target
            while stack.count > 1 { stack.removeLast() }
        case let .open(target, screen):
            pane = target
            stack.append(screen)
        case let .scope(organization):
            environment.scope = organization
            refreshAll()
            apply([.flash(organization == nil ? "Showing \(environment.everyVisibleOrganization)" : "Showing \(environment.organizationName(organization)) only", .info)])
        case .help:
            help = HelpOverlay(title: "Help \u{2014} \(topScreen?.breadcrumb ?? pane.title)", sections: helpSections())
        case .quit:
            requestQuit()
        case let .failed(message):
            apply([.flash(message, .error)])
        }
    }

    // MARK: Render

    /// Who is acting, for the header: "alice", "root as alice", or over SSH "alice via SSH key
    /// SHA256:AbCdEfGh…" (the fingerprint shortened so the header still fits 80 columns).
    static func actingText(_ actor: Actor) -> String {
        switch actor.credential {
        case nil: actor.displayText
        case let .sshKey(fingerprint)?:
            "\(actor.displayText) via SSH key \(fingerprint.count > 15 ? fingerprint.prefix(15) + "\u{2026}" : fingerprint)"
        case let credential?: "\(actor.displayText) via \(credential.auditText)"
        }
    }

    public func render(into buffer: inout Buffer, theme: Theme) {
        let area = buffer.area
        if TooSmallView.isNeeded(required: Self.minimumSize, current: area.size) {
            TooSmallView(required: Self.minimumSize, current: area.size).render(into: &buffer, area: area, theme: theme)
            return
        }
        let crumbs = stack.map(\.breadcrumb)
        let scope = environment.scope.map { environment.organizationName($0) } ?? environment.everyVisibleOrganization
        Header(appName: "Gatehouse", breadcrumbs: crumbs, context: "\(Self.actingText(environment.actor)) \u{00B7} \(scope)")
            .render(into: &buffer, area: area.row(0), theme: theme)
        TabBar(titles: Pane.allCases.map(\.title), selectedIndex: pane.rawValue).render(into: &buffer, area: area.row(1), theme: theme)
        let content = Self.contentArea(for: area.size)
        topScreen?.render(into: &buffer, area: content, theme: theme, environment: environment)
        let messageRow = area.row(area.height - 2)
        if let commandLine {
            commandLine.render(into: &buffer, area: messageRow, theme: theme)
        } else if let flash = Flash.active(flash, at: environment.instant()) {
            renderFlash(flash, into: &buffer, above: area.height - 1, theme: theme)
        }
        Footer(hints: footerKeys().map { KeyHint($0.key, $0.label, isEnabled: $0.disabledReason == nil) })
            .render(into: &buffer, area: area.row(area.height - 1), theme: theme)
        if let help {
            help.render(into: &buffer, area: area, theme: theme)
        }
        if let confirmation {
            confirmation.dialog.render(into: &buffer, area: area, theme: theme)
        }
    }

    /// A flash on the message row; a long one (a refusal with its reason) grows upward over the
    /// content, up to three rows, rather than being cut off.
    private func renderFlash(_ flash: Flash, into buffer: inout Buffer, above footerRow: Int, theme: Theme) {
        let width = buffer.width
        let lines = TextWrap.wrap(flash.message, width: max(1, width - 4))
        let shown = Array(lines.prefix(3))
        for (index, line) in shown.enumerated() {
            let row = Rect(x: 0, y: footerRow - shown.count + index, width: width, height: 1)
            var piece = flash
            piece.message = line
            if index == 0 {
                piece.render(into: &buffer, area: row, theme: theme)
            } else {
                buffer.fill(row, style: theme[.normal])
                buffer.put(line, x: 3, y: row.y, style: theme[flash.level == .error ? .errorText : .normal], maxWidth: width - 4)
            }
        }
    }

    private func footerKeys() -> [ScreenKey] {
        if help != nil { return [ScreenKey("Esc", "Close help"), ScreenKey("↑↓", "Scroll")] }
        if confirmation != nil { return [ScreenKey("Tab", "Switch button"), ScreenKey("Enter", "Choose"), ScreenKey("Esc", "Cancel")] }
        if commandLine != nil { return [ScreenKey("Enter", "Run"), ScreenKey("Tab", "Complete"), ScreenKey("Esc", "Cancel")] }
        var keys = topScreen?.keys(environment) ?? []
        if topScreen?.capturesText == true { return keys }
        if stack.count > 1 && !keys.contains(where: { $0.key == "Esc" }) { keys.append(ScreenKey("Esc", "Back")) }
        keys += [ScreenKey("?", "Help"), ScreenKey(":", "Command")]
        if stack.count <= 1 { keys.append(ScreenKey("q", "Quit")) }
        return keys
    }

    private func helpSections() -> [HelpSection] {
        var sections: [HelpSection] = []
        if let top = topScreen {
            let here = top.keys(environment).map { KeyHint($0.key, $0.disabledReason.map { "\($0)" } ?? $0.label) }
            sections.append(HelpSection(top.breadcrumb, here))
            if !top.helpSummary.isEmpty { sections.append(HelpSection("About this screen", [KeyHint("", top.helpSummary)])) }
        }
        sections.append(HelpSection("Lists", [
            KeyHint("j/k ↑/↓", "Move"), KeyHint("PgUp/PgDn", "Page"), KeyHint("g/G Home/End", "First / last"),
            KeyHint("Enter", "Open"), KeyHint("/", "Filter as you type: any part from 3 characters, the start for 1–2 (Esc clears)"),
        ]))
        sections.append(HelpSection("Everywhere", [
            KeyHint("1–5 Tab", "Switch pane"), KeyHint("Esc", "Back"), KeyHint(":", "Command line (:users, :user NAME, :token NAME, :org NAME, :quit)"),
            KeyHint("?", "This help"), KeyHint("q", "Quit (from a pane's list)"), KeyHint("Ctrl-C", "Quit"),
        ]))
        return sections
    }
}
