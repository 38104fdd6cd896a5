import Foundation
import GatehouseDomain
import TerminalKit
import Testing

/// The Users pane: filtering, quick filters, the user detail (effective permissions with their
/// reason, groups, SSH keys), disable and delete behind dialogs, and what a non-admin may not do.
@MainActor @Suite struct UsersPaneTests {
    @Test func slashFiltersAsYouTypeAndEscClears() throws {
        let console = try DemoConsole()
        let total = try console.userCount()
        #expect(console.counter?.total == total)
        console.send(.character("/"))
        #expect(console.titleRow.contains("/"), "the filter field opens on the title row")
        var previous = console.tableRows.count
        for character in "kschmidt" {
            console.type(String(character))
            let now = console.tableRows.count
            #expect(now <= previous, "each keystroke narrows the list")
            #expect(now >= 1)
            previous = now
        }
        #expect(console.titleRow.contains("/kschmidt"))
        #expect(console.tableRows.count == 1, "\(console.dump)")
        #expect(console.tableRows.first?.contains("Kavya Schmidt") == true)
        #expect(console.tableRows.allSatisfy { !$0.contains("Keanu") })
        console.send(.enter)
        #expect(console.counter?.total == 1, "Enter keeps the filter")
        console.send(.character("/"))

        console.send(.escape)
        #expect(console.counter?.total == total, "Esc clears the filter")
        #expect(!console.titleRow.contains("filter"))
        #expect(console.shows("Alice Andersen"))
    }

    @Test func aKeptFilterIsShownAndMatchesNameLoginOrEmail() throws {
        let console = try DemoConsole()
        console.filter("schmidt")
        #expect(console.titleRow.contains("filter \u{201C}schmidt\u{201D}"))
        let rows = console.tableRows
        #expect(rows.count == 2, "Kavya and Keanu Schmidt\(console.dump)")
        #expect(rows.allSatisfy { $0.contains("Schmidt") })
        // The list keeps working with the filter on: Enter opens the highlighted match.
        console.send(.enter)
        #expect(console.headerRow.contains("Users \u{203A} "))
        console.send(.escape)
        #expect(console.titleRow.contains("filter \u{201C}schmidt\u{201D}"), "the filter survives a visit to a detail")
    }

    @Test func aFilterThatMatchesNothingSaysSo() throws {
        let console = try DemoConsole()
        console.filter("zzzz-nobody")
        #expect(console.counter?.total == 0)
        #expect(console.shows("Nothing matches \u{201C}zzzz-nobody\u{201D}"))
        console.send(.enter)
        #expect(console.headerRow.contains("Gatehouse \u{203A} Users"), "Enter on an empty list opens nothing")
    }

    @Test func quickFilterDisabledShowsOnlyDisabledAccounts() throws {
        let console = try DemoConsole()
        console.send(.character("f"))
        #expect(console.shows("Filter users"))
        #expect(console.shows("Disabled"))
        console.send(.character("j"), .character(" "), .enter)
        let disabled = try console.userCount(UserQuery(statuses: [.disabled]))
        #expect(disabled >= 3)
        #expect(console.counter?.total == disabled)
        #expect(console.tableRows.count == disabled)
        #expect(console.tableRows.allSatisfy { $0.contains("Disabled") }, "\(console.dump)")
        #expect(console.titleRow.contains("Disabled"), "the title row names the active quick filter")
    }

    @Test func quickFiltersCombineKindAndStatus() throws {
        let console = try DemoConsole()
        console.send(.character("f"))
        // Status: Active, Disabled; Kind: User, Service account, ...
        console.send(.down, .down, .down, .character(" "), .enter)
        let serviceAccounts = try console.userCount(UserQuery(kinds: [.serviceAccount]))
        #expect(console.counter?.total == serviceAccounts)
        #expect(console.tableRows.allSatisfy { $0.contains("Service ac") })
        // Space in the quick filter screen unticks; c clears everything.
        console.send(.character("f"), .character("c"), .enter)
        #expect(console.counter?.total == (try console.userCount()))
    }

    @Test func escLeavesTheQuickFiltersAsTheyWere() throws {
        let console = try DemoConsole()
        let total = try console.userCount()
        console.send(.character("f"), .character("j"), .character(" "), .escape)
        #expect(console.counter?.total == total)
        #expect(console.headerRow.contains("Gatehouse \u{203A} Users"))
    }

