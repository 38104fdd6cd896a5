import CivilCalendar
import Foundation
import GatehouseDomain
import TerminalKit

/// "+ New Token", as the seed article's steps: Name ▸ Organization ▸ Expiration ▸ Scopes ▸
/// Review ▸ Create, then the show-once screen. (An Owner step comes first for those who may
/// create tokens for service accounts.) Enter accepts a step after validating it; Esc or
/// Shift-Tab goes back, keeping everything typed.
struct NewTokenWizard: BindingScreen {
    enum Step: String, CaseIterable {
        case owner = "Owner", name = "Name", organization = "Organization", expiration = "Expiration", scopes = "Scopes", review = "Review"
    }

    private let steps: [Step]
    private var stepIndex = 0
    private var message: String?

    // Owner
    private var owner: User
    private var ownerChoices: [User] = []
    private var ownerFilter = TextField(placeholder: "type to find a service account, principal or job agent", maxLength: 60)
    private var ownerList = ListState()

    // Name
    /// Holds more than a name may have (bounded, for memory), so an over-long name stays whole on
    /// screen and Enter refuses it with the limit, instead of keeping its first 100 characters.
    private var name = TextField(placeholder: "e.g. CI deploy to staging", maxLength: 1_000)

    // Organization
    private var organizations: [Organization] = []
    private var organizationChoice = ChoiceList(items: [])

    // Expiration
    private static let presetDays = [30, 60, 90]
    private var expirationChoice = ChoiceList(items: [])
    private var customDate = DateField()
    private var maximumDays = TokenPolicy.absoluteMaximumLifespanDays

    // Scopes
    private var scopes: ScopeSelector

    // Review
    private var checks: [PolicyCheck] = []
    /// Why the acting user may not create this token (the permission, in each organization it
    /// targets), known before Create: the review lists these with the policy refusals.
    private var permissionRefusals: [String] = []
    /// The first review row shown: the review scrolls (↑/↓) when it is taller than the screen.
    private var reviewOffset = 0
    /// Create is running (an effect): Enter waits for its answer.
    private var creating = false
    /// A step's reads are running (an effect): keys typed meanwhile wait in `typedAhead`.
    private var loading = false
    /// Keys pressed while a step's reads ran, replayed once the next step opens (type-ahead:
    /// Enter Enter on a fast terminal still walks two steps).
    private var typedAhead: [Key] = []
    /// Which step reads are current: Esc (or a newer read) makes an older answer stale.
    private var readSerial = 0

    init(_ environment: ConsoleEnvironment, owner preset: User? = nil) {
        let mayDelegate = (try? environment.service.managesOthersTokens(environment.actor)) ?? false
        steps = mayDelegate ? Step.allCases : Step.allCases.filter { $0 != .owner }
        owner = preset.flatMap { $0.kind.acceptsDelegatedTokens || $0.id == environment.actor.user.id ? $0 : nil } ?? environment.actor.user
        scopes = ScopeSelector(catalog: environment.catalog)
        if mayDelegate {
            searchOwners(environment)
            // Opened from a service account's tokens: that account is the proposed owner, so Enter
            // on the Owner step keeps it instead of silently switching back to "Myself".
            if owner.id != environment.actor.user.id {
                if !ownerChoices.contains(where: { $0.id == owner.id }) { ownerChoices.insert(owner, at: 1) }
                ownerList.select(ownerChoices.firstIndex { $0.id == owner.id } ?? 0, rowCount: ownerChoices.count, pageHeight: 10)
            }
        }
        prepareOrganizations(environment)
    }

    var breadcrumb: String { "New token" }
    var capturesText: Bool { true }
    var hasUnsavedInput: Bool { !name.text.isEmpty || stepIndex > 0 }
    /// Quitting while Create runs: the token may be made, and its secret would never be shown.
    var quitWarning: String? {
        creating ? "The token \u{201C}\(name.text)\u{201D} is being created: quitting now means its secret is never shown. Revoke it in Tokens if it appears there." : nil
    }
    var helpSummary: String { "Enter accepts a step, Esc or Shift-Tab goes back (nothing typed is lost). The token is shown once at the end: copy it then." }

    private var step: Step { steps[stepIndex] }

