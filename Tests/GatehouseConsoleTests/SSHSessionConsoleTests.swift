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
        let fingerprint = "SHA256:M92dalJcoAcZX9n9D7ZhStR+G4LluRUTFJ0Jiwtv4KM"
        let driver = ConsoleDriver(service: demo.service, actor: Actor(user: alice, credential: .sshKey(fingerprint: fingerprint)))
        let header = driver.screen.split(separator: "\n").first.map(String.init) ?? ""
        #expect(header.contains("aandersen via SSH key SHA256:M92dalJc\u{2026}"))
        #expect(header.contains("Gatehouse"))
    }
}