    @Test func contractorsMemberSeesCreateTokensDeniedWithTheReason() throws {
        let console = try DemoConsole()
        console.command("user sweber")
        #expect(console.headerRow.contains("Users \u{203A} sweber"))
        #expect(console.shows("Effective permissions in Fabrikam"))
        let createTokens = try #require(console.row(containing: "Create tokens"))
        #expect(createTokens.contains("Denied"))
        #expect(createTokens.contains("denied by Contractors"))
        let manageGroups = try #require(console.row(containing: "Manage groups"))
        #expect(manageGroups.contains("denied by Contractors"))
        #expect(console.shows("Groups Fabrikam/Contractors"), "names carry their organization\(console.dump)")
    }

    @Test func oShowsTheNextOrganizationsPermissions() throws {
        let console = try DemoConsole()
        console.command("user pbarros")
        #expect(console.shows("Effective permissions in Contoso (o: next of 2)"))
        #expect(console.row(containing: "Create tokens")?.contains("allowed by Contributors") == true)
        console.send(.character("o"))
        #expect(console.shows("Effective permissions in Fabrikam (o: next of 2)"))
        #expect(console.row(containing: "Create tokens")?.contains("denied by Contractors") == true)
    }

    @Test func userDetailListsSSHKeysWithFingerprints() throws {
        let console = try DemoConsole(width: 140, height: 30)
        let alice = try console.user("aandersen")
        let keys = try console.service.sshKeys(of: alice.id, by: console.administrator)
        #expect(keys.count == 2)
        console.command("user aandersen")
        #expect(console.shows("SSH keys (2)"))
        for key in keys {
            #expect(console.shows(key.fingerprint), "\(console.dump)")
        }
        #expect(console.shows("aandersen@laptop"))
        #expect(console.shows("Project Collection Administrators"), "groups are listed")
        #expect(console.shows("Effective permissions in Contoso"))
        console.send(.character("o"))
        #expect(console.row(containing: "Manage users")?.contains("allowed by Project Collection Administrators") == true, "\(console.dump)")
    }

    @Test func disableNamesTheAccountSaysTokensStopAndCancelIsFocused() throws {
        let console = try DemoConsole()
        let alice = try console.user("aandersen")
        let events = try console.auditCount()
        console.filter("aandersen")
        console.send(.character("x"))
        #expect(console.shows("Disable account?"))
        #expect(console.shows("Alice Andersen (aandersen)"))
        #expect(console.screen.contains("personal access tokens will"), "\(console.dump)")
        #expect(console.screen.contains("verify"))
        #expect(console.frame.find("[ Cancel ]").map { console.frame.style(atX: $0.x, y: $0.y) == Theme.color[.selection] } == true,
                "Cancel has the focus")
        console.send(.enter)
        #expect(!console.shows("Disable account?"))
        #expect(try console.user("aandersen").isActive, "Enter right away cancels")
        #expect(try console.auditCount() == events)

