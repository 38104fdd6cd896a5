import ArgumentParser
import Testing
@testable import GatehouseCLI

/// The console's start reads its four options by hand (`ConsoleFastPath`); it must read them as
/// swift-argument-parser does, and leave everything else to it.
@Suite("Console fast path: the same command as the parser's, or none")
struct ConsoleFastPathTests {
    struct Reading: Equatable, CustomStringConvertible {
        let db: String?, asLogin: String?, noColor: Bool, mouse: Bool
        init(_ command: ConsoleCommand) {
            db = command.directory.db
            asLogin = command.directory.asLogin
            noColor = command.terminal.noColor
            mouse = command.terminal.mouse
        }
        var description: String { "db \(db ?? "nil") as \(asLogin ?? "nil") noColor \(noColor) mouse \(mouse)" }
    }

    static let taken: [[String]] = [
        [], ["console"], ["--db", "/tmp/x.sqlite"], ["--db=/tmp/x.sqlite"], ["--db", ""],
        ["--db", "postgresql://gh@127.0.0.1:5432/gatehouse", "--as", "maria"], ["--as=maria", "--no-color"],
        ["console", "--mouse", "--db", "a b.sqlite"], ["--no-color", "--mouse", "--as", "sweber", "--db", "x=y.sqlite"],
    ]

    @Test("each shape it takes gives exactly what the parser gives", arguments: taken)
    func agreesWithTheParser(_ arguments: [String]) throws {
        let fast = try #require(ConsoleFastPath.command(for: arguments))
        let parsed = try #require(try GatehouseCommand.parseAsRoot(arguments) as? ConsoleCommand)
        #expect(Reading(fast) == Reading(parsed))
    }

    static let leftToTheParser: [[String]] = [
        ["--help"], ["-h"], ["help"], ["--version"], ["tokens", "list"], ["--db", "x", "tokens", "list"], ["demo"],
        ["--db"], ["--db="], ["--db", "--as", "x"], ["--db", "a", "--db", "b"], ["--no-color", "--no-color"], ["--no-color=yes"],
        ["--color"], ["--generate-completion-script", "bash"], ["console", "console"], ["--db", "x", "--"], ["-"],
    ]

    @Test("anything else is the parser's: help, subcommands, repeats, typos, a missing value", arguments: leftToTheParser)
    func leavesTheRestToTheParser(_ arguments: [String]) {
        #expect(ConsoleFastPath.command(for: arguments) == nil)
    }
}
