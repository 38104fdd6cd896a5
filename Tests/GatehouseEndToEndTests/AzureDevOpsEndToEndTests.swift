import Foundation
import GatehouseDomain
import GatehouseStore
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Microsoft's azure-devops Python SDK (7.1.0b4 from PyPI, unchanged) against the real
/// `gatehouse serve`: Python/azure_devops_sdk.py makes the calls and checks what it gets; this test
/// builds the directory, starts the server and checks the directory afterwards. It skips without
/// the SDK, except under CI=true (`.ci/run` installs it into .venv-ci).
@Suite("End to end: Azure DevOps' Python SDK against gatehouse serve", .serialized)
struct AzureDevOpsEndToEndTests {
    static let python: String? = {
        let environment = ProcessInfo.processInfo.environment
        let candidates: [String] = [environment["GATEHOUSE_AZURE_DEVOPS_PYTHON"], GatewayParts.repository.appendingPathComponent(".venv-ci/bin/python").path].compactMap { $0 }
        for path in candidates where FileManager.default.isExecutableFile(atPath: path) {
            let probe = try? Subprocess.run(path, ["-c", "import azure.devops.connection"])
            if probe?.status == 0 { return path }
        }
        return nil
    }()

    static var missing: [String] {
        [("python with azure-devops (.venv-ci)", python), ("a built gatehouse binary", Binary.gatehouse?.path)].filter { $0.1 == nil }.map(\.0)
    }

    @Test("the SDK discovers locations, walks Graph, administers tokens; PAT lifecycle and every refusal over plain HTTP")
    func sdk() throws {
        guard Self.missing.isEmpty else {
            if GatewayParts.isCI { Issue.record("CI=true but missing: \(Self.missing.joined(separator: ", ")); .ci/run installs them") }
            else { print("skipped the azure-devops SDK test: needs \(Self.missing.joined(separator: ", ")) (.venv-ci/bin/pip install azure-devops==7.1.0b4)") }
            return
        }
        let python = try #require(Self.python)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-azure-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("gatehouse.sqlite").path
        let catalog = try ScopeCatalog(json: Data(contentsOf: GatewayParts.repository.appendingPathComponent("Resources/scopes.json")))
        let service = AccessService(store: try SQLiteDirectoryStore(path: database), catalog: catalog)
        let login = String(cString: getpwuid(geteuid()).pointee.pw_name)
        _ = try service.bootstrapIfEmpty(administratorLogin: login)
        let admin = try service.resolveActor(login: login)
        let main = try service.organization(named: "Default", by: admin)
        for index in 1...7 {
            _ = try service.createUser(UserDraft(displayName: "Person \(index)", loginName: "person\(index)"), in: [main.id], by: admin)
        }
        let automation = try service.createGroup(named: "Automation", in: main.id, by: admin)
        let policed = try service.createOrganization(named: "Policed", by: admin)
        let closed = try service.createOrganization(named: "Closed", by: admin)
        // The administrator's own script token works in every organization (made before the policies are on).
        for organization in [main, policed, closed] {
            try setPolicy(TokenPolicy(kind: .restrictGlobalTokens, isEnabled: false), organization, service, admin)
        }

        func token(_ name: String, _ scopes: [String], _ target: TokenTarget) throws -> IssuedToken {
            try service.createToken(TokenRequest(displayName: name, target: target, scopes: .custom(scopes), expiration: .days(30)), by: admin)
        }
        let administration = try token("sdk", ["vso.graph_manage", "vso.tokenadministration"], .allAccessibleOrganizations)
        let codeOnly = try token("code only", ["vso.code"], .organization(main.id))
        let victim = try token("victim", ["vso.code"], .organization(main.id))
        for index in 1...3 { _ = try token("filler \(index)", ["vso.build"], .organization(main.id)) }
        for organization in [policed, closed] {
            try setPolicy(TokenPolicy(kind: .restrictGlobalTokens, isEnabled: true), organization, service, admin)
        }
        try setPolicy(TokenPolicy(kind: .restrictFullScopedTokens, isEnabled: true), policed, service, admin)
        try setPolicy(TokenPolicy(kind: .maximumLifespan, isEnabled: true, maximumLifespanDays: 30), policed, service, admin)
        try setPolicy(TokenPolicy(kind: .restrictCreation, isEnabled: true, packagingOnly: true), closed, service, admin)

        let log = folder.appendingPathComponent("serve.log").path
        let server = try BackgroundProcess(try #require(Binary.gatehouse?.path), [
            "serve", "--listen", "127.0.0.1:0", "--db", database, "--page-size", "3", "--log-level", "info",
        ], outputPath: log, environment: ["GATEHOUSE_RESOURCES": GatewayParts.repository.appendingPathComponent("Resources").path])
        defer { server.stop() }
        let output = try server.waitForOutput("Listening on http://127.0.0.1:")
        let port = try #require(output.split(separator: "\n").first { $0.hasPrefix("Listening on") }?.split(separator: ":").last.flatMap { Int($0) })

        let environment = [
            "GATEHOUSE_URL=http://127.0.0.1:\(port)", "ORGANIZATION=Default", "POLICY_ORGANIZATION=Policed", "CLOSED_ORGANIZATION=Closed",
            "ADMIN_PAT=\(administration.secret.reveal())", "CODE_PAT=\(codeOnly.secret.reveal())",
            "VICTIM_PAT=\(victim.secret.reveal())", "VICTIM_ID=\(victim.token.id)", "ADMIN_NAME=\(admin.user.displayName)",
            "USER_COUNT=8", "AZURE_DEVOPS_CACHE_DIR=\(folder.appendingPathComponent("sdk-cache").path)",
        ]
        let script = GatewayParts.repository.appendingPathComponent("Tests/GatehouseEndToEndTests/Python/azure_devops_sdk.py").path
        let run = try Subprocess.run("/usr/bin/env", environment + [python, script])
        print(run.output)
        #expect(run.status == 0, "\(run.output.suffix(3_000))\n\(run.error.suffix(3_000))")
        #expect(run.output.contains("all checks passed"))

        // What the directory says afterwards, read apart from the server.
        #expect(try service.token(victim.token.id, by: admin).revocation != nil)
        #expect(try service.members(of: automation.id, by: admin).isEmpty)
        let revoked = try #require(try service.auditEvents(AuditQuery(actions: [.tokenRevoked], target: TextSearch("victim")), page: .first(5), by: admin).items.first)
        #expect(revoked.details.contains { $0.value == "token \(administration.token.handle)" })
        let added = try service.auditEvents(AuditQuery(actions: [.groupMemberAdded], target: TextSearch("Automation")), page: .first(5), by: admin).items
        #expect(added.count == 1 && added[0].details.contains { $0.value == "token \(administration.token.handle)" })
        // The secrets went over the wire and into the script, never into the server's log.
        let written = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        for secret in [administration.secret, codeOnly.secret, victim.secret] {
            #expect(!written.contains(secret.reveal()))
        }
    }

    func setPolicy(_ policy: TokenPolicy, _ organization: Organization, _ service: AccessService, _ admin: Actor) throws {
        let current = try service.policies(of: organization.id, by: admin)
        _ = try service.updatePolicy(policy, in: organization.id, expectedVersion: current.version, by: admin)
    }
}
