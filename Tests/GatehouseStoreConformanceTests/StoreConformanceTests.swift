import Foundation
import Testing
import GatehouseTestSupport
import GatehouseDomain
import GatehouseStore

/// The store contract (`DirectoryStore`), checked through the façade on every backend: what an
/// administrator would notice if a backend broke it.
@Suite("Store contract, on every backend")
struct StoreConformanceTests {
    // MARK: Rules of the directory

    @Test("logins are unique, whatever their case", arguments: Backend.available)
    func uniqueLogins(_ backend: Backend) throws {
        let world = try World(backend)
        try world.addUser("bob")
        let error = expectError { try world.addUser("BOB") }
        #expect(error?.category == .conflict)
        #expect(try world.service.user(login: "Bob", by: world.admin).loginName == "bob")
    }

    @Test("a group cannot contain itself through another", arguments: Backend.available)
    func noCycles(_ backend: Backend) throws {
        let world = try World(backend)
        let a = try world.addGroup("A"), b = try world.addGroup("B")
        try world.service.addMember(.group(b.id), to: a.id, by: world.admin)
        let error = expectError { try world.service.addMember(.group(a.id), to: b.id, by: world.admin) }
        guard case .membershipCycle = error else { Issue.record("expected a cycle, got \(String(describing: error))"); return }
    }

    @Test("one active token per name and owner", arguments: Backend.available)
    func oneActiveTokenPerName(_ backend: Backend) throws {
        let world = try World(backend)
        _ = try world.service.createToken(world.request("deploy"), by: world.admin)
        #expect(expectError { try world.service.createToken(world.request("Deploy"), by: world.admin) }?.invalidField == "Name")
    }

    @Test("the last administrator cannot be removed", arguments: Backend.available)
    func lastAdministrator(_ backend: Backend) throws {
        let world = try World(backend)
        let administrators = try world.service.group(named: DefaultGroup.projectCollectionAdministrators.name, in: world.organization.id, by: world.admin)
        let error = expectError { try world.service.removeMember(.user(world.admin.user.id), from: administrators.id, by: world.admin) }
        guard case .notAllowed = error else { Issue.record("expected notAllowed, got \(String(describing: error))"); return }
    }

    @Test("an edit from a stale read is refused and changes nothing", arguments: Backend.available)
    func staleVersion(_ backend: Backend) throws {
        let world = try World(backend)
        let bob = try world.addUser("bob")
        var first = UserDraft(bob)
        first.displayName = "Bob One"
        _ = try world.service.updateUser(bob.id, to: first, expectedVersion: bob.version, by: world.admin)
        var second = UserDraft(bob)
        second.displayName = "Bob Two"
        let auditBefore = try world.service.count(AuditQuery(), by: world.admin)
        guard case .staleVersion = expectError({ try world.service.updateUser(bob.id, to: second, expectedVersion: bob.version, by: world.admin) }) else {
            Issue.record("expected a stale version"); return
        }
        #expect(try world.service.user(bob.id, by: world.admin).displayName == "Bob One")
        #expect(try world.service.count(AuditQuery(), by: world.admin) == auditBefore)
    }

    @Test("a change and its audit event are stored together", arguments: Backend.available)
    func atomicAudit(_ backend: Backend) throws {
        let world = try World(backend)
        let before = try world.service.count(AuditQuery(), by: world.admin)
        let bob = try world.addUser("bob")
        let events = try world.service.auditEvents(AuditQuery(), page: .first(1), by: world.admin).items
        #expect(try world.service.count(AuditQuery(), by: world.admin) == before + 1)
        #expect(events.first?.target.name == bob.loginName)
    }

    // MARK: Text search and order

