import Foundation
import GatehouseConsole
import GatehouseDomain
import TerminalKit
import Testing

/// The console over SSH (`gatehouse ssh session`): the header says who and with which key.
@MainActor @Suite struct SSHSessionConsoleTests {
    @Test func theHeaderNamesTheUserAndTheirKeyAndStillFitsEightyColumns() throws {
        let demo = try DemoConsole()
        let alice = try demo.user("aandersen")
        // The façade re-checks the key on every call: it must really be aandersen's.
        let line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH5YYOTA3MrlLkaUMEh9SREZnCcyqIrfKFg5MqGm4gH1 alice@example"
        let fingerprint = try demo.service.addSSHKey(line, to: alice.id, by: demo.administrator).fingerprint
        #expect(fingerprint == "SHA256:M92dalJcoAcZX9n9D7ZhStR+G4LluRUTFJ0Jiwtv4KM")
        let driver = ConsoleDriver(service: demo.service, actor: Actor(user: alice, credential: .sshKey(fingerprint: fingerprint)))
        let header = driver.screen.split(separator: "\n").first.map(String.init) ?? ""
        #expect(header.contains("aandersen via SSH key SHA256:M92dalJc\u{2026}"))
        #expect(header.contains("Gatehouse"))
    }
}
