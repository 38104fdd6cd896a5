import Foundation
import Testing
@testable import GatehouseDomain
import GatehouseStore

@Suite("Only digests are stored; stale edits are refused")
struct StorageTests {
    /// The bytes of the database and its WAL and shared-memory files, whichever exist.
    static func databaseBytes(_ dir: TestDirectory) throws -> [(String, Data)] {
        try ["", "-wal", "-shm"].compactMap { suffix in
            let path = dir.databasePath + suffix
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            return (path, try Data(contentsOf: URL(fileURLWithPath: path)))
        }
    }

    /// Every run of `length` characters of the random body and checksum: no recognizable part of a secret.
    static func fragments(of secret: TokenSecret, length: Int) -> [String] {
        let tail = Array(secret.reveal().dropFirst(TokenFormat.prefix.count))
        return (0...(tail.count - length)).map { String(tail[$0..<($0 + length)]) }
    }

    @Test("neither the database, its WAL nor its shared memory holds any secret, only digests")
    func onlyDigestsOnDisk() throws {
        let dir = try TestDirectory()
        let bob = try dir.addUser("bob", groups: [.contributors])
        let bot = try dir.addUser("deploy-bot", kind: .serviceAccount)
        let bobActor = try dir.actor("bob")

        var secrets: [TokenSecret] = []
        var current: [IssuedToken] = []
        for (index, scopes) in [ScopeSelection.fullAccess, .custom(["vso.code_write"]), .custom(["vso.packaging"])].enumerated() {
            let issued = try dir.createToken("admin-\(index)", scopes: scopes)
            secrets.append(issued.secret)
            current.append(issued)
        }
        let bobs = try dir.createToken("bob-ci", by: bobActor)
        let onBehalf = try dir.createToken("bot", owner: bot.id)
        secrets += [bobs.secret, onBehalf.secret]
        // Regenerated twice: three secrets for one token, the first two retired.
        var regenerated = try dir.createToken("rotating", by: bobActor)
        secrets.append(regenerated.secret)
        for _ in 0..<2 {
            dir.clock.advance(by: 60)
            regenerated = try dir.service.regenerateToken(regenerated.token.id, by: bobActor)
            secrets.append(regenerated.secret)
        }
        current += [bobs, onBehalf, regenerated]
        // Use, leak, revoke: every path that touches a token.
        dir.clock.advance(by: 600)
        for issued in current { _ = try dir.service.verify(issued.secret) }
        _ = try dir.service.verify(secrets[secrets.count - 3]) // a replaced secret, audited
        _ = try dir.service.reportLeaked(bobs.secret, by: dir.admin)
        try dir.service.revokeToken(onBehalf.token.id, reason: "rotated", by: dir.admin)
        try dir.service.deleteUser(bob.id, by: dir.admin)

        func assertNoSecrets(in files: [(String, Data)]) {
            for (path, bytes) in files {
                for secret in secrets {
                    #expect(bytes.range(of: Data(secret.reveal().utf8)) == nil, "the whole token is in \(path)")
                    let body = String(secret.reveal().dropFirst(5).prefix(TokenFormat.randomLength))
                    #expect(bytes.range(of: Data(body.utf8)) == nil, "the random body is in \(path)")
                    for fragment in Self.fragments(of: secret, length: 12) where bytes.range(of: Data(fragment.utf8)) != nil {
                        Issue.record("a 12-character piece of a secret is in \(path)")
                    }
                }
            }
        }

        let files = try Self.databaseBytes(dir)
        #expect(files.count >= 2, "the database and its WAL exist")
        assertNoSecrets(in: files)
        // The scan does see the token rows: the digest and the handle are there.
        let everything = files.reduce(Data()) { $0 + $1.1 }
        let admin0 = try dir.service.token(current[0].token.id, by: dir.admin)
        #expect(everything.range(of: Data(admin0.digest.bytes)) != nil)
        #expect(everything.range(of: Data(admin0.handle.utf8)) != nil)
        #expect(admin0.digest == TokenDigest(of: current[0].secret))

        // After a checkpoint, the main file alone.
        try dir.store.checkpoint()
        assertNoSecrets(in: try Self.databaseBytes(dir))

        // And the audit log, every field.
        let events = try dir.allAuditEvents()
        #expect(events.count > 15)
        for event in events {
            var texts = [event.actor.login, event.actorText, event.target.id, event.target.name, event.action.rawValue]
            texts += [event.impersonator?.login, event.onBehalfOf?.login].compactMap { $0 }
            texts += event.details.flatMap { [$0.key, $0.value] }
            let text = texts.joined(separator: "\n")
            for secret in secrets {
                #expect(!text.contains(secret.reveal()))
                for fragment in Self.fragments(of: secret, length: 8) where text.contains(fragment) {
                    Issue.record("a piece of a secret is in the audit event \(event.action.rawValue): \(text)")
                }
            }
        }
    }