    /// The step's keys, once: footer, help and handling read this table. A step that takes
    /// text (Owner's search, Name, a custom date, the scope filter) declares it; on the others
    /// `?` opens help.
    func bindings(_ environment: ConsoleEnvironment) -> [KeyBinding<NewTokenWizard>] {
        var table: [KeyBinding<NewTokenWizard>] = [
            KeyBinding([.enter], "Enter", step == .review ? "Create token" : "Next",
                       disabledReason: creating ? "Creating the token\u{2026}" : nil) { wizard, _, environment in
                wizard.advance(environment)
            },
            KeyBinding([.escape, .backTab], "Esc", stepIndex == 0 ? "Cancel" : "Back") { wizard, _, _ in
                wizard.message = nil
                // A step's reads still running are dropped with what was typed meanwhile.
                wizard.loading = false
                wizard.typedAhead = []
                if wizard.stepIndex == 0 { return [.close] }
                wizard.stepIndex -= 1
                return []
            },
        ]
        let height = max(1, environment.contentArea.height - 8)
        switch step {
        case .owner:
            table += [
                KeyBinding([.up, .down, .pageUp, .pageDown], "\u{2191}/\u{2193}", "Choose owner") { wizard, key, _ in
                    _ = wizard.ownerList.handle(key, rowCount: wizard.ownerChoices.count, pageHeight: height)
                    return []
                },
                .typing("type", "Find a service account") { wizard, key, environment in
                    let before = wizard.ownerFilter.text
                    _ = wizard.ownerFilter.handle(key)
                    if wizard.ownerFilter.text != before { wizard.ownerList = ListState(); wizard.searchOwners(environment) }
                    return []
                },
            ]
        case .name:
            table.append(.typing("type", "The token\u{2019}s name") { wizard, key, _ in
                if case let .refused(reason) = wizard.name.handle(key) { wizard.message = reason } else { wizard.message = nil }
                return []
            })
        case .organization:
            table.append(KeyBinding(ListMoveKeys.keys, "\u{2191}/\u{2193}", "Choose") { wizard, key, _ in
                wizard.message = Self.follow(&wizard.organizationChoice, key: key, height: height)
                return []
            })
        case .expiration:
            table.append(KeyBinding(isCustomDate ? [.up, .down] : ListMoveKeys.keys, "\u{2191}/\u{2193}", "Choose") { wizard, key, _ in
                wizard.message = Self.follow(&wizard.expirationChoice, key: key, height: height)
                return []
            })
            if isCustomDate {
                table.append(.typing("type", "The date, YYYY-MM-DD") { wizard, key, _ in
                    _ = wizard.customDate.handle(key)
                    wizard.message = nil
                    return []
                })
            }
        case .scopes:
            table += scopes.bindings(\.scopes, pageHeight: max(1, environment.contentArea.height - 9)) { wizard in wizard.message = nil }
        case .review:
            let rows = reviewRows(width: max(1, environment.contentArea.width - 18), environment).count
            let page = max(1, environment.contentArea.height - 6)
            table.append(KeyBinding([.down, .character("j"), .up, .character("k"), .pageDown, .character(" "), .pageUp], "\u{2191}/\u{2193}", "Scroll",
                                    disabledReason: rows <= page ? "The whole review is on screen." : nil) { wizard, key, _ in
                switch key {
                case .down, .character("j"): wizard.reviewOffset += 1
                case .up, .character("k"): wizard.reviewOffset -= 1
                case .pageDown, .character(" "): wizard.reviewOffset += page
                default: wizard.reviewOffset -= page
                }
                wizard.reviewOffset = max(0, min(wizard.reviewOffset, rows - page))
                return []
            })
        }
        return table
    }

    func keys(_ environment: ConsoleEnvironment) -> [ScreenKey] { boundKeys(environment) }

    // MARK: Steps' data

    private mutating func searchOwners(_ environment: ConsoleEnvironment) {
        let query = UserQuery(search: ownerFilter.text.isEmpty ? nil : TextSearch(ownerFilter.text),
                              kinds: [.serviceAccount, .servicePrincipal, .jobAgent], statuses: [.active])
        let others = (try? environment.service.users(query, page: .first(30), by: environment.actor).items) ?? []
        ownerChoices = [environment.actor.user] + others
        ownerList.clamp(rowCount: ownerChoices.count, pageHeight: 10)
    }