    @Test("text search: substring from 3 characters, prefix below, case-insensitive, wildcards literal", arguments: Backend.available)
    func textSearch(_ backend: Backend) throws {
        let world = try World(backend)
        try world.addUser("asmith", displayName: "Alice Smith", email: "alice@example.com")
        try world.addUser("bjones", displayName: "Bob Jones", email: "bob@example.com")
        try world.addUser("pct", displayName: "100% Sure", email: "p@example.com")
        func logins(_ text: String, _ mode: TextSearch.Mode = .substring) throws -> [String] {
            try world.allUsers(UserQuery(search: TextSearch(text, mode: mode))).map(\.loginName).filter { $0 != "admin" }.sorted()
        }
        #expect(try logins("MIT") == ["asmith"])          // substring, any case
        #expect(try logins("mi") == [])                   // 2 characters: a prefix, and nothing starts with "mi"
        #expect(try logins("al") == ["asmith"])           // prefix of the display name (and the email)
        #expect(try logins("BJ") == ["bjones"])           // prefix of the login
        #expect(try logins("example.com") == ["asmith", "bjones", "pct"])
        #expect(try logins("mit", .prefix) == [])         // prefix mode at any length
        #expect(try logins("0% ") == ["pct"])             // % is a character, not a wildcard
        #expect(try logins("b_J") == [])                  // _ too ("Bob Jones" has "b J")
    }

    @Test("lists sort as SQLite's NOCASE and page by keyset without gaps or repeats", arguments: Backend.available)
    func sortOrderAndPaging(_ backend: Backend) throws {
        let world = try World(backend)
        let names = ["bob", "Alice", "_under", "Zed", "émile", "alan", "ALBERT", "Éva", "zoë", "[x]", "Bob"]
        for (index, name) in names.enumerated() { try world.addUser("u\(index)", displayName: name) }
        // ASCII letters folded, then code point order (UTF-8 byte order); ties by id.
        let whole = try world.allUsers(UserQuery(), limit: 1_000).map(\.displayName)
        #expect(Set(names).isSubset(of: Set(whole)))
        let folded = whole.map(\.lowercasedASCII)
        #expect(folded == folded.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        #expect(folded.firstIndex(of: "[x]")! < folded.firstIndex(of: "_under")!)
        #expect(folded.firstIndex(of: "_under")! < folded.firstIndex(of: "alan")!)
        #expect(folded.firstIndex(of: "zoë")! < folded.firstIndex(of: "émile")!)
        let paged = try world.allUsers(UserQuery(), limit: 2)
        #expect(paged.map(\.id) == (try world.allUsers(UserQuery(), limit: 1_000)).map(\.id))
        let descending = try world.allUsers(UserQuery(sort: .displayName, descending: true), limit: 3).map(\.id)
        #expect(descending == paged.map(\.id).reversed())
    }

    @Test("a filter on several kinds or identity sources pages, both ways, as the filter on the whole list", arguments: Backend.available)
    func severalKindsPage(_ backend: Backend) throws {
        let world = try World(backend)
        let kinds: [AccountKind] = [.user, .jobAgent, .serviceAccount, .thirdPartyApp]
        let sources: [IdentitySource] = [.local, .entraID, .activeDirectory]
        let names = ["bob", "Alice", "_under", "Zed", "émile", "alan", "ALBERT", "Éva", "zoë", "[x]", "Bob", "carl", "Dana", "erin"]
        for (index, name) in names.enumerated() {
            try world.service.createUser(UserDraft(displayName: name, loginName: "u\(index)", kind: kinds[index % kinds.count],
                                                   identitySource: sources[index % sources.count]),
                                         in: [world.organization.id], by: world.admin)
        }
        let everyone = try world.allUsers(UserQuery(), limit: 1_000)
        for query in [UserQuery(kinds: [.jobAgent, .thirdPartyApp]), UserQuery(identitySources: [.entraID, .activeDirectory]),
                      UserQuery(kinds: [.jobAgent, .serviceAccount, .thirdPartyApp], identitySources: [.local, .activeDirectory])] {
            let expected = everyone.filter { (query.kinds.isEmpty || query.kinds.contains($0.kind))
                && (query.identitySources.isEmpty || query.identitySources.contains($0.identitySource)) }.map(\.id)
            #expect(!expected.isEmpty)
            #expect(try world.allUsers(query, limit: 2).map(\.id) == expected)
            var descending = query
            descending.descending = true
            #expect(try world.allUsers(descending, limit: 3).map(\.id) == expected.reversed())
            // Backwards from the end, as the console's End and ↑ do.
            var backwards: [UserID] = []
            var page = try world.service.users(query, page: PageRequest(.last, limit: 2), by: world.admin)
            backwards = page.items.map(\.id)
            while page.hasMoreBefore, let cursor = page.firstCursor {
                page = try world.service.users(query, page: PageRequest(.before(cursor), limit: 2), by: world.admin)
                backwards = page.items.map(\.id) + backwards
            }
            #expect(backwards == expected)
            #expect(try world.service.count(query, by: world.admin) == expected.count)
        }
    }