        console.send(.character("x"), .tab, .enter)
        #expect(try console.user("aandersen").status == .disabled)
        #expect(try console.auditCount() == events + 1)
        let event = try #require(try console.auditEvents().first)
        #expect(event.action == .userDisabled)
        #expect(event.target.id == alice.id.description)
        #expect(console.tableRows.first?.contains("Disabled") == true, "the list shows the new status")
        #expect(console.messageRow.contains("no longer verify"))
    }

    @Test func yDoesNotConfirmADestructiveDialog() throws {
        let console = try DemoConsole()
        console.filter("aandersen")
        console.send(.character("x"), .character("y"))
        #expect(console.shows("Disable account?"), "a destructive action takes a deliberate move to its button")
        console.send(.escape)
        #expect(!console.shows("Disable account?"))
        #expect(try console.user("aandersen").isActive)
    }

    @Test func deleteFromTheDetailAsksThenDeletesAndGoesBack() throws {
        let console = try DemoConsole()
        let users = try console.userCount()
        let events = try console.auditCount()
        console.command("user ymoreau")
        console.send(.character("d"))
        #expect(console.shows("Delete account?"))
        #expect(console.shows("Yusuf Moreau (ymoreau)"))
        console.send(.escape)
        #expect(try console.userCount() == users)
        #expect(try console.auditCount() == events)
        console.send(.character("d"), .right, .enter)
        #expect(try console.userCount() == users - 1)
        #expect(try console.auditCount(AuditQuery(actions: [.userDeleted])) >= 1)
        #expect(console.headerRow.contains("Gatehouse \u{203A} Users"))
        #expect(!console.headerRow.contains("ymoreau"))
        #expect(!console.tableRows.contains { $0.contains("Yusuf Moreau") })
    }

    @Test func aContributorSeesNewButPressingItExplainsTheMissingPermission() throws {
        let console = try DemoConsole(as: "ymoreau")
        #expect(console.footerRow.contains("n New"), "the key stays in the footer, dimmed")
        let hint = try #require(console.frame.find("n New"))
        #expect(console.frame.style(atX: hint.x, y: hint.y) == Theme.color[.disabled])
        let users = try console.userCount()
        console.send(.character("n"))
        #expect(console.messageRow.contains("Manage users"), "\(console.dump)")
        #expect(console.messageRow.contains("You may not add users"))
        #expect(!console.shows("New user"), "no form opens")
        #expect(console.headerRow.contains("Gatehouse \u{203A} Users"))
        #expect(!console.headerRow.contains("New user"))
        console.send(.character("x"))
        #expect(console.messageRow.contains("Manage users"))
        #expect(!console.shows("Disable account?"))
        console.send(.character("d"))
        #expect(!console.shows("Delete account?"))
        #expect(try console.userCount() == users)
    }

    @Test func aContributorManagesOnlyTheirOwnSSHKeys() throws {
        let console = try DemoConsole(as: "ymoreau")
        let alice = try console.user("aandersen")
        let keys = try console.service.sshKeys(of: alice.id, by: console.administrator)
        console.command("user aandersen")
        console.send(.character("a"))
        #expect(!console.headerRow.contains("Add SSH key"), "no form opens\(console.dump)")
        #expect(console.messageRow.contains("Manage users"))
        console.send(.character("r"))
        #expect(!console.shows("Remove SSH key?"))
        #expect(console.messageRow.contains("Manage users"))
        #expect(try console.service.sshKeys(of: alice.id, by: console.administrator) == keys)
        console.send(.escape)
        console.command("user ymoreau")
        console.send(.character("a"))
        #expect(console.headerRow.contains("ymoreau \u{203A} Add SSH key"), "one's own keys are one's own business")
    }

    @Test func removingAKeyNamesItAndAsksFirst() throws {
        let console = try DemoConsole(width: 140, height: 30)
        let alice = try console.user("aandersen")
        let keys = try console.service.sshKeys(of: alice.id, by: console.administrator)
        console.command("user aandersen")
        console.send(.character("r"))
        #expect(console.shows("Remove SSH key?"))
        #expect(console.screen.contains(keys[0].fingerprint), "\(console.dump)")
        console.send(.enter)
        #expect(try console.service.sshKeys(of: alice.id, by: console.administrator) == keys)
        console.send(.character("r"), .tab, .enter)
        #expect(try console.service.sshKeys(of: alice.id, by: console.administrator).count == keys.count - 1)
        #expect(console.shows("SSH keys (\(keys.count - 1))"))
        #expect(try console.auditEvents(limit: 1).first?.action == .sshKeyRemoved)
    }

    @Test func aContributorDoesNotSeeOtherPeoplesTokenCounts() throws {
        let console = try DemoConsole(as: "ymoreau")
        let mine = try console.service.count(TokenQuery(statuses: [.active]), by: console.actor)
        console.filter("aandersen")
        let alice = try #require(console.tableRows.first).trimmingCharacters(in: .whitespaces)
        #expect(alice.hasSuffix("\u{2014}"), "not the acting user's own count on someone else's row\(console.dump)")
        console.send(.enter)
        #expect(console.shows("Tokens only holders of"), "\(console.dump)")
        console.send(.character("t"))
        #expect(!console.headerRow.contains("Tokens of"), "someone else's tokens are not listed")
        #expect(console.messageRow.contains("Manage others' tokens"))
        console.send(.escape, .character("/"), .escape)
        console.filter("ymoreau")
        let own = try #require(console.tableRows.first).trimmingCharacters(in: .whitespaces)
        #expect(own.hasSuffix(" \(mine)"), "their own count is shown\(console.dump)")
    }

    @Test func sortCyclesAndSaysSo() throws {
        let console = try DemoConsole()
        #expect(console.tableRows.dropFirst().first?.contains("Amara Andersen") == true)
        console.send(.character("s"))
        #expect(console.messageRow.contains("Sorted by login"))
        #expect(console.frame.text(row: 3).contains("Login \u{25B2}"), "the sorted column is marked")
        #expect(console.tableRows.dropFirst().first?.contains("agent-linux-01") == true || console.tableRows.dropFirst().first?.contains("agent-lin") == true,
                "\(console.dump)")
        console.send(.character("S"))
        #expect(console.frame.text(row: 3).contains("Login \u{25BC}"), "S reverses the order")
        #expect(console.tableRows.first?.contains("ztanaka") == true, "\(console.dump)")
    }
}