    /// Why no token for this owner can be created in the organization (the acting user's
    /// "Create tokens" there, or "Restrict token creation" without an exemption), or nil.
    private func creationRefusal(in organization: Organization, _ environment: ConsoleEnvironment) -> String? {
        if let denial = environment.denial(of: .createTokens, in: organization.id, action: "create tokens") { return "Not available: \(denial)" }
        // Empty custom scopes count as packaging-only: a "packaging only" restriction still lets one through.
        let probe = TokenRequest(displayName: "probe", ownerID: owner.id, target: .organization(organization.id), scopes: .custom([]), expiration: .days(30))
        let refused = ((try? environment.service.policyChecks(for: probe, by: environment.actor)) ?? []).first { $0.kind == .restrictCreation && $0.violation != nil }
        guard refused != nil else { return nil }
        let who = owner.id == environment.actor.user.id ? "you are" : "\(owner.loginName) is"
        return "Not available: \u{201C}Restrict token creation\u{201D} is on in \(organization.name) and \(who) not exempt; ask a policy administrator for an exemption."
    }

    private mutating func prepareOrganizations(_ environment: ConsoleEnvironment) {
        organizations = (try? environment.service.organizations(of: owner.id, by: environment.actor)) ?? []
        let refusals = organizations.map { creationRefusal(in: $0, environment) }
        var items = zip(organizations, refusals).map { organization, refusal in
            ChoiceItem(organization.name, disabledReason: refusal)
        }
        let globalRequest = TokenRequest(displayName: "probe", ownerID: owner.id, target: .allAccessibleOrganizations, scopes: .custom([]), expiration: .days(30))
        let globalBlocked = ((try? environment.service.policyChecks(for: globalRequest, by: environment.actor)) ?? [])
            .first { $0.kind == .restrictGlobalTokens && $0.violation != nil }
        items.append(ChoiceItem("All accessible organizations", detail: "a global token",
                                disabledReason: globalBlocked.map { "Not allowed: \u{201C}Restrict global tokens\u{201D} is on in \($0.organizationName)" }))
        let available = organizations.indices.filter { refusals[$0] == nil }
        let preferred = available.first { organizations[$0].id == environment.scope } ?? available.first
        organizationChoice = ChoiceList(items: items, selectedIndex: preferred)
    }

    private var target: TokenTarget? {
        guard let index = organizationChoice.selectedIndex else { return nil }
        return index < organizations.count ? .organization(organizations[index].id) : .allAccessibleOrganizations
    }

    /// The Expiration step's choices, for the lifespan policy's maximum (read as an effect).
    private mutating func prepareExpiration(maximumDays: Int, _ environment: ConsoleEnvironment) {
        self.maximumDays = maximumDays
        let now = environment.now
        var items = Self.presetDays.map { days in
            ChoiceItem("\(days) days", detail: "until \(TextFormat.date(now.addingTimeInterval(Double(days) * 86_400)))",
                       disabledReason: days > maximumDays ? "Over the \(maximumDays)-day maximum of the lifespan policy" : nil)
        }
        items.append(ChoiceItem("Custom date", detail: "at most \(maximumDays) days from today"))
        let previous = expirationChoice.selectedIndex
        let firstAllowed = items.firstIndex { $0.isEnabled } ?? items.count - 1
        expirationChoice = ChoiceList(items: items, selectedIndex: previous.flatMap { items[$0].isEnabled ? $0 : nil } ?? firstAllowed)
        let today = CalendarDate(parsing: TextFormat.date(now))
        customDate.minimum = today
        customDate.maximum = today?.adding(days: maximumDays - 1)
    }

    private var expiration: TokenExpiration? {
        guard let index = expirationChoice.selectedIndex else { return nil }
        if index < Self.presetDays.count { return .days(Self.presetDays[index]) }
        return customDate.date.flatMap { TextFormat.parseDay($0.description) }.map(TokenExpiration.endOfDay)
    }

    private var isCustomDate: Bool { expirationChoice.selectedIndex == Self.presetDays.count }

    private var request: TokenRequest? {
        guard let target, let expiration, let selection = scopes.selection else { return nil }
        return TokenRequest(displayName: name.text, ownerID: owner.id, target: target, scopes: selection, expiration: expiration)
    }

    // MARK: Update

    /// Keys the step does not declare do nothing (`?` opens help, the shell's). While the next
    /// step's reads run (a moment, one tick at most), keys wait for it instead of hitting this
    /// step: the table they go to is the next step's. Esc still goes back at once.
    mutating func handle(_ key: Key, _ environment: ConsoleEnvironment) -> [ConsoleAction]? {
        if loading, key != .escape, key != .backTab {
            typedAhead.append(key)
            return []
        }
        return handleBinding(key, environment)
    }