    @Test("a page's member counts, owners and organizations read at once equal what one by one reads", arguments: Backend.available)
    func pageReadsAtOnce(_ backend: Backend) throws {
        let world = try World(backend)
        let other = try world.service.createOrganization(named: "Fabrikam", by: world.admin)
        let ana = try world.addUser("ana"), ben = try world.addUser("ben")
        try world.service.addUser(ben.id, toOrganization: other.id, by: world.admin)
        let outsider = try world.service.createUser(UserDraft(displayName: "Nobody", loginName: "nobody"), in: [other.id], by: world.admin)
        let team = try world.addGroup("Team"), empty = try world.addGroup("Empty"), outer = try world.addGroup("Outer")
        try world.service.addMember(.user(ana.id), to: team.id, by: world.admin)
        try world.service.addMember(.user(ben.id), to: team.id, by: world.admin)
        try world.service.addMember(.group(team.id), to: outer.id, by: world.admin)
        try world.service.addMember(.user(ana.id), to: outer.id, by: world.admin)
        try world.store.read { reader in
            let groups = [team.id, empty.id, outer.id]
            let counts = try reader.memberCounts(of: groups)
            #expect(counts == [team.id: 2, empty.id: 0, outer.id: 2])
            for group in groups { #expect(counts[group] == (try reader.memberCount(of: group))) }
            let ids: Set<UserID> = [ana.id, ben.id, outsider.id, UserID()]
            let users = try reader.users(ids)
            #expect(Set(users.keys) == [ana.id, ben.id, outsider.id])
            #expect(users[ben.id]?.loginName == "ben")
            let organizations = try reader.organizationIDs(ofUsers: Array(ids))
            #expect(Set(organizations[ben.id] ?? []) == [world.organization.id, other.id])
            #expect(organizations[ana.id] == [world.organization.id])
            #expect(organizations[outsider.id] == [other.id])
            #expect(organizations.count == 3)  // the unknown id is absent
        }
    }

    // MARK: Typed errors

    @Test("a store error reaches the façade typed, with the exit status a script expects")
    func typedErrors() {
        #expect(GatehouseError.duplicate(kind: .user, field: "login name").category == .conflict)
        #expect(GatehouseError.busy(attempts: 8).category == .conflict)
        #expect(GatehouseError.unavailable(host: "db:5432/gatehouse", detail: "refused").category == .unavailable)
        #expect(GatehouseError.unavailable(host: "db:5432/gatehouse", detail: "refused").description.contains("db:5432/gatehouse"))
        #expect(StoreErrors.duplicate(rule: "user.login_name") == .duplicate(kind: .user, field: "login name"))
    }

    // MARK: Several writers

    @Test("two hosts adding opposite memberships at once never make a cycle", arguments: Backend.available)
    func concurrentCycles(_ backend: Backend) throws {
        let world = try World(backend)
        let other = try world.otherHost()
        for round in 0..<6 {
            let a = try world.addGroup("A\(round)"), b = try world.addGroup("B\(round)")
            let outcomes = Collected<GatehouseError?>()
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                do throws(GatehouseError) {
                    if index == 0 {
                        try world.service.addMember(.group(b.id), to: a.id, by: world.admin)
                    } else {
                        try other.service.addMember(.group(a.id), to: b.id, by: other.admin)
                    }
                    outcomes.append(nil)
                } catch {
                    outcomes.append(error)
                }
            }
            let errors = outcomes.all.compactMap { $0 }
            #expect(errors.count == 1, "round \(round): \(errors)")
            if let error = errors.first, case .membershipCycle = error {} else { Issue.record("round \(round): expected a cycle, got \(errors)") }
        }
    }

