import GatehouseDomain
import TerminalKit

/// The one and only time a token's secret is shown: large, framed, with copy (OSC 52), hide for
/// screen sharing, and an explicit acknowledgement before leaving. When this screen is popped
/// its state, and with it the secret, is gone; the next frame overwrites its cells.
struct ShowOnceScreen: BindingScreen {
    private let token: PersonalAccessToken
    private var secret: TokenSecret?
    private let regenerated: Bool
    private var hidden = false
    private var copied = false
    private var nagged = false
    private let ownerText: String
    private let organizationText: String
    private let scopesText: String

    init(issued: IssuedToken, _ environment: ConsoleEnvironment, regenerated: Bool) {
        token = issued.token
        secret = issued.secret
        self.regenerated = regenerated
        let owner = environment.user(issued.token.ownerID)
        ownerText = owner.map { $0.id == environment.actor.user.id ? "you" : "\($0.displayName) (\($0.loginName))" } ?? ""
        organizationText = TokenPresentation.target(issued.token, environment).text
        scopesText = issued.token.scopes.summary(in: environment.catalog)
    }

    var breadcrumb: String { regenerated ? "New secret" : "Token created" }
    /// Every key goes here: leaving takes the acknowledgement, not q, Esc or a pane switch.
    var capturesText: Bool { true }
    /// Quitting the console asks first: the secret would be lost without having been copied.
    var hasUnsavedInput: Bool { secret != nil }
    /// Until `y`: a session that ends here records that nobody confirmed holding the secret.
    var heldSecretToken: PersonalAccessToken? { secret == nil ? nil : token }
    var helpSummary: String { "This is the only time the secret is shown; only its SHA-256 digest is stored. c copies it (OSC 52: inside tmux only with set -g set-clipboard on), h hides it while you share your screen, y confirms you have it and closes." }

    /// The screen's keys, once: footer, help and handling read this table. The keys that leave
    /// other screens (Esc, q, Tab, 1–5, :) are declared too: here they say how to leave.
    func bindings(_ environment: ConsoleEnvironment) -> [KeyBinding<ShowOnceScreen>] {
        // `?` too: help would cover the secret (F1 still opens it).
        let leaving: [Key] = [.escape, .character("q"), .character("?"), .tab, .backTab, .character(":")] + (1...5).compactMap { Character("\($0)") }.map(Key.character)
        return [
            KeyBinding([.character("c")], "c", "Copy") { screen, _, environment in
                guard let secret = screen.secret else { return [.pop] }
                let reach = environment.clipboardReach()
                screen.copied = !reach.isDropped
                return [.copyToClipboard(secret.reveal()), .flash(reach.message, reach.isDropped ? .error : .info)]
            },
            KeyBinding([.character("h")], "h", hidden ? "Show" : "Hide") { screen, _, _ in
                screen.hidden.toggle()
                return []
            },
            KeyBinding([.character("y"), .character("Y")], "y", "I have copied the token") { screen, _, _ in
                screen.secret = nil
                return [.pop, .flash("\u{201C}\(screen.token.displayName)\u{201D} is ready; its secret is no longer shown anywhere.", .success)]
            },
            KeyBinding(leaving, "Esc", "Stays until you press y", inFooter: false) { screen, _, _ in
                screen.nagged = true
                return [.flash("This screen stays until you confirm: press y once you have stored the token.", .info)]
            },
        ]
    }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] { boundKeys(environment) }

    /// Ctrl-C and F1 are the shell's (quitting asks first: the secret would be lost); any other
    /// key does nothing here.
    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        guard secret != nil else { return [.pop] }
        return handleBinding(key, environment)
    }

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        let inner = Block(title: regenerated ? "New secret for \u{201C}\(token.displayName)\u{201D}" : "Your new personal access token",
                          isFocused: true, borderRole: .warning, clearsBackground: true).render(into: &buffer, area: area, theme: theme)
        guard let secret, inner.height >= 8 else { return }
        var y = inner.y
        // The warning and the prompt wrap (at most two lines each) rather than being cut at 80 columns.
        for line in TextWrap.wrap("Copy it now. It will not be shown again: Gatehouse keeps only a digest of it.", width: inner.width - 2).prefix(2) {
            buffer.put(line, x: inner.x + 1, y: y, style: theme[.warning], maxWidth: inner.width - 2)
            y += 1
        }
        y += 1
        let plaintext = secret.reveal()
        let shown = hidden ? String(repeating: "\u{2022}", count: plaintext.count) : plaintext
        // The token must fit whole (54 columns plus frame and padding): at the 60-column minimum the
        // box takes the full inner width rather than keeping a margin that would cut the secret.
        let boxWidth = min(inner.width, TextWidth.width(shown) + 4)
        let box = Rect(x: inner.x + max(0, (inner.width - boxWidth) / 2), y: y, width: boxWidth, height: 3)
        let tokenArea = Block(isFocused: true, borderRole: .accent).render(into: &buffer, area: box, theme: theme)
        buffer.put(shown, in: tokenArea.inset(by: Insets(horizontal: 1, vertical: 0)), alignment: .center, style: theme[.accent])
        y += 4
        let facts: [(String, String)] = [
            ("Name", token.displayName), ("Owner", ownerText), ("Organization", organizationText),
            ("Scopes", scopesText), ("Expires", TokenPresentation.validUntil(token.validTo)), ("Handle", "\(token.handle) (how lists show it)"),
        ]
        let prompt = copied ? "Copied? Press y to confirm you have stored the token and close this screen."
            : "Press c to copy, then y once you have stored it (in a password manager or secret store)."
        let promptLines = Array(TextWrap.wrap(prompt, width: inner.width - 2).prefix(2))
        for fact in facts where y < inner.maxY - promptLines.count - 1 {
            buffer.put(fact.0, x: inner.x + 2, y: y, style: theme[.muted], maxWidth: 13)
            buffer.put(fact.1, x: inner.x + 16, y: y, style: theme[.normal], maxWidth: inner.width - 17)
            y += 1
        }
        for (index, line) in promptLines.enumerated() {
            buffer.put(line, x: inner.x + 1, y: inner.maxY - promptLines.count + index, style: theme[nagged ? .warning : .title], maxWidth: inner.width - 2)
        }
    }
}