    /// Radio choices follow the highlight, as in a wizard: moving picks. A disabled item stays
    /// highlighted but unpicked, and its reason is shown in full.
    private static func follow(_ choice: inout ChoiceList, key: Key, height: Int) -> String? {
        if case let .refused(reason) = choice.handle(key, visibleHeight: height) { return reason }
        let highlighted = choice.items[choice.highlightedIndex]
        if let reason = highlighted.disabledReason { return reason }
        if choice.selectedIndex != choice.highlightedIndex { _ = choice.select(choice.highlightedIndex) }
        return nil
    }

    /// Validates the current step on the spot; moves on only when it is right.
    private mutating func advance(_ environment: ConsoleEnvironment) -> [ConsoleAction] {
        message = nil
        switch step {
        case .owner:
            guard ownerList.selectedIndex < ownerChoices.count else { return [] }
            let chosen = ownerChoices[ownerList.selectedIndex]
            if chosen.id != owner.id {
                owner = chosen
                prepareOrganizations(environment)
            }
        case .name:
            let trimmed = name.text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { message = "Give the token a name, so you recognize it later (e.g. what uses it)."; return [] }
            if trimmed.count > Self.nameLimit {
                message = "The name is \(trimmed.count) characters; the maximum is \(Self.nameLimit). Shorten it (nothing was cut)."
                return []
            }
            if (try? environment.service.activeTokenNameExists(owner: owner.id, name: trimmed, by: environment.actor)) == true {
                message = "\(owner.id == environment.actor.user.id ? "You already have" : "\(owner.loginName) already has") an active token named \u{201C}\(trimmed)\u{201D}; choose another name."
                return []
            }
        case .organization:
            // Enter on a refused choice (a global token under "Restrict global tokens") says why,
            // instead of going on with the choice made before it.
            if let reason = organizationChoice.items[organizationChoice.highlightedIndex].disabledReason { message = reason; return [] }
            guard let target else { message = "\(owner.loginName) belongs to no organization, so a token would work nowhere."; return [] }
            // The step opens once its policy is read, off the main loop (a network database).
            let service = environment.service
            let actor = environment.actor
            let ownerID = owner.id
            loading = true
            readSerial += 1
            let serial = readSerial
            return [.run(Effect(progress: "Reading the lifespan policy\u{2026}") {
                StepReply(serial: serial, answer: .expiration(maximumDays: (try? service.maximumLifespanDays(for: ownerID, target: target, by: actor)) ?? TokenPolicy.absoluteMaximumLifespanDays))
            })]
        case .expiration:
            if let reason = expirationChoice.items[expirationChoice.highlightedIndex].disabledReason { message = reason; return [] }
            if isCustomDate, let problem = customDate.validationMessage ?? (customDate.date == nil ? "Type the date as YYYY-MM-DD." : nil) {
                message = problem
                return []
            }
            guard expiration != nil else { message = "Choose when the token expires."; return [] }
            scopes.fullAccessDisabledReason = fullAccessBlocked(environment)
        case .scopes:
            if let problem = scopes.validationMessage { message = problem; return [] }
            guard let request else { return [] }
            // Every policy check, read off the main loop; the review opens with them.
            let service = environment.service
            let actor = environment.actor
            loading = true
            readSerial += 1
            let serial = readSerial
            return [.run(Effect(progress: "Checking the policies\u{2026}") {
                StepReply(serial: serial, answer: .review(checks: (try? service.policyChecks(for: request, by: actor)) ?? []))
            })]
        case .review:
            return create(environment)
        }
        stepIndex += 1
        return []
    }

    private func fullAccessBlocked(_ environment: ConsoleEnvironment) -> String? {
        guard let target, let expiration else { return nil }
        let probe = TokenRequest(displayName: "probe", ownerID: owner.id, target: target, scopes: .fullAccess, expiration: expiration)
        let failing = ((try? environment.service.policyChecks(for: probe, by: environment.actor)) ?? []).first { $0.kind == .restrictFullScopedTokens && $0.violation != nil }
        return failing.map { "Full access is not allowed: \u{201C}Restrict full-scoped tokens\u{201D} is on in \($0.organizationName). Choose custom scopes." }
    }

