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
    /// Effects asked for and not started yet: the runner starts them (`startEffects`) off the
    /// main loop, or the in-memory driver runs them at once (`runEffectsNow`).
    private var queuedEffects: [(EffectTicket, Effect)] = []
    let mailbox = EffectMailbox()
    /// Changes made on other hosts (a PostgreSQL directory): the loaded panes they concern are
    /// stale, and the one on screen reloads at the next tick (another when it is shown).
    private let changesElsewhere: ChangesElsewhere
    private var staleElsewhere: Set<Pane> = []
    /// The permission answers asked last: an older answer arriving after it is dropped.
    private var overviewRequest = 0
    /// While a screen below the top takes an effect's answer, the depth its own loads go back to.
    private var answeringDepth: Int?

    /// `size`: the terminal's, so the first page read is the one the first frame shows (read
    /// for another size, it was read again at the first key, with every pane's count).
    init(environment: ConsoleEnvironment, startPane: Pane = .users, size: Size = Size(width: 80, height: 24)) {
        self.environment = environment
        self.pane = startPane
        self.size = size
        changesElsewhere = ChangesElsewhere(store: environment.service.store)
        environment.contentArea = Self.contentArea(for: size)
        // Only the pane on screen is loaded; the others load on first visit (each runs counts
        // that cost tens of milliseconds on a large directory, which the first frame must not wait for).
        // Nothing is read here: the loads are effects, and the first frame is drawn meanwhile.
        requestOverview()
        openStack(of: startPane)
    }

    /// A pane's stack, made (and its list's load asked for) on the pane's first visit.
    private func openStack(of target: Pane) {
        guard stacks[target] == nil else { return }
        var screen = Self.makePane(target, environment)
        let actions = screen.load(environment)
        stacks[target] = [screen]
        let current = pane
        pane = target
        apply(actions)
        pane = current
    }

    /// Asks for the acting user's permission answers (kept on screen until the new ones arrive).
    private func requestOverview() {
        overviewRequest = environment.nextRequestID()
        let request = overviewRequest
        let service = environment.service
        let actor = environment.actor
        let ticket = EffectTicket(pane: pane, depth: 0, breadcrumb: "", progress: nil, forShell: true)
        queuedEffects.append((ticket, Effect {
            OverviewReply(request: request, overview: Result { () throws(GatehouseError) in try service.overview(of: actor) })
        }))
    }

    /// The shell's own effect answer: the acting user's reach.
    struct OverviewReply: Sendable {
        let request: Int
        let overview: Result<ActorOverview, GatehouseError>
    }

    /// Asks every screen of a pane to reload what it shows (effects, each back to its screen).
    private func refreshScreens(of target: Pane) {
        guard var screens = stacks[target] else { return }
        var asked: [(Int, [ConsoleAction])] = []
        for index in screens.indices { asked.append((index, screens[index].refreshing(environment))) }
        stacks[target] = screens
        let current = pane
        pane = target
        for (depth, actions) in asked {
            answeringDepth = depth
            apply(actions.filter(\.isRun))
        }
        answeringDepth = nil
        pane = current
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

    public convenience init(service: AccessService, actor: Actor, clock: any WallClock = SystemClock(), size: Size = Size(width: 80, height: 24)) {
        self.init(environment: ConsoleEnvironment(service: service, actor: actor, clock: clock), size: size)
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
        for pane in Pane.allCases { refreshScreens(of: pane) }
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
        // F1 is help everywhere, even while a field has the focus.
        if key == .function(1) {
            openHelp()
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
        if captures {
            // A screen that takes text but has no use for `?` here (the wizard's choice steps) lets it open help.
            if key == .character("?") { openHelp() }
            return true
        }
        return handleGlobal(key)
    }

    /// Periodic tick: delivers finished effects, expires flashes, and lets the screen on top run
    /// work between frames.
    public func tick() -> Bool {
        var changed = deliverFinishedEffects()
        if let reload = changesElsewhere.take(now: environment.instant()) {
            // Organization names and permission answers both come with the overview: ask again.
            if reload.organizations || reload.permissions {
                environment.forgetDecisions()
                requestOverview()
            }
            staleElsewhere.formUnion(reload.panes.intersection(stacks.keys))
        }
        if staleElsewhere.remove(pane) != nil {
            apply([.refresh([pane])])
            changed = true
        }
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

    // MARK: Effects

    /// Starts every queued effect on its own thread; results wait in the mailbox for a tick.
    func startEffects() {
        let queued = queuedEffects
        queuedEffects.removeAll()
        for (ticket, effect) in queued {
            let mailbox = mailbox
            mailbox.started(ticket)
            Thread.detachNewThread { mailbox.post(ticket, effect.work()) }
        }
    }

    /// Runs queued effects here and now, in order, and delivers their results (tests, benchmarks).
    func runEffectsNow() {
        while !queuedEffects.isEmpty {
            let (ticket, effect) = queuedEffects.removeFirst()
            deliver(effect.work(), to: ticket)
        }
    }

    /// Runs the effects queued now (not those their answers ask for), delivering each answer.
    func runQueuedEffectsOnce() {
        let queued = queuedEffects
        queuedEffects.removeAll()
        for (ticket, effect) in queued { deliver(effect.work(), to: ticket) }
    }

    var queuedEffectCount: Int { queuedEffects.count }

    /// Of those, the ones only reading ahead of a list's view (`Effect.isPrefetch`).
    var queuedPrefetchCount: Int { queuedEffects.filter { $0.1.isPrefetch }.count }

    var hasRunningEffects: Bool { mailbox.isBusy || !queuedEffects.isEmpty }

    /// Delivers the answers that finished (the run loop, woken by the mailbox); whether there were any.
    func deliverEffects() -> Bool { deliverFinishedEffects() }

    private func deliverFinishedEffects() -> Bool {
        let finished = mailbox.take()
        for (ticket, value) in finished { deliver(value, to: ticket) }
        return !finished.isEmpty
    }

    /// Hands a result to the screen that asked, if it is still the top of its pane; dropped
    /// otherwise (the screen is gone; what it changed shows when the lists next load).
    /// A screen below the top (a list under a detail, reloading after a change there) takes its
    /// answer too; of what it answers only further loads apply (the top screen keeps the keys).
    private func deliver(_ value: any Sendable, to ticket: EffectTicket) {
        if ticket.forShell {
            guard let reply = value as? OverviewReply, reply.request == overviewRequest else { return }
            guard case let .success(overview) = reply.overview else { return }
            let isFirst = environment.overview == nil
            environment.adopt(overview)
            // The Policies pane shows an organization from these answers: opened before them, it loads now.
            if isFirst { refreshScreens(of: .policies) }
            return
        }
        guard var screens = stacks[ticket.pane], screens.count > ticket.depth, screens[ticket.depth].breadcrumb == ticket.breadcrumb else { return }
        // The "working…" note is over once the answer is here.
        if let progress = ticket.progress, flash?.message == progress { flash = nil }
        let isTop = screens.count == ticket.depth + 1
        var asker = screens[ticket.depth]
        let actions = asker.receive(.effect(value), environment)
        screens[ticket.depth] = asker
        stacks[ticket.pane] = screens
        // The actions are the asker's: they apply to its pane, and the pane on screen stays.
        let current = pane
        pane = ticket.pane
        if isTop {
            apply(actions)
        } else {
            answeringDepth = ticket.depth
            apply(actions.filter(\.isRun))
            answeringDepth = nil
        }
        pane = current
    }

    private func handleGlobal(_ key: Key) -> Bool {
        if let index = TabBar.index(for: key, current: pane.rawValue, count: Pane.allCases.count), let target = Pane(rawValue: index) {
            // Tab walks the panes where you left them; a pane's number shows its list, so keys
            // typed for the list never reach a detail remembered from before.
            if case .character = key { showList(of: target) } else { pane = target; openStack(of: target) }
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
            openHelp()
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

    /// Shows a pane's list: the screens above it close. A show-once screen still holding a secret
    /// stays (it is shown, with a reminder); unsaved input is discarded only once confirmed.
    private func showList(of target: Pane, discardingInput: Bool = false) {
        pane = target
        openStack(of: target)
        let screens = stack
        if let held = screens.firstIndex(where: { $0.heldSecretToken != nil }) {
            stack = Array(screens.prefix(held + 1))
            apply([.flash("The new token\u{2019}s secret is still on screen: press y once you have stored it.", .info)])
            return
        }
        if !discardingInput, screens.dropFirst().contains(where: \.hasUnsavedInput) {
            confirm(ConfirmDialog(title: "Discard changes?", message: "Going back to the \(target.title) list loses what you changed on the screens above it.",
                                  confirmLabel: "Discard", isDestructive: true)) { _ in [.showList(target)] }
            return
        }
        stack = Array(screens.prefix(1))
    }

    private func requestQuit() {
        let unsaved = Pane.allCases.contains { (stacks[$0] ?? []).contains { $0.hasUnsavedInput } }
        if let held = heldSecretTokens.first {
            let more = heldSecretTokens.count > 1 ? " (and \(TextFormat.plural(heldSecretTokens.count - 1, "other new token")))" : ""
            confirm(ConfirmDialog(title: "Quit and lose the secret?",
                                  message: "The token \u{201C}\(held.displayName)\u{201D}\(more) exists and works, but its secret is shown only here: quitting loses it for good unless you have stored it (then regenerate or revoke the token).",
                                  confirmLabel: "Quit", isDestructive: true)) { _ in [.quit] }
        } else if let warning = Pane.allCases.lazy.compactMap({ (self.stacks[$0] ?? []).lazy.compactMap(\.quitWarning).first }).first {
            confirm(ConfirmDialog(title: "Quit Gatehouse?", message: warning, confirmLabel: "Quit", isDestructive: true)) { _ in [.quit] }
        } else if unsaved {
            confirm(ConfirmDialog(title: "Quit Gatehouse?", message: "Something you changed was not saved (a form, or staged permissions); quitting discards it.",
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
                var pushed = screen
                let loads = pushed.load(environment)
                stack.append(pushed)
                apply(loads)
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
                var replacing = screen
                let loads = replacing.load(environment)
                stack.append(replacing)
                apply(loads)
            case let .confirm(pending):
                confirmation = pending
            case let .flash(message, level):
                flash = Flash(message, level: level, now: environment.instant(), duration: level == .error ? .seconds(8) : .seconds(4))
            case .refreshAll:
                refreshAll()
            case let .refresh(panes):
                environment.forgetDecisions()
                requestOverview()
                for target in Pane.allCases where panes.contains(target) { refreshScreens(of: target) }
            case let .run(effect):
                let screens = stack
                let depth = min(answeringDepth ?? (screens.count - 1), screens.count - 1)
                let breadcrumb = screens.indices.contains(depth) ? screens[depth].breadcrumb : ""
                queuedEffects.append((EffectTicket(pane: pane, depth: depth, breadcrumb: breadcrumb, progress: effect.progress, isPrefetch: effect.isPrefetch), effect))
                if let progress = effect.progress { apply([.flash(progress, .info)]) }
            case let .copyToClipboard(text):
                pendingClipboard = text
            case let .showList(target):
                showList(of: target, discardingInput: true)
            case .quit:
                isFinished = true
            }
        }
    }

    private func refreshAll() {
        environment.forgetDecisions()
        requestOverview()
        for pane in Pane.allCases { refreshScreens(of: pane) }
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
            showList(of: target)
        case let .filteredList(target, text, note):
            showList(of: target)
            guard pane == target, stack.count == 1, var list = stack.popLast() else { return }
            let loads = list.keepFilter(text, environment) ?? []
            stack.append(list)
            apply(loads + [.flash(note, .info)])
        case let .open(target, screen):
            pane = target
            openStack(of: target)
            apply([.push(screen)])
        case let .scope(organization):
            environment.scope = organization
            refreshAll()
            apply([.flash(organization == nil ? "Showing \(environment.everyVisibleOrganization)" : "Showing \(environment.organizationName(organization)) only", .info)])
        case .help:
            openHelp()
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
        } else if topScreen?.isLoading == true {
            buffer.put("Loading\u{2026}", x: 1, y: messageRow.y, style: theme[.muted], maxWidth: max(0, messageRow.width - 1))
        }
        Footer(hints: footerKeys().map { KeyHint($0.key, $0.label, isEnabled: $0.disabledReason == nil) },
               pinned: pinnedFooterKeys().map { KeyHint($0.key, $0.label) })
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

    /// Always at the footer's right end: how to get help and how to quit, from this screen.
    private func pinnedFooterKeys() -> [ScreenKey] {
        if help != nil || confirmation != nil || commandLine != nil { return [] }
        let typing = topScreen?.capturesText == true
        return [ScreenKey(typing ? "F1" : "?", "Help"), ScreenKey(typing || stack.count > 1 ? "Ctrl-C" : "q", "Quit")]
    }

    private func footerKeys() -> [ScreenKey] {
        if help != nil { return [ScreenKey("Esc", "Close help"), ScreenKey("↑↓", "Scroll")] }
        if confirmation != nil { return [ScreenKey("Tab", "Switch button"), ScreenKey("Enter", "Choose"), ScreenKey("Esc", "Cancel")] }
        if commandLine != nil { return [ScreenKey("Enter", "Run"), ScreenKey("Tab", "Complete"), ScreenKey("Esc", "Cancel")] }
        var keys = topScreen?.keys(environment) ?? []
        if topScreen?.capturesText == true { return keys }
        if stack.count > 1 && !keys.contains(where: { $0.key == "Esc" }) { keys.append(ScreenKey("Esc", "Back")) }
        keys.append(ScreenKey(":", "Command"))
        return keys
    }

    private func openHelp() {
        help = HelpOverlay(title: "Help \u{2014} \(topScreen?.breadcrumb ?? pane.title)", sections: helpSections())
    }

    private func helpSections() -> [HelpSection] {
        var sections: [HelpSection] = []
        if let top = topScreen {
            let here = (top.capturesText ? top.keys(environment) : top.helpKeys(environment)).map { KeyHint($0.key, $0.disabledReason.map { "\($0)" } ?? $0.label) }
            sections.append(HelpSection(top.breadcrumb, here))
            if !top.helpSummary.isEmpty { sections.append(HelpSection("About this screen", [KeyHint("", top.helpSummary)])) }
        }
        sections.append(HelpSection("Lists", [
            KeyHint("j/k ↑/↓", "Move"), KeyHint("PgUp/PgDn", "Page"), KeyHint("g/G Home/End", "First / last"),
            KeyHint("Enter", "Open"), KeyHint("/", "Filter as you type: any part from 3 characters, the start for 1–2 (Esc clears)"),
        ]))
        sections.append(HelpSection("Everywhere", [
            KeyHint("1–5", "That pane's list"), KeyHint("Tab", "Next pane, where you left it"), KeyHint("Esc", "Back"), KeyHint(":", "Command line (:users, :user NAME, :token NAME, :org NAME, :quit)"),
            KeyHint("? F1", "This help (F1 also while typing)"), KeyHint("q", "Quit (from a pane's list)"), KeyHint("Ctrl-C", "Quit"),
        ]))
        return sections
    }
}