    @Test("the stored token keeps its settings and a non-secret handle, never the secret")
    func storedToken() throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("ci", scopes: .custom(["vso.code_write"]))
        let stored = try dir.service.token(issued.token.id, by: dir.admin)
        #expect(stored == issued.token)
        #expect(stored.handle == "gpat_\u{2026}" + String(issued.secret.reveal().suffix(4)))
        #expect(stored.isHighPrivilege)
        #expect(stored.generation == 1)
        #expect(!"\(stored)".contains(issued.secret.reveal()))
    }

    // MARK: Stale versions

    @Test("editing a user with the version read before someone else's change is refused; nothing changes")
    func staleUser() throws {
        let dir = try TestDirectory()
        let bob = try dir.addUser("bob")
        let opened = try dir.service.user(bob.id, by: dir.admin)
        var theirs = UserDraft(opened)
        theirs.displayName = "Robert"
        try dir.service.updateUser(bob.id, to: theirs, expectedVersion: opened.version, by: dir.admin)

        let before = try dir.snapshot()
        var mine = UserDraft(opened)
        mine.email = "bob@corp.example"
        let error = expectError { try dir.service.updateUser(bob.id, to: mine, expectedVersion: opened.version, by: dir.admin) }
        #expect(error == .staleVersion(kind: .user, name: "bob"))
        #expect(error?.description.contains("was changed by someone else since you opened it") == true)
        #expect(error?.category == .conflict)
        #expect(expectError { try dir.service.setStatus(.disabled, ofUser: bob.id, expectedVersion: opened.version, by: dir.admin) }?.isStaleVersion == true)
        #expect(try dir.snapshot() == before)
        #expect(try dir.service.user(bob.id, by: dir.admin).displayName == "Robert")
        #expect(try dir.service.user(bob.id, by: dir.admin).email == "")
    }

    @Test("editing a group with a stale version is refused; nothing changes")
    func staleGroup() throws {
        let dir = try TestDirectory()
        let opened = try dir.addGroup("Team")
        try dir.service.updateGroup(opened.id, name: "Team", description: "theirs", expectedVersion: opened.version, by: dir.admin)
        let before = try dir.snapshot()
        let error = expectError { try dir.service.updateGroup(opened.id, name: "Renamed", description: "mine", expectedVersion: opened.version, by: dir.admin) }
        #expect(error == .staleVersion(kind: .group, name: "Team"))
        #expect(try dir.snapshot() == before)
        #expect(try dir.service.group(opened.id, by: dir.admin).description == "theirs")
    }

    @Test("editing, revoking or regenerating a token with a stale version is refused; nothing changes")
    func staleToken() throws {
        let dir = try TestDirectory()
        let issued = try dir.createToken("ci")
        let opened = try dir.service.token(issued.token.id, by: dir.admin)
        try dir.service.updateToken(opened.id, TokenChanges(displayName: "ci-renamed"), expectedVersion: opened.version, by: dir.admin)

        let before = try dir.snapshot()
        let edit = expectError { try dir.service.updateToken(opened.id, TokenChanges(expiration: .days(10)), expectedVersion: opened.version, by: dir.admin) }
        #expect(edit == .staleVersion(kind: .token, name: "ci-renamed"))
        #expect(expectError { try dir.service.regenerateToken(opened.id, expectedVersion: opened.version, by: dir.admin) }?.isStaleVersion == true)
        #expect(try dir.snapshot() == before)
        #expect(try dir.service.verify(issued.secret).success != nil, "the secret was not replaced")
        // A revocation is the one change that wins a race: it applies to the token as it is now.
        let revoked = try dir.service.revokeToken(opened.id, reason: "x", expectedVersion: opened.version, by: dir.admin)
        #expect(revoked.revocation != nil)
        if case .revoked? = try dir.service.verify(issued.secret).failure {} else { Issue.record("the revoked token still verifies") }
    }

    @Test("deleting a user deletes their tokens and keys; the audit log keeps their history")
    func deleteUserCascades() throws {
        let dir = try TestDirectory()
        let bob = try dir.addUser("bob", groups: [.contributors])
        let bobActor = try dir.actor("bob")
        let issued = try dir.createToken("ci", by: bobActor)
        _ = try dir.service.addSSHKey(SampleKeys.ed25519.line, to: bob.id, by: bobActor)
        let team = try dir.addGroup("Team", members: [.user(bob.id)])
        try dir.service.deleteUser(bob.id, by: dir.admin)

        #expect(expectError { try dir.service.user(bob.id, by: dir.admin) }?.isNotFound == true)
        #expect(try dir.service.count(TokenQuery(ownerID: bob.id), by: dir.admin) == 0)
        #expect(try dir.service.verify(issued.secret).failure == .unknown)
        #expect(try dir.store.read { try $0.sshKeys(of: bob.id) }.isEmpty)
        #expect(try dir.service.members(of: team.id, by: dir.admin).isEmpty)
        let history = try dir.allAuditEvents(AuditQuery(actorLogin: "bob"))
        #expect(history.map(\.action) == [.tokenCreated, .sshKeyAdded])
        let deletion = try #require(try dir.allAuditEvents().last)
        #expect(deletion.action == .userDeleted)
        #expect(deletion.details.contains(AuditDetail("tokens deleted", "1")))
        // The same SSH key may now be registered to someone else.
        _ = try dir.service.addSSHKey(SampleKeys.ed25519.line, to: dir.admin.user.id, by: dir.admin)
    }

    @Test("an SSH key identifies one account")
    func sshKeyIsUnique() throws {
        let dir = try TestDirectory()
        let bob = try dir.addUser("bob")
        let carol = try dir.addUser("carol")
        let key = try dir.service.addSSHKey(SampleKeys.ed25519.line, to: bob.id, by: dir.admin)
        #expect(key.fingerprint == SampleKeys.ed25519.fingerprint)
        let before = try dir.snapshot()
        let error = expectError { try dir.service.addSSHKey(SampleKeys.ed25519.line, to: carol.id, by: dir.admin) }
        #expect(error?.isNotAllowed == true)
        #expect(error?.description.contains("already registered to bob") == true)
        #expect(try dir.snapshot() == before)
    }
}
