import Foundation
import GatehouseDomain
import GatehouseStore
import Testing

/// On CI every real part must be there: a missing sshd fails instead of skipping.
@Test func sshEndToEndPartsArePresentOnCI() {
    guard ProcessInfo.processInfo.environment["CI"] == "true" else { return }
    #expect(SSHTestServer.missingPart == nil, "CI must run the SSH end-to-end tests: \(SSHTestServer.missingPart ?? "")")
}

/// Logging in over SSH with keys registered in Gatehouse: Debian's sshd and ssh, the real binary,
/// AuthorizedKeysCommand and the forced command, as an administrator would set it up.
@Suite(.serialized, .enabled(if: SSHTestServer.missingPart == nil, "SSH end-to-end tests skipped: \(SSHTestServer.missingPart ?? "")"))
struct SSHEndToEndTests {
    let server: SSHTestServer
    let alice: (path: String, publicLine: String)
    let bob: (path: String, publicLine: String)
    let aliceFingerprint: String
    let bobFingerprint: String

    init() throws {
        let server = try SSHTestServer()
        let alice = try server.makeKey("alice", type: "ed25519")
        let bob = try server.makeKey("bob", type: "rsa")
        (self.server, self.alice, self.bob) = (server, alice, bob)
        (aliceFingerprint, bobFingerprint) = try server.administer { service, admin in
            let organization = try service.organizations(by: admin)[0]
            let aliceUser = try service.createUser(UserDraft(displayName: "Alice Andersen", loginName: "alice"), in: [organization.id], by: admin)
            let bobUser = try service.createUser(UserDraft(displayName: "Bob Berg", loginName: "bob"), in: [organization.id], by: admin)
            let aliceKey = try service.addSSHKey(alice.publicLine, to: aliceUser.id, by: admin)
            let bobKey = try service.addSSHKey(bob.publicLine, to: bobUser.id, by: admin)
            return (aliceKey.fingerprint, bobKey.fingerprint)
        }
        let setup = try server.start()
        #expect(setup.status == 0, "ssh setup's checks should pass for this install:\n\(setup.output)\(setup.error)")
    }

    private func console(_ key: String, width: Int = 80, height: Int = 24) throws -> TmuxSession {
        try TmuxSession(command: server.consoleCommand(key: key), width: width, height: height, environment: ["TERM": "xterm-256color", "LANG": "C.UTF-8"])
    }