    private mutating func create(_ environment: ConsoleEnvironment) -> [ConsoleAction] {
        guard !creating else { return [.flash("Creating the token\u{2026}", .info)] }
        guard let request else { return [] }
        if let refusal = permissionRefusals.first {
            message = "Go back with Esc to change it. \(refusal)"
            return []
        }
        if let failing = checks.compactMap(\.violation).first {
            // The instruction first: the one-row message is cut at the edge, and the review above
            // already spells out the refusal in full.
            message = "Go back with Esc to change it. \(failing.description)"
            return []
        }
        // The façade checks everything again and writes; as an effect, so a network database
        // never holds the key. The secret comes back in the reply, straight to the show-once screen.
        creating = true
        let service = environment.service
        let actor = environment.actor
        return [.run(Effect(progress: "Creating \u{201C}\(request.displayName)\u{201D}\u{2026}") {
            CreateReply(outcome: Result { () throws(GatehouseError) in try service.createToken(request, by: actor) })
        })]
    }

    /// What a step's reads answered (an effect's result): the next step opens with it.
    struct StepReply: Sendable {
        enum Answer: Sendable {
            case expiration(maximumDays: Int)
            case review(checks: [PolicyCheck])
        }

        let serial: Int
        let answer: Answer
    }

    /// The step the reads were for opens, unless the wizard moved meanwhile (Esc).
    private mutating func open(_ reply: StepReply, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        guard reply.serial == readSerial, loading else { return [] }
        loading = false
        let waiting = typedAhead
        typedAhead = []
        guard advanced(by: reply, environment) else { return [] }
        var actions: [ConsoleAction] = []
        for (index, key) in waiting.enumerated() {
            actions += handle(key, environment) ?? []
            // A key that started the next step's reads waits again, with those after it.
            if loading {
                typedAhead = Array(waiting[(index + 1)...])
                break
            }
        }
        return actions
    }

    private mutating func advanced(by reply: StepReply, _ environment: ConsoleEnvironment) -> Bool {
        switch reply.answer {
        case let .expiration(maximumDays):
            guard step == .organization else { return false }
            prepareExpiration(maximumDays: maximumDays, environment)
        case let .review(checks):
            guard step == .scopes else { return false }
            self.checks = checks
            let targeted = target.map { $0.isGlobal ? organizations : organizations.filter { [$0.id] == [target?.organizationID] } } ?? []
            permissionRefusals = targeted.compactMap { environment.denial(of: .createTokens, in: $0.id, action: "create tokens") }
            reviewOffset = 0
        }
        stepIndex += 1
        return true
    }

    /// What Create answered (an effect's result): the token and its secret, or the refusal.
    struct CreateReply: Sendable {
        let outcome: Result<IssuedToken, GatehouseError>
    }

    mutating func receive(_ result: ScreenResult, _ environment: ConsoleEnvironment) -> [ConsoleAction] {
        if case let .effect(value) = result, let reply = value as? StepReply {
            return open(reply, environment)
        }
        guard case let .effect(value) = result, let reply = value as? CreateReply else { return [] }
        creating = false
        switch reply.outcome {
        case let .success(issued):
            return [.replace(ShowOnceScreen(issued: issued, environment, regenerated: false)), .refreshAll]
        case let .failure(error):
            message = error.description
            return []
        }
    }

    // MARK: Render

