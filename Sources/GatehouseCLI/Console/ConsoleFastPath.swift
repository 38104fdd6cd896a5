/// `gatehouse`, `gatehouse --db X` and the like: the console with nothing but its own options, as
/// an admin starts it many times a day, read without swift-argument-parser. Its parse reflects
/// every option with `Mirror` and dynamic casts, and each first cast scans every protocol
/// conformance in the binary: 3.8 ms of a ~35 ms start to the first frame, for four options. Anything
/// else (a subcommand, `--help`, an option twice, a value that looks like an option) goes the usual
/// way, so messages and help stay the parser's. `ConsoleFastPathTests` checks that both readings
/// agree on every shape this one takes.
enum ConsoleFastPath {
    /// The console command for these arguments, or nil to parse them the usual way.
    static func command(for arguments: [String]) -> ConsoleCommand? {
        var values: [String: String] = [:]
        var flags: Set<String> = []
        var index = arguments.first == "console" ? 1 : 0
        while index < arguments.count {
            let argument = arguments[index]
            let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let name = parts[0]
            guard values[name] == nil, !flags.contains(name) else { return nil }
            switch name {
            case "--no-color", "--mouse":
                guard parts.count == 1 else { return nil }
                flags.insert(name)
                index += 1
            case "--db", "--as":
                if parts.count == 2 {
                    guard !parts[1].isEmpty else { return nil }  // `--db=`: the parser says the value is missing
                    values[name] = parts[1]
                    index += 1
                } else {
                    // The value must be there and not look like an option: the parser's to refuse.
                    guard index + 1 < arguments.count, !arguments[index + 1].hasPrefix("-") else { return nil }
                    values[name] = arguments[index + 1]
                    index += 2
                }
            default:
                return nil
            }
        }
        var directory = DirectoryOptions()
        directory.db = values["--db"]
        directory.asLogin = values["--as"]
        var terminal = TerminalFlags()
        terminal.noColor = flags.contains("--no-color")
        terminal.mouse = flags.contains("--mouse")
        var command = ConsoleCommand()
        command.directory = directory
        command.terminal = terminal
        return command
    }
}