    @Test func eachKeyOpensTheConsoleAsItsOwnerAndResizingRedraws() throws {
        let aliceSession = try console(alice.path)
        var screen = try aliceSession.waitFor("alice via SSH key \(aliceFingerprint.prefix(15))")
        #expect(screen.contains("Users"))
        #expect(!screen.contains("bob via"))

        let bobSession = try console(bob.path)
        _ = try bobSession.waitFor("bob via SSH key \(bobFingerprint.prefix(15))")
        // The header comes first; the list follows in the same or the next frame.
        screen = try bobSession.waitFor("Bob Berg")
        #expect(screen.contains("bob via SSH key"), "the user list shows the directory, as bob")

        // A window resize travels over SSH (window-change) and the console redraws to the new width.
        let before = screen.split(separator: "\n").first.map { $0.count } ?? 0
        #expect(before <= 80)
        try bobSession.tmux(["resize-window", "-t", "0", "-x", "120", "-y", "30"])
        let deadline = Date().addingTimeInterval(10)
        var widest = 0
        while Date() < deadline {
            let header = try bobSession.screen().split(separator: "\n").first.map(String.init) ?? ""
            widest = header.count
            if widest > 100 && header.contains("bob via SSH key") { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(widest > 100, "after a resize to 120 columns the header should span them")

        try aliceSession.send("q")
        #expect(try aliceSession.waitForExit().status == 0)
        try bobSession.send("q")
        #expect(try bobSession.waitForExit().status == 0)
    }

    @Test func unregisteredDisabledAndDeletedKeysAreRefused() throws {
        let stranger = try server.makeKey("stranger", type: "ecdsa")
        let refused = try server.run(key: stranger.path, "tokens list")
        #expect(refused.status == 255)
        #expect(refused.error.contains("Permission denied"))

        // The lookup itself says why, for the administrator (sshd's log gets it through syslog).
        let fields = stranger.publicLine.split(separator: " ")
        let lookup = try server.runBinary(["ssh", "authorized-keys", "--db", server.database, "--service-user", "gatehouse", "gatehouse", String(fields[0]), String(fields[1])])
        #expect(lookup.status == 0 && lookup.output.isEmpty)
        #expect(lookup.error.contains("not registered"))

        #expect(try server.run(key: bob.path, "tokens list --json").status == 0)
        _ = try server.administer { service, admin in
            try service.setStatus(.disabled, ofUser: try service.user(login: "bob", by: admin).id, by: admin)
        }
        let disabled = try server.run(key: bob.path, "tokens list --json")
        #expect(disabled.status == 255 && disabled.error.contains("Permission denied"), "a disabled owner's key stops at the next login")

        #expect(try server.run(key: alice.path, "tokens list --json").status == 0)
        try server.administer { service, admin in
            let user = try service.user(login: "alice", by: admin)
            for key in try service.sshKeys(of: user.id, by: admin) { try service.removeSSHKey(key.id, by: admin) }
        }
        let deleted = try server.run(key: alice.path, "tokens list --json")
        #expect(deleted.status == 255 && deleted.error.contains("Permission denied"), "a deleted key stops at the next login")
    }

    @Test func commandsRunAsTheKeysOwnerAndCannotChangeIdentityOrDatabase() throws {
        let created = try server.run(key: alice.path, "tokens create --name alice-ci --expires 30d --scope vso.code --json")
        #expect(created.status == 0, "\(created.error)")
        let secret = created.output.split(separator: "\"").first { $0.hasPrefix("gpat_") && !$0.contains("\u{2026}") }.map(String.init)
        #expect(secret != nil, "the secret is printed once, to the client")
        #expect(try server.run(key: bob.path, "tokens create --name 'bob deploy' --expires 30d --scope vso.code").status == 0)

        let aliceList = try server.run(key: alice.path, "tokens list --json")
        #expect(aliceList.status == 0)
        #expect(aliceList.output.contains("alice-ci") && !aliceList.output.contains("bob deploy"), "alice sees her own tokens only")
        #expect(secret.map { !aliceList.output.contains($0) } == true, "a list never shows the secret")
        let bobList = try server.run(key: bob.path, "tokens list --json")
        #expect(bobList.output.contains("bob deploy") && !bobList.output.contains("alice-ci"))

        for attempt in ["tokens list --as bob", "tokens list --as=bob", "tokens list --db other.sqlite", "tokens list --db=/tmp/other.sqlite",
                        "demo", "dev seed --db /tmp/x.sqlite", "ssh session --db /tmp/x --key SHA256:x", "console", "serve"] {
            let result = try server.run(key: alice.path, attempt)
            #expect(result.status != 0, "\(attempt) must be refused")
            #expect(result.error.contains("refused over SSH") || result.error.contains("not available over SSH"), "\(attempt): \(result.error)")
        }
        #expect(!FileManager.default.fileExists(atPath: server.data.appendingPathComponent("other.sqlite").path))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/other.sqlite"))

        // A second key, sent on stdin (no file on the server), logs in as alice at once.
        let laptop = try server.makeKey("alice-laptop", type: "ecdsa")
        let added = try server.run(key: alice.path, "users keys add alice", input: laptop.publicLine)
        #expect(added.status == 0, "\(added.error)")
        let fromLaptop = try server.run(key: laptop.path, "tokens list --json")
        #expect(fromLaptop.status == 0 && fromLaptop.output.contains("alice-ci"))

        let noTerminal = try server.run(key: alice.path, nil)
        #expect(noTerminal.status == 2 && noTerminal.error.contains("ssh -t"))

        // Every change made over SSH names the key in the audit log.
        let events = try server.administer { service, admin in
            try service.auditEvents(AuditQuery(actions: [.tokenCreated]), by: admin).items
        }
        let aliceEvent = events.first { $0.actor.login == "alice" }
        #expect(aliceEvent?.details.contains { $0.value == "SSH key \(aliceFingerprint)" } == true)
        let bobEvent = events.first { $0.actor.login == "bob" }
        #expect(bobEvent?.details.contains { $0.value == "SSH key \(bobFingerprint)" } == true)
    }

    @Test func aRunningSessionEndsAtItsNextKeyOnceTheKeyIsDeleted() throws {
        let session = try console(alice.path)
        try session.waitFor("alice via SSH key")
        try server.administer { service, admin in
            let user = try service.user(login: "alice", by: admin)
            for key in try service.sshKeys(of: user.id, by: admin) { try service.removeSSHKey(key.id, by: admin) }
        }
        try session.send("2")
        let (status, _) = try session.waitForExit()
        #expect(status == 6, "the session ends with 'permission denied'")
        let screen = try session.screen()
        #expect(screen.replacingOccurrences(of: "\n", with: "").contains(aliceFingerprint), "\(screen)")
    }

    @Test func closingTheConnectionLeavesNothingHalfDone() throws {
        let session = try console(alice.path)
        try session.waitFor("alice via SSH key")
        #expect(!server.sessionProcesses().isEmpty, "the forced command runs while connected")
        // Half-way through a new token: the wizard is open and its name typed, nothing saved yet.
        try session.send("3")
        try session.waitFor("New token")
        try session.send("n")
        try session.waitFor("Name")
        try session.send("halfway", literal: true)
        Thread.sleep(forTimeInterval: 0.2)
        // The client goes away (SIGHUP to ssh): sshd hangs up the session.
        try session.tmux(["kill-server"])
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && !server.sessionProcesses().isEmpty { Thread.sleep(forTimeInterval: 0.05) }
        #expect(server.sessionProcesses().isEmpty, "the session's process exits when the connection closes")
        let created = try server.administer { service, admin in
            try service.auditEvents(AuditQuery(actions: [.tokenCreated]), by: admin).items
        }
        #expect(created.isEmpty, "nothing was saved")
        let integrity = try Subprocess.run("/usr/bin/env", ["sqlite3", server.database, "PRAGMA integrity_check;"])
        if integrity.status == 0 { #expect(integrity.output.trimmingCharacters(in: .whitespacesAndNewlines) == "ok") }
        // The directory still serves the next login.
        #expect(try server.run(key: alice.path, "tokens list --json").status == 0)
    }
}