    func render(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        let inner = Block(title: "New personal access token", isFocused: true, clearsBackground: true).render(into: &buffer, area: area, theme: theme)
        guard inner.height >= 6 else { return }
        renderSteps(into: &buffer, row: inner.row(0), theme: theme)
        let body = Rect(x: inner.x + 1, y: inner.y + 2, width: inner.width - 2, height: inner.height - 4)
        switch step {
        case .owner: renderOwner(into: &buffer, area: body, theme: theme)
        case .name: renderName(into: &buffer, area: body, theme: theme, environment: environment)
        case .organization:
            buffer.put("Where may \(owner.id == environment.actor.user.id ? "the token" : "\(owner.loginName)'s token") be used?", x: body.x, y: body.y, style: theme[.normal])
            organizationChoice.render(into: &buffer, area: Rect(x: body.x, y: body.y + 2, width: body.width, height: body.height - 2), theme: theme)
        case .expiration: renderExpiration(into: &buffer, area: body, theme: theme, environment: environment)
        case .scopes:
            scopes.render(into: &buffer, area: body, theme: theme)
        case .review: renderReview(into: &buffer, area: body, theme: theme, environment: environment)
        }
        if let message, step == .name {
            // Under the name it refuses, in place of the hint, wrapped (up to three rows), never cut.
            let field = Rect(x: body.x + 8, y: body.y + 3, width: max(1, body.width - 8), height: 3)
            for (index, line) in TextWrap.wrap(theme.lineDrawing.errorMark + " " + message, width: field.width).prefix(field.height).enumerated() {
                buffer.put(line, x: field.x, y: field.y + index, style: theme[.errorText], maxWidth: field.width)
            }
        } else if let message {
            // Wrapped upward (up to three rows), never cut: a refusal's remedy is at its end.
            let lines = Array(TextWrap.wrap(theme.lineDrawing.errorMark + " " + message, width: max(1, inner.width - 2)).prefix(3))
            for (index, line) in lines.enumerated() {
                let row = inner.row(inner.height - lines.count + index)
                buffer.fill(row, style: theme[.normal])
                buffer.put(line, x: row.x + 1, y: row.y, style: theme[.errorText], maxWidth: row.width - 2)
            }
        }
    }

    private func renderSteps(into buffer: inout Buffer, row: Rect, theme: Theme) {
        var x = row.x + 1
        for (index, each) in steps.enumerated() {
            let role: Role = index == stepIndex ? .activeTab : (index < stepIndex ? .success : .muted)
            x += buffer.put(" \(each.rawValue) ", x: x, y: row.y, style: theme[role], maxWidth: max(0, row.maxX - x - 1))
            if index < steps.count - 1 { x += buffer.put("\u{25B8}", x: x, y: row.y, style: theme[.muted], maxWidth: max(0, row.maxX - x - 1)) }
        }
    }

    private func renderOwner(into buffer: inout Buffer, area: Rect, theme: Theme) {
        Paragraph("Who will own the token? Yourself, or a service account, service principal or job agent (audited as created on its behalf).")
            .render(into: &buffer, area: Rect(x: area.x, y: area.y, width: area.width, height: 2), theme: theme)
        ownerFilter.render(into: &buffer, area: Rect(x: area.x, y: area.y + 2, width: min(area.width, 60), height: 1), theme: theme)
        let listArea = Rect(x: area.x, y: area.y + 4, width: area.width, height: max(0, area.height - 4))
        for (row, index) in ownerList.visibleRange(rowCount: ownerChoices.count, pageHeight: listArea.height).enumerated() {
            let user = ownerChoices[index]
            let line = listArea.row(row)
            let selected = index == ownerList.selectedIndex
            if selected { buffer.fill(line, style: theme[.selection]) }
            let label = index == 0 ? "Myself (\(user.loginName))" : "\(user.displayName)  \(user.loginName)  \u{00B7} \(user.kind.title)"
            buffer.put(label, x: line.x + 1, y: line.y, style: theme[selected ? .selection : .normal], maxWidth: line.width - 2)
        }
    }

    private func renderName(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        Paragraph("Name the token after what will use it, so you recognize it in lists and the audit log.")
            .render(into: &buffer, area: Rect(x: area.x, y: area.y, width: area.width, height: 2), theme: theme)
        buffer.put("Name", x: area.x, y: area.y + 2, style: theme[.title])
        name.render(into: &buffer, area: Rect(x: area.x + 8, y: area.y + 2, width: min(60, area.width - 8), height: 1), theme: theme)
        if message == nil {  // else the refusal takes the hint's place (see `render`)
            buffer.put("1\u{2013}100 characters, unique among \(owner.id == environment.actor.user.id ? "your" : owner.loginName + "'s") active tokens.",
                       x: area.x + 8, y: area.y + 3, style: theme[.muted], maxWidth: area.width - 8)
        }
        if owner.id != environment.actor.user.id {
            buffer.put("Owner: \(owner.displayName) (\(owner.loginName), \(owner.kind.title.lowercased()))", x: area.x, y: area.y + 7, style: theme[.accent], maxWidth: area.width)
        }
    }

    private func renderExpiration(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        Paragraph("How long should the token work? Shorter is safer; you can regenerate it later. Maximum here: \(maximumDays) days.")
            .render(into: &buffer, area: Rect(x: area.x, y: area.y, width: area.width, height: 2), theme: theme)
        expirationChoice.render(into: &buffer, area: Rect(x: area.x, y: area.y + 2, width: area.width, height: 4), theme: theme)
        if isCustomDate {
            buffer.put("Date", x: area.x, y: area.y + 7, style: theme[.title])
            customDate.render(into: &buffer, area: Rect(x: area.x + 8, y: area.y + 7, width: 24, height: 2), theme: theme)
            if let date = expiration.map({ TextFormat.date(Self.end(of: $0, now: environment.now)) }) {
                buffer.put("valid through \(date) (UTC)", x: area.x + 34, y: area.y + 7, style: theme[.muted], maxWidth: max(0, area.width - 34))
            }
        } else if let expiration {
            buffer.put("The token expires on \(TextFormat.dateTime(Self.end(of: expiration, now: environment.now))).", x: area.x, y: area.y + 7, style: theme[.accent], maxWidth: area.width)
        }
    }

    /// The longest token name the façade accepts.
    static let nameLimit = 100

    static func end(of expiration: TokenExpiration, now: Date) -> Date {
        switch expiration {
        case let .days(days): now.addingTimeInterval(Double(days) * 86_400)
        case let .endOfDay(day): day.addingTimeInterval(86_399)
        }
    }

    /// The review, one entry per screen row, refusals wrapped (their remedy is at the end).
    private func reviewRows(width: Int, _ environment: ConsoleEnvironment) -> [(String, String, Role)] {
        var rows: [(String, String, Role)] = [
            ("Name", name.text, .normal),
            ("Owner", owner.id == environment.actor.user.id ? "you (\(owner.loginName))" : "\(owner.displayName) (\(owner.loginName)), created on its behalf by you", .normal),
            ("Organization", target.map { $0.isGlobal ? "All accessible organizations (global)" : environment.organizationName($0.organizationID) } ?? "", target?.isGlobal == true ? .warning : .normal),
            // The moment the façade will store, in the words the show-once screen uses.
            ("Expires", expiration.flatMap { try? $0.validTo(from: environment.now) }.map(TokenPresentation.validUntil) ?? "", .normal),
            ("Scopes", scopes.summary, scopes.selection?.isHighPrivilege(in: environment.catalog) == true ? .warning : .normal),
        ]
        rows.append(("", "", .normal))
        for (index, refusal) in permissionRefusals.enumerated() {
            for (lineIndex, line) in TextWrap.wrap("\u{2717} \(refusal)", width: width).enumerated() {
                rows.append((index == 0 && lineIndex == 0 ? "Permission" : "", line, .danger))
            }
        }
        for (index, check) in checks.enumerated() {
            let (text, role): (String, Role) = switch check.outcome {
            case let .passed(detail): ("\u{2713} \(check.kind.title) (\(check.organizationName)): \(detail)", .success)
            case .exempt: ("\u{2713} \(check.kind.title) (\(check.organizationName)): you are exempt", .success)
            case .notEnabled: ("\u{00B7} \(check.kind.title) (\(check.organizationName)): off", .muted)
            case let .failed(violation): ("\u{2717} \(violation.description)", .danger)
            }
            let lines = check.violation == nil ? [text] : TextWrap.wrap(text, width: width)
            for (lineIndex, line) in lines.enumerated() {
                rows.append((index == 0 && lineIndex == 0 ? "Policies" : "", line, role))
            }
        }
        return rows
    }

    private func renderReview(into buffer: inout Buffer, area: Rect, theme: Theme, environment: ConsoleEnvironment) {
        let rows = reviewRows(width: max(1, area.width - 14), environment)
        let fits = rows.count <= area.height
        let height = fits ? area.height : max(1, area.height - 1)
        let offset = fits ? 0 : min(reviewOffset, max(0, rows.count - height))
        for (row, index) in (offset..<min(rows.count, offset + height)).enumerated() {
            buffer.put(rows[index].0, x: area.x, y: area.y + row, style: theme[.muted], maxWidth: 13)
            buffer.put(rows[index].1, x: area.x + 14, y: area.y + row, style: theme[rows[index].2], maxWidth: area.width - 14)
        }
        if !fits {
            let refusalsBelow = rows[min(rows.count, offset + height)...].contains { $0.2 == .danger }
            let more = "\(offset + height < rows.count ? "\u{2193} \(rows.count - offset - height) more" : "end")\(refusalsBelow ? ", including refusals" : "") \u{00B7} \u{2191}/\u{2193} scroll"
            buffer.put(more, x: area.x + 14, y: area.y + height, style: theme[refusalsBelow ? .warning : .muted], maxWidth: area.width - 14)
        }
    }
}