    @Test("two hosts creating the same token name at once: one token", arguments: Backend.available)
    func concurrentTokenNames(_ backend: Backend) throws {
        let world = try World(backend)
        let other = try world.otherHost()
        for round in 0..<4 {
            let outcomes = Collected<Bool>()
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                let service = index == 0 ? world.service : other.service
                let admin = index == 0 ? world.admin : other.admin
                outcomes.append((try? service.createToken(world.request("race-\(round)"), by: admin)) != nil)
            }
            #expect(outcomes.all.filter { $0 }.count == 1, "round \(round)")
        }
        #expect(try world.service.count(TokenQuery(), by: world.admin) == 4)
    }

    @Test("two admins editing one token at once: one success, one \u{201C}changed since you read it\u{201D}", arguments: Backend.available)
    func concurrentTokenEdits(_ backend: Backend) throws {
        let world = try World(backend)
        let other = try world.otherHost()
        let token = try world.service.createToken(world.request("shared"), by: world.admin).token
        let outcomes = Collected<GatehouseError?>()
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let service = index == 0 ? world.service : other.service
            let admin = index == 0 ? world.admin : other.admin
            do throws(GatehouseError) {
                _ = try service.updateToken(token.id, TokenChanges(displayName: "renamed-\(index)"), expectedVersion: token.version, by: admin)
                outcomes.append(nil)
            } catch {
                outcomes.append(error)
            }
        }
        let errors = outcomes.all.compactMap { $0 }
        #expect(outcomes.all.count == 2 && errors.count == 1)
        #expect(errors.first?.isStale == true, "\(errors)")
        #expect(try world.service.token(token.id, by: world.admin).version == token.version + 1)
    }

    @Test("a revocation on one host is refused by another host's next verification", arguments: Backend.available)
    func revocationAcrossHosts(_ backend: Backend) throws {
        let world = try World(backend)
        let other = try world.otherHost()
        let issued = try world.service.createToken(world.request("ci"), by: world.admin)
        // The other host verifies (and caches) the token.
        for _ in 0..<3 { #expect(try other.service.verify(issued.secret).isSuccess) }
        _ = try world.service.revokeToken(issued.token.id, by: world.admin)
        // PostgreSQL: the notification reaches the other host within milliseconds; allow a second.
        let deadline = Date().addingTimeInterval(2)
        var refused = false
        while !refused && Date() < deadline {
            refused = !(try other.service.verify(issued.secret).isSuccess)
            if !refused { usleep(10_000) }
        }
        #expect(refused)
    }
}

extension String {
    /// SQLite's NOCASE folding: ASCII letters only.
    var lowercasedASCII: String {
        String(String.UnicodeScalarView(unicodeScalars.map { ("A"..."Z").contains($0) ? Unicode.Scalar($0.value + 32)! : $0 }))
    }
}

extension GatehouseError {
    var invalidField: String? {
        if case let .invalidInput(field, _) = self { return field }
        return nil
    }

    var isStale: Bool {
        if case .staleVersion = self { return true }
        return false
    }
}

extension Result {
    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
}
